// The end of a live, from the sofa, on real parts: the staff start a live (staff API), the TV
// plays it through the edge; the staff stop it: the player says the live is over; they publish
// the replay: the player offers « Regarder le replay » / « Retour », and OK plays the replay.
import type { Request } from 'playwright-core';
import type { LiveEvent, Replay } from '../../shared/catalog/types.ts';
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
import { useTvStack } from './use-tv-stack.ts';

const ADMIN = 'live-end-admin-token-7';
const TITLE = 'Forum de l’emploi de la Cité';
// The player asks every 15 s, the edge keeps the event's JSON 10 s: a change shows within ~25 s.
const NOTICE_MS = 60_000;

const requests: string[] = [];

const stack = useTvStack({ origin: { staffAdminToken: ADMIN } }, async (started) => {
  started.tv.page.on('request', (r: Request) => requests.push(new URL(r.url()).pathname));
});

/** The staff API, straight to the origin (as the staff console does). */
async function staff<T>(method: string, path: string, body: unknown = {}): Promise<T> {
  const response = await fetch(`${stack.origin.url}/api/v1/staff${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

test('a live ended and published by the staff: the player says so, offers the replay, and OK plays it', async () => {
  const { page } = stack.tv;
  const event = await staff<LiveEvent>('POST', '/events', {
    channelId: 'business',
    title: TITLE,
    venue: 'Halle de la Cité',
    startsAt: new Date(Date.now() + 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
  });
  await staff('POST', `/events/${event.id}/start`);

  // The viewer opens the event (a deep link) and watches the live.
  await openApp(page, `${stack.appUrl}?event=${event.id}`, 'button-watchLive');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 1 && v.totalVideoFrames > 0,
    45_000,
    'live playing',
  );
  expect(await isVisible(page, 'player-live-ended')).toBe(false);

  // Off air: the player says the live is over; the replay is not out yet, so only « Retour ».
  await staff('POST', `/events/${event.id}/stop`);
  await eventually(
    () => textsIn(page, 'player-live-ended'),
    (t) => t.includes('Le direct est terminé'),
    NOTICE_MS,
    'live ended shown',
  );
  expect(await textsIn(page, 'player-live-ended')).toEqual([
    'Le direct est terminé',
    'Le replay sera bientôt disponible.',
    'Retour',
  ]);
  await waitForFocus(page, 'button-live-ended-back');
  expect(await textsIn(page, 'player-badge')).toEqual(['TERMINÉ']);

  // The replay is published: « Regarder le replay », focused, and « Retour ».
  const replay = await staff<Replay>('POST', `/events/${event.id}/publish`, {
    chapters: [{ title: 'Accueil', start: 0 }],
  });
  const offer = await waitForFocus(page, 'button-watch-replay', NOTICE_MS);
  expect(offer.path).toEqual(['player', 'player-live-ended', 'row-live-ended', 'button-watch-replay']);
  expect(await textsIn(page, 'player-live-ended')).toEqual([
    'Le direct est terminé',
    'Le replay est disponible.',
    'Regarder le replay',
    'Retour',
  ]);
  await screenshot(page, 'player-live-ended');

  // OK: the replay plays in the player, from its own VOD playlist on the edge.
  const before = requests.length;
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(
    () => textsIn(page, 'player-badge'),
    (t) => t[0] === 'REPLAY',
    20_000,
    'replay badge',
  );
  expect(await textsIn(page, 'player-title')).toEqual([TITLE]);
  await eventually(
    () => videoState(page),
    (v) => !v.paused && v.currentTime > 0.5 && v.totalVideoFrames > 0,
    45_000,
    'replay playing',
  );
  expect(requests.slice(before)).toContain(replay.playbackUrl);
  expect(await isVisible(page, 'player-live-ended')).toBe(false);

  // Back leaves the player for the page the live was opened from.
  await press(page, 'Backspace');
  await waitForFocus(page, /^button-/);
  expect(await page.evaluate(() => !!document.querySelector(`[data-testid^="page-event-"]`))).toBe(true);
}, 240_000);

test('« Retour » on the offer leaves the player', async () => {
  const { page } = stack.tv;
  const event = await staff<LiveEvent>('POST', '/events', {
    channelId: 'culture',
    title: 'Lecture publique à la médiathèque',
    venue: 'Médiathèque',
    startsAt: new Date(Date.now() + 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
  });
  await staff('POST', `/events/${event.id}/start`);
  await openApp(page, `${stack.appUrl}?event=${event.id}`, 'button-watchLive');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await staff('POST', `/events/${event.id}/stop`);
  await waitForFocus(page, 'button-live-ended-back', NOTICE_MS);
  await press(page, 'Enter');
  await waitForFocus(page, /^button-/);
  expect(await page.evaluate(() => !!document.querySelector('[data-testid="player"]'))).toBe(false);
}, 180_000);
