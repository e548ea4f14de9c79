// Phase-1 path, remote keys only: open the app from the edge, go to C'Sport's live event,
// play it (real frames decoded), come back with Back to the very tile we left.
import { eventually, focused, openApp, press, screenshot, videoState, waitForFocus } from '../support/browser.ts';
import { useTvStack } from './use-tv-stack.ts';
import type { HomeResponse } from '../../shared/catalog/types.ts';

const stack = useTvStack();

test("home from the edge → C'Sport live → playback → Back restores focus", async () => {
  const { page } = stack.tv;

  // The home screen: focus starts on the hero's main action, the four channels are shown.
  await openApp(page, stack.appUrl, /^button-/);
  await page.waitForTimeout(1500); // let posters and fonts land before the screenshot
  await screenshot(page, 'foundation-home');

  // Which event C'Sport has on air, as the catalog (through the edge) says.
  const home = (await (await fetch(`${stack.appUrl}api/v1/home`)).json()) as HomeResponse;
  const sportLive = home.channels.find((c) => c.channel.id === 'sport')!.onAir!;
  const liveTileId = `tile-live-${sportLive.id}`;

  // Down to the channels: C'Sport is first and focused, with what it has on air.
  await press(page, 'ArrowDown');
  await waitForFocus(page, 'channel-sport');
  await eventually(
    () => focused(page),
    (f) => f.texts.includes(sportLive.title) && f.texts.includes('● DIRECT'),
    10_000,
    'channel tile texts',
  );

  // Down to the "En direct" rail, then right until C'Sport's live event is focused.
  await press(page, 'ArrowDown');
  let tile = await waitForFocus(page, /^tile-live-/);
  for (let i = 0; i < 4 && tile.testId !== liveTileId; i++) {
    await press(page, 'ArrowRight');
    tile = await focused(page);
  }
  expect(tile.path).toEqual(['page-home', 'rail-live', liveTileId]);
  // Its title and channel are on the tile (read once the rail has scrolled into view).
  await eventually(
    () => focused(page),
    (f) => f.texts.includes(sportLive.title) && f.texts.some((t) => t.startsWith("C'Sport · ")),
    10_000,
    'tile texts',
  );

  // OK plays it full screen through hls.js, via the edge.
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  const first = await eventually(
    () => videoState(page),
    (v) => v.currentTime > 1 && v.totalVideoFrames > 0,
    45_000,
    'video playing',
  );
  const later = await eventually(
    () => videoState(page),
    (v) => v.currentTime > first.currentTime + 1,
    30_000,
    'time advancing',
  );
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
