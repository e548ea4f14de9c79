// Ad breaks on the TV, in headless Chromium, through the real edge: during a live, the staff
// trigger a break and the TV shows the spots with "Publicité" and a countdown, then returns to
// the live; on a replay, the pre-roll plays before the programme, the remote cannot seek inside a
// spot, and seeking over a mid-roll plays it first. The origin counts what the TV reported.
import type { Request } from 'playwright-core';
import {
  eventually,
  isVisible,
  openApp,
  press,
  screenshot,
  textsIn,
  videoState,
  waitForFocus,
} from '../support/browser.ts';
import { useTvStack } from '../e2e/use-tv-stack.ts';

const ADMIN = 'tv-breaks-admin-token-0123456789';
const requests: string[] = [];
const stack = useTvStack({ origin: { staffAdminToken: ADMIN } }, (started) => {
  started.tv.page.on('request', (r: Request) => requests.push(r.url()));
});

async function staff<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.origin.url}/api/v1/staff${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const adLabel = async () =>
  (await isVisible(stack.tv.page, 'player-ad')) ? ((await textsIn(stack.tv.page, 'player-ad'))[0] ?? '') : '';
const AD_LABEL = /^Publicité (\d\/\d )?· (\d+) s$/;
const secondsLeft = (label: string) => Number(AD_LABEL.exec(label)?.[2] ?? NaN);

test('the event sponsor the staff chose: a discreet logo on the event page and over the player', async () => {
  const { page } = stack.tv;
  const res = await fetch(`${stack.origin.url}/api/v1/staff/events/sport-hbc-nantes`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sponsorId: 'velocite' }),
  });
  expect(res.status).toBe(200);
  // The edge caches the catalog for 10 s: wait for the change to show there.
  await eventually(
    () =>
      fetch(`${stack.appUrl}api/v1/events/sport-hbc-nantes`).then((r) => r.json() as Promise<{ sponsorId?: string }>),
    (e) => e.sponsorId === 'velocite',
    20_000,
    'sponsor in the catalog',
  );
  await openApp(page, `${stack.appUrl}?event=sport-hbc-nantes`, 'button-watchLive');
  await eventually(
    () => isVisible(page, 'event-sponsor-velocite'),
    (v) => v,
    10_000,
    'sponsor on the event page',
  );
  expect(await textsIn(page, 'event-sponsor-velocite')).toEqual(['Avec Vélocité']);
  await screenshot(page, 'event-sponsor');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(
    () => isVisible(page, 'player-sponsor-velocite'),
    (v) => v,
    10_000,
    'sponsor over the player',
  );
  await press(page, 'Backspace');
}, 120_000);

test('live: staff trigger a break; the TV shows "Publicité" with a countdown, then returns to the live', async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 1 && v.totalVideoFrames > 0,
    45_000,
    'live playing',
  );

  await staff('/ads/events/sport-hbc-nantes/breaks', { durationSeconds: 20 });
  const first = await eventually(adLabel, (l) => AD_LABEL.test(l), 40_000, 'ad label');
  await screenshot(page, 'ad-live');
  // The countdown goes down as the spots play.
  const later = await eventually(
    adLabel,
    (l) => AD_LABEL.test(l) && secondsLeft(l) <= secondsLeft(first) - 3,
    20_000,
    'countdown moving',
  );
  expect(secondsLeft(later)).toBeLessThan(secondsLeft(first));
  // The spots came from the ad server for this viewer, their segments through the edge.
  const assetList = requests.find((u) => u.includes('/asset-list'));
  expect(assetList).toBeDefined();
  expect(new URL(assetList!).searchParams.get('_HLS_primary_id')).toMatch(/^[0-9a-f-]{36}$/);
  expect(requests.some((u) => /\/hls\/ads\/[a-z-]+\/v\d+\/\d+\.ts/.test(u))).toBe(true);

  // Back to the programme, at the live point.
  await eventually(adLabel, (l) => l === '', 40_000, 'ad over');
  const before = (await videoState(page)).currentTime;
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > before + 2 && !v.paused,
    20_000,
    'live playing again',
  );
  // At the live point: a few segments behind the newest, as before the break.
  const behind = await eventually(
    () =>
      page.evaluate(() => {
        const v = document.querySelector('video')!;
        return v.seekable.length ? v.seekable.end(v.seekable.length - 1) - v.currentTime : Infinity;
      }),
    (d) => d < 12,
    15_000,
    'at the live point',
  );
  expect(behind).toBeLessThan(12);
  // The TV reported what it played: the sponsor's spot started and completed.
  const report = await eventually(
    () => staff<{ impressions: Record<string, number> }>('/ads/campaigns/campaign-boulangerie-sport/impressions'),
    (r) => (r.impressions.complete ?? 0) >= 1,
    15_000,
    'impressions counted',
  );
  expect(report.impressions.start).toBe(1);
  expect(report.impressions.midpoint).toBe(1);
  expect(report.impressions.complete).toBe(1);
  await press(page, 'Backspace');
}, 180_000);

test('replay: the pre-roll plays first (no seeking inside it), then the programme from its start; seeking over the mid-roll plays it', async () => {
  const { page } = stack.tv;
  await staff('/ads/replays/replay-hbc-montpellier/breaks', { durationSeconds: 10 });
  await staff('/ads/replays/replay-hbc-montpellier/breaks', { durationSeconds: 10, chapter: 2 });
  // The deep link plays the replay at once: the pre-roll first.
  await openApp(page, `${stack.appUrl}?replay=replay-hbc-montpellier`, 'player');
  const first = await eventually(adLabel, (l) => AD_LABEL.test(l), 40_000, 'pre-roll label');
  await screenshot(page, 'ad-preroll');
  // Right (+10 s) inside a spot does nothing: the countdown does not jump.
  await press(page, 'ArrowRight');
  const after = await adLabel();
  expect(secondsLeft(after)).toBeGreaterThanOrEqual(secondsLeft(first) - 3);
  await eventually(adLabel, (l) => l === '', 40_000, 'pre-roll over');
  // The programme starts at its beginning.
  const start = await eventually(
    () => videoState(page),
    (v) => v.currentTime > 0.2 && !v.paused,
    20_000,
    'replay playing',
  );
  expect(start.currentTime).toBeLessThan(8);
  // Three steps forward (+30 s) jump over the mid-roll at 26 s: it plays first.
  await press(page, 'ArrowRight', 3);
  await eventually(adLabel, (l) => AD_LABEL.test(l), 20_000, 'mid-roll label');
  await eventually(adLabel, (l) => l === '', 40_000, 'mid-roll over');
  const resumed = await eventually(
    () => videoState(page),
    (v) => v.currentTime > 0 && !v.paused,
    20_000,
    'replay playing after mid-roll',
  );
  expect(resumed.currentTime).toBeGreaterThan(20);
  // Back before the mid-roll (−20 s) and playing through it: already seen, it does not play again.
  await press(page, 'ArrowLeft', 2);
  await eventually(
    () => videoState(page),
    (v) => v.currentTime < 24,
    10_000,
    'back before the mid-roll',
  );
  const labels = new Set<string>();
  await eventually(
    async () => {
      labels.add(await adLabel());
      return videoState(page);
    },
    (v) => v.currentTime > 30 && !v.paused,
    40_000,
    'played through the mid-roll',
  );
  expect([...labels]).toEqual(['']);
}, 180_000);
