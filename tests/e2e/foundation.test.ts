// Phase-1 path, remote keys only: open the app from the edge, go to C'Sport's live event,
// play it (real frames decoded), come back with Back to the very tile we left.
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { eventually, focused, openApp, press, screenshot, videoState, waitForFocus } from '../support/browser.ts';
import { startTvStack, type TvStack } from './harness.ts';

let stack: TvStack;

beforeAll(async () => {
  stack = await startTvStack();
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await stack?.close();
});

test('home from the edge → C\'Sport live → playback → Back restores focus', async () => {
  const { page } = stack.tv;

  // The home screen: focus starts on the hero's main action, the four channels are shown.
  await openApp(page, stack.appUrl, /^button-/);
  await page.waitForTimeout(1500); // let posters and fonts land before the screenshot
  await screenshot(page, 'foundation-home');

  // Down to the channels: C'Sport is first and focused.
  await press(page, 'ArrowDown');
  const channel = await waitForFocus(page, 'channel-sport');
  expect(channel.texts).toContain("C'Sport");

  // Down to the "En direct" rail, then right until C'Sport's live event is focused.
  await press(page, 'ArrowDown');
  let tile = await waitForFocus(page, /^tile-live-/);
  for (let i = 0; i < 4 && !tile.texts.some((t) => t.startsWith("C'Sport")); i++) {
    await press(page, 'ArrowRight');
    tile = await focused(page);
  }
  expect(tile.path).toContain('rail-live');
  expect(tile.texts.some((t) => t.startsWith("C'Sport"))).toBe(true);
  const liveTileId = tile.testId!;

  // OK plays it full screen through hls.js, via the edge.
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  const first = await eventually(() => videoState(page), (v) => v.currentTime > 1 && v.totalVideoFrames > 0, 45_000, 'video playing');
  const later = await eventually(() => videoState(page), (v) => v.currentTime > first.currentTime + 1, 30_000, 'time advancing');
  expect(later.totalVideoFrames).toBeGreaterThan(first.totalVideoFrames);
  expect(later.width).toBeGreaterThan(0);
  expect(stack.origin.requests.count('/hls/live/sport/')).toBeGreaterThan(0);
  await page.waitForTimeout(4500); // the overlay fades: the screenshot shows the picture itself
  await screenshot(page, 'foundation-playback');

  // Back: playback stops, the rail is back with focus on the same tile.
  await press(page, 'Backspace');
  const back = await waitForFocus(page, liveTileId);
  expect(back.path).toEqual(['page-home', 'rail-live', liveTileId]);
  const stopped = await videoState(page);
  expect(stopped.paused).toBe(true);
  expect(stack.tv.errors.filter((e) => e.includes('Uncaught') || e.includes('TypeError'))).toEqual([]);
});
