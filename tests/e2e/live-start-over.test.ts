// « Depuis le début » of a live: from the live event's page, the player starts at the oldest
// point the live window still holds, kept 3 target durations in (the seed's event started before
// this stack's stream, so max(event start, window start) is the window start), shows EN DIFFÉRÉ,
// and ▲ returns to DIRECT; an event begun inside the window starts where it began.
// A slow line whose first segment comes after the window slid past it starts again further in. A
// start that falls on a discontinuity (the loop's wrap) plays from there.
import { eventually, openApp, press, screenshot, textsIn, videoState, waitForFocus } from '../support/browser.ts';
import { useTvStack } from './use-tv-stack.ts';
import type { LiveEvent } from '../../shared/catalog/types.ts';
import { playlistSegments } from '../support/ingest.ts';

const ADMIN = 'start-over-admin-token-3';

// A 60 s live window (30 × 2 s segments): the start is far enough from the live edge to tell apart.
const stack = useTvStack({ origin: { live: { windowSize: 30 }, staffAdminToken: ADMIN } });

const badge = async () => (await textsIn(stack.tv.page, 'player-badge'))[0] ?? '';

/** Where the playhead is in the live window: seconds after its start and before its end. */
const position = () =>
  stack.tv.page.evaluate(() => {
    const v = document.querySelector('video')!;
    if (v.seekable.length === 0) return { fromStart: NaN, toEnd: NaN };
    return {
      fromStart: v.currentTime - v.seekable.start(0),
      toEnd: v.seekable.end(v.seekable.length - 1) - v.currentTime,
    };
  });

/** From the home's hero (« Regarder le direct » focused): « Détails », then « Depuis le début » focused. */
async function focusStartOver(page: typeof stack.tv.page) {
  await press(page, 'ArrowRight');
  await waitForFocus(page, 'button-details');
  await press(page, 'Enter');
  await waitForFocus(page, 'button-watchLive');
  await press(page, 'ArrowRight');
  return waitForFocus(page, 'button-startOver');
}

/** Playing where it started (media at the playhead, not merely seeked), the clock moving on from there. */
async function playingFromThere(page: typeof stack.tv.page) {
  const playing = await eventually(
    () => videoState(page),
    (v) => v.readyState >= 3 && !v.paused && v.totalVideoFrames > 0,
    45_000,
    'playing',
  );
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > playing.currentTime + 1,
    20_000,
    'clock moving',
  );
}

test('event page « Depuis le début »: plays from the window start (EN DIFFÉRÉ), Up returns to DIRECT', async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  // Watch the live once until its window holds 25 s, so its start is far from the live edge.
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(position, (p) => p.fromStart + p.toEnd > 25, 60_000, 'live window of 25 s');
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-watch-live');

  // The hero's « Détails »: the live event's page offers « Depuis le début » after « Regarder le direct ».
  const startOver = await focusStartOver(page);
  expect(startOver.texts).toContain('Depuis le début');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await playingFromThere(page);
  await eventually(badge, (b) => b === 'EN DIFFÉRÉ', 15_000, 'EN DIFFÉRÉ badge');
  // The window's start, give or take the 3 target durations (6 s) the player keeps from its edge
  // and the time it took to start. (A start made again further in, on a slow line, is the third
  // test's.)
  const at = await eventually(position, (p) => p.fromStart < 12, 15_000, 'playhead near the window start');
  expect(at.fromStart).toBeGreaterThanOrEqual(0);
  expect(at.toEnd).toBeGreaterThan(15);
  await page.waitForTimeout(800);
  await screenshot(page, 'player-start-over');

  await press(page, 'ArrowUp');
  await eventually(badge, (b) => b === 'DIRECT', 10_000, 'back to DIRECT');
  expect((await position()).toEnd).toBeLessThan(15);
});

test('« Depuis le début » of a live that began inside the window: playback starts where the event began', async () => {
  const { page } = stack.tv;
  // The staff start an event on C'Business now; the channel's stream (and window) began earlier.
  const response = await fetch(`${stack.origin.url}/api/v1/staff/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      channelId: 'business',
      title: 'Forum des entreprises',
      venue: 'Halle de la Cité',
      startsAt: new Date(Date.now() + 3600_000).toISOString(),
      endsAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
    }),
  });
  const event = (await response.json()) as LiveEvent;
  const started = await fetch(`${stack.origin.url}/api/v1/staff/events/${event.id}/start`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const startedAt = Date.parse(((await started.json()) as LiveEvent).startedAt!);
  // 20 s of the event on air, so its start is well inside the window and far from the live edge.
  await page.waitForTimeout(20_000);

  await openApp(page, `${stack.appUrl}?event=${event.id}`, 'button-watchLive');
  await press(page, 'ArrowRight');
  await waitForFocus(page, 'button-startOver');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(badge, (b) => b === 'EN DIFFÉRÉ', 45_000, 'EN DIFFÉRÉ badge');
  await playingFromThere(page);
  const at = await position();
  const sinceStart = (Date.now() - startedAt) / 1000;
  process.stderr.write(
    `[start-over] ${sinceStart.toFixed(1)} s since the event began; playhead ${at.fromStart.toFixed(1)} s after the window start, ${at.toEnd.toFixed(1)} s before its end\n`,
  );
  // Behind the live edge by the time since the event began, less the live edge's own delay
  // (the newest segment is up to a few seconds old): not at the window's start, not at live.
  expect(at.fromStart).toBeGreaterThan(5);
  expect(at.toEnd).toBeGreaterThan(sinceStart - 10);
  expect(at.toEnd).toBeLessThan(sinceStart + 2);
  await screenshot(page, 'player-start-over-inside-window');
});

test('« Depuis le début » on a slow line (the first segments take 9 s, longer than the start stays in the window): it plays all the same, from further in', async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  await focusStartOver(page);
  // For 12 s, every media segment's answer comes 9 s late: the first one asked (3 target
  // durations into the window) has left the playlist by then. Without a new start, hls.js
  // waited there for good, nothing buffered (seen in CI on a loaded box, and here so).
  const slowUntil = Date.now() + 12_000;
  await page.route('**/hls/live/sport/**', async (route) => {
    if (Date.now() < slowUntil && !new URL(route.request().url()).pathname.endsWith('.m3u8'))
      await new Promise((r) => setTimeout(r, 9000));
    await route.continue().catch(() => undefined); // hls.js may have given the request up meanwhile
  });
  try {
    await press(page, 'Enter');
    await waitForFocus(page, 'player');
    await playingFromThere(page);
  } finally {
    await page.unroute('**/hls/live/sport/**');
  }
  // In the window, well behind the live edge: the start, as near it as the line allowed.
  const at = await position();
  expect(at.fromStart).toBeGreaterThanOrEqual(0);
  expect(at.toEnd).toBeGreaterThan(15);
  expect(await badge()).toBe('EN DIFFÉRÉ');
});

test('« Depuis le début » whose start falls on the loop’s wrap (the first segment after a discontinuity): it plays from there', async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  await focusStartOver(page);
  // The start is 3 target durations into the window: the window's 4th segment. Every media
  // playlist of the channel caught at one instant where that segment starts the loop again
  // (EXT-X-DISCONTINUITY, every 16 segments), then answered to the TV as they were for 25 s, so
  // the start lands there whatever the box's speed. Audio segments are 2.005 s against the
  // video's 2.000: the audio segment holding a video segment's first instant is the one before,
  // of the other discontinuity, and a start exactly there waited for good (start-over.ts
  // `offTheCut`).
  const base = `${stack.origin.url}/hls/live/sport/`;
  const master = await (await fetch(`${base}master.m3u8`)).text();
  const renditions = [
    ...new Set(
      master
        .split('\n')
        .map((l) => (l.startsWith('#') ? /URI="([^"]+)"/.exec(l)?.[1] : l.trim()))
        .filter((uri): uri is string => !!uri?.endsWith('index.m3u8')),
    ),
  ];
  const onTheWrap = (text: string) => playlistSegments(text)[3]?.discontinuity === true;
  const firstOf = (text: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1]);
  let caught: Map<string, string> | undefined;
  for (const deadline = Date.now() + 60_000; !caught && Date.now() < deadline; ) {
    const texts = await Promise.all(renditions.map(async (r) => [r, await (await fetch(base + r)).text()] as const));
    const sequences = new Set(texts.map(([, t]) => firstOf(t)));
    if (sequences.size === 1 && texts.every(([, t]) => onTheWrap(t))) caught = new Map(texts);
    else await page.waitForTimeout(100);
  }
  expect(caught).toBeDefined();
  const wrap = firstOf([...caught!.values()][0]!) + 3;
  const frozenUntil = Date.now() + 25_000;
  const asked: string[] = [];
  await page.route('**/hls/live/sport/**', async (route) => {
    const path = new URL(route.request().url()).pathname;
    const rendition = renditions.find((r) => path.endsWith(`/sport/${r}`));
    if (path.endsWith('.ts')) asked.push(path.slice(path.indexOf('/sport/') + 7));
    if (rendition && Date.now() < frozenUntil)
      await route.fulfill({ status: 200, contentType: 'application/vnd.apple.mpegurl', body: caught!.get(rendition)! });
    else await route.continue().catch(() => undefined);
  });
  try {
    const enterAt = Date.now();
    await press(page, 'Enter');
    await waitForFocus(page, 'player');
    // Playing, and within the frozen 25 s: not a start made again further in once the window slid.
    await playingFromThere(page);
    const waitedS = Math.round((Date.now() - enterAt) / 100) / 10;
    expect({ waitedS, whileFrozen: Date.now() < frozenUntil }).toEqual({ waitedS, whileFrozen: true });
  } finally {
    await page.unroute('**/hls/live/sport/**');
  }
  // Where it started: the wrap's segment, in picture and sound.
  const firstMedia = (kind: RegExp) => asked.find((p) => kind.test(p));
  expect({ video: firstMedia(/^v\d+\//), audio: firstMedia(/^audio/) }).toEqual({
    video: expect.stringMatching(new RegExp(`/${wrap}\\.ts$`)),
    audio: expect.stringMatching(new RegExp(`/${wrap}\\.ts$`)),
  });
  expect(await badge()).toBe('EN DIFFÉRÉ');
});
