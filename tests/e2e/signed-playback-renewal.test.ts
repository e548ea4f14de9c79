// A viewer watches a restricted live longer than its token lasts (80 s here; six hours in
// production) and it keeps playing: the TV asks the catalog for a freshly signed URL before the
// token expires (again a few seconds later when the catalog does not answer) and swaps it in
// without a single refused request (access-renewal.ts); a TV whose
// clock is an hour behind misses that moment, gets a 403 at the expiry, renews then and reloads
// at the live edge, without the viewer doing anything and without a 403 storm.
import type { Page, Request, Response } from 'playwright-core';
import { eventually, openApp, press, screenshot, textsIn, videoState, waitForFocus } from '../support/browser.ts';
import { useTvStack } from './use-tv-stack.ts';
import type { AccessConfig } from '../../shared/signing/access-config.ts';
import { fr } from '../../tv-app/src/i18n/fr.ts';

const access: AccessConfig = {
  keys: [{ id: 'k2026a', secret: 'the-city-tv-signing-secret' }],
  restrictedPrefixes: ['/hls/live/sport/'],
  // Long enough that a renewal ahead (a quarter of the life left, ~17 s here; a minute for long
  // tokens) is later than the edge's stored catalog answer can be stale (max-age 10 s + 10 s of
  // stale-while-revalidate): with 40 s the renewal could get the token it already had.
  ttlSeconds: 80,
};
interface Answer {
  path: string;
  status: number;
  /** The token's expiry (s), null without one. */
  exp: number | null;
  at: number;
}
const answers: Answer[] = [];
const catalogReads: string[] = [];
/** The event's catalog answers (time, token expiry): what a renewal got, for a failure's message. */
const catalogAnswers: string[] = [];

const stack = useTvStack(
  { origin: { access }, edge: { urlSigningKeys: access.keys, urlSigningPrefixes: access.restrictedPrefixes } },
  async (started) => {
    started.tv.page.on('response', (r: Response) => {
      const url = new URL(r.url());
      if (!url.pathname.startsWith('/hls/live/sport/')) return;
      const exp = url.searchParams.get('exp');
      answers.push({ path: url.pathname, status: r.status(), exp: exp === null ? null : Number(exp), at: Date.now() });
    });
    started.tv.page.on('response', async (r: Response) => {
      if (!new URL(r.url()).pathname.startsWith('/api/v1/events/')) return;
      const exp = /exp=(\d+)/.exec(await r.text().catch(() => ''))?.[1] ?? '-';
      catalogAnswers.push(`${new Date().toISOString().slice(11, 21)} ${r.status()} exp=${exp}`);
    });
    started.tv.page.on('request', (r: Request) => {
      const path = new URL(r.url()).pathname;
      if (!path.startsWith('/api/v1/events/')) return;
      catalogReads.push(path);
      catalogAnswers.push(`${new Date().toISOString().slice(11, 21)} asked (${r.headers()['cache-control'] ?? ''})`);
    });
    // The TV's clock, and renewals the catalog does not answer (a blip: the player's reads past
    // the browser's cache fail as a network error would), set per test by cookies, not by init
    // scripts of their own: those stay on the page, and jest's retry of the first test runs
    // after the second.
    await started.tv.page.addInitScript(() => {
      const cookie = (name: string) => Number(new RegExp(`(?:^|; )${name}=(-?\\d+)`).exec(document.cookie)?.[1] ?? 0);
      const offset = cookie('tv-clock-offset-ms');
      if (offset) {
        const real = Date.now.bind(Date);
        Date.now = () => real() + offset;
      }
      const w = window as unknown as { renewalsToLose: number };
      w.renewalsToLose = cookie('tv-lost-renewals');
      const realFetch = window.fetch.bind(window);
      window.fetch = (input, init) => {
        if (init?.cache === 'no-store' && w.renewalsToLose > 0) {
          w.renewalsToLose--;
          return Promise.reject(new TypeError('Failed to fetch (the test: a catalog blip)'));
        }
        return realFetch(input, init);
      };
    });
  },
);
/** From the next page load: the TV's clock this far (ms) from the real one, and its first `lost` renewals lost. */
async function setTv(page: Page, { clockOffsetMs, lost }: { clockOffsetMs: number; lost: number }): Promise<void> {
  await page.context().addCookies([
    { name: 'tv-clock-offset-ms', value: String(clockOffsetMs), url: stack.appUrl },
    { name: 'tv-lost-renewals', value: String(lost), url: stack.appUrl },
  ]);
}

/** Starts the restricted live from the home screen; answers the first master playlist's token expiry (s). */
async function playRestrictedLive(page: Page): Promise<number> {
  answers.length = 0;
  catalogReads.length = 0;
  catalogAnswers.length = 0;
  await openApp(page, stack.appUrl, 'button-watch-live');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 2 && v.totalVideoFrames > 0,
    45_000,
    'the restricted live playing',
  );
  const master = answers.find((a) => a.path === '/hls/live/sport/master.m3u8');
  if (!master?.exp) throw new Error('no signed master playlist seen');
  return master.exp;
}

/** Watches until `untilS` (s since the epoch), noting every text the player showed. */
async function watchUntil(page: Page, untilS: number): Promise<Set<string>> {
  const seen = new Set<string>();
  while (Date.now() / 1000 < untilS) {
    for (const text of await textsIn(page, 'player')) seen.add(text);
    await page.waitForTimeout(500);
  }
  return seen;
}

/**
 * The picture moves: over two seconds the clock advances by more than one, with frames to play.
 * Polled: on a loaded box a single sample can fall in a short stall.
 */
async function expectPlaying(page: Page): Promise<void> {
  let before = await videoState(page);
  const samples: string[] = [];
  for (const deadline = Date.now() + 45_000; Date.now() < deadline; ) {
    await page.waitForTimeout(2000);
    const after = await videoState(page);
    samples.push(`${after.currentTime.toFixed(1)}/${after.readyState}`);
    if (!after.paused && after.readyState >= 3 && after.currentTime > before.currentTime + 1) return;
    before = after;
  }
  throw new Error(`the video does not play on: ${samples.join(' ')}`);
}

const failures = [fr['error.playback'], fr['error.accessRefused']];

test('renewed ahead of its expiry, through a catalog blip: plays on past it, no request refused, no reload', async () => {
  const { page } = stack.tv;
  // The first two renewals get no answer: the player asks again a few seconds later.
  await setTv(page, { clockOffsetMs: 0, lost: 2 });
  const exp = await playRestrictedLive(page);
  const atExpiry = await eventually(
    () => videoState(page),
    () => Date.now() / 1000 >= exp,
    150_000,
    'the first token expired',
  );
  const seen = await watchUntil(page, exp + 12);
  const refused = answers.filter((a) => a.status !== 200);
  if (refused.length > 0)
    throw new Error(
      `refused after expiry ${exp}: ${JSON.stringify(refused)}; the event's catalog answers: ${catalogAnswers.join(', ')}`,
    );
  await expectPlaying(page);
  const end = await videoState(page);
  expect(end.currentTime).toBeGreaterThan(atExpiry.currentTime + 8);
  await screenshot(page, 'signed-playback-renewed-ahead');

  // Requests went out with a later token, and after the first one had expired they were let through.
  const later = answers.filter((a) => a.exp !== null && a.exp > exp);
  expect(later.length).toBeGreaterThan(0);
  expect(later.some((a) => a.at / 1000 > exp + 2 && /\.(ts|m4s|mp4)$/.test(a.path))).toBe(true);
  // Swapped in place: the master playlist was loaded once, the picture never went back to loading.
  expect(answers.filter((a) => a.path === '/hls/live/sport/master.m3u8')).toHaveLength(1);
  expect(catalogReads.length).toBeGreaterThan(0);
  // The blip really happened: both renewals lost, and one asked after them got through.
  expect(await page.evaluate(() => (window as unknown as { renewalsToLose: number }).renewalsToLose)).toBe(0);
  for (const text of failures) expect(seen).not.toContain(text);
}, 300_000);

test('a TV clock an hour behind: one 403 at the expiry, renewed, back at the live edge on its own', async () => {
  const { page } = stack.tv;
  // The TV believes it is an hour earlier: its renewal ahead would come an hour late.
  await setTv(page, { clockOffsetMs: -3600_000, lost: 0 });
  const exp = await playRestrictedLive(page);
  await eventually(
    () => Promise.resolve(answers.some((a) => a.status === 403)),
    (refused) => refused,
    150_000,
    'the edge refusing the expired token',
  );
  const refusedAt = Date.now();
  const seen = await watchUntil(page, refusedAt / 1000 + 15);
  await expectPlaying(page);
  await screenshot(page, 'signed-playback-renewed-after-403');

  const refused = answers.filter((a) => a.status === 403);
  // Bounded: the requests in flight when the token expired (video, audio, a part), not a storm.
  expect(refused.length).toBeLessThanOrEqual(6);
  expect(refused.every((a) => a.exp === exp)).toBe(true);
  // The master playlist loaded again with a later token, and media flowed with it.
  const reloaded = answers.filter((a) => a.at >= refusedAt - 1000 && a.exp !== null && a.exp > exp);
  expect(reloaded.some((a) => a.path === '/hls/live/sport/master.m3u8' && a.status === 200)).toBe(true);
  expect(reloaded.some((a) => /\.(ts|m4s|mp4)$/.test(a.path) && a.status === 200)).toBe(true);
  for (const text of failures) expect(seen).not.toContain(text);
}, 300_000);
