// `npm run bench` (latency part, BENCH=latency): how far behind the picture's clock a viewer is,
// through the edge, with the TV app (its test build, which lets the bench read the screen's texts) in Chromium playing
// the live in hls.js's low-latency mode, for a minute:
//  - the demo live: the origin publishes its parts by the wall clock and dates them with
//    EXT-X-PROGRAM-DATE-TIME, so the picture's clock is its PDT; read from the TV's own debug
//    overlay (« Retard sur l'horloge », Date.now() - hls.playingDate) once a second;
//  - an encoder feed: Debian's ffmpeg pushing SRT with the UTC clock burned into the picture
//    (`npm run encoder`'s test pattern); tesseract reads that clock off the TV's screen, against
//    the wall clock at the moment of the screenshot (glass to glass); and the overlay's figure.
// Writes bench/results/latency.json (or BENCH_RESULTS_NAME.json) and prints the table.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startTvStack } from '../../tests/e2e/harness.ts';
import type { TvStack } from '../../tests/e2e/harness.ts';
import {
  eventually,
  isVisible,
  openApp,
  press,
  screenshot,
  textsIn,
  videoState,
  waitForFocus,
} from '../../tests/support/browser.ts';
import { eventOnAir, readClock, secondsOfDay, startTestIngest } from '../../tests/support/ingest.ts';
import { PLAYER_DEFAULTS } from '../../tv-app/src/player/config.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 60);
const CLOCK_LABEL = 'Retard sur l’horloge';

interface Stats {
  samples: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN);
  return { samples: s.length, median: at(0.5), p95: at(0.95), min: at(0), max: at(1) };
}
const round = (x: number) => Math.round(x * 100) / 100;

/** Plays the live the page is on (« Regarder le direct » focused), the overlay shown once it plays. */
async function playWithOverlay(page: Page): Promise<void> {
  await press(page, 'Enter');
  await waitForFocus(page, 'player', 30_000);
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 2 && v.totalVideoFrames > 0,
    60_000,
    'live playing',
  );
  await sleep(8000); // steady state: the start-up catch-up is over, the overlay of the start gone
  for (const key of PLAYER_DEFAULTS.debugOverlay.sequence) await press(page, key);
  await eventually(() => isVisible(page, 'player-debug'), Boolean, 10_000, 'debug overlay');
}

/** The overlay's « Retard sur l'horloge : 2,4 s », in seconds. */
async function overlayDelay(page: Page): Promise<number | null> {
  const line = (await textsIn(page, 'player-debug'))
    .join('\n')
    .split('\n')
    .find((l) => l.startsWith(CLOCK_LABEL));
  const figure = line ? /(\d+,\d+) s/.exec(line.slice(CLOCK_LABEL.length))?.[1] : undefined;
  return figure === undefined ? null : Number(figure.replace(',', '.'));
}

async function demoLive(): Promise<{ overlay: Stats }> {
  const stack = await startTvStack();
  try {
    const { page } = stack.tv;
    await openApp(page, stack.appUrl, 'button-watch-live');
    await playWithOverlay(page);
    const delays: number[] = [];
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      const d = await overlayDelay(page);
      if (d !== null) delays.push(d);
      await sleep(1000);
    }
    await screenshot(page, 'bench-latency-demo');
    return { overlay: stats(delays) };
  } finally {
    await stack.close();
  }
}

async function encoderFeed(): Promise<{ glassToGlass: Stats; overlay: Stats }> {
  const ingest = await startTestIngest();
  let stack: TvStack | undefined;
  try {
    stack = await startTvStack({ origin: ingest.originOptions });
    const event = await eventOnAir(stack.origin.url, 'sport', 'Banc d’essai');
    await ingest.encoder('sport', { protocol: 'srt', width: 1280, height: 720, fps: 30 });
    await sleep(8000);
    const { page } = stack.tv;
    await page.goto(`${stack.appUrl}?event=${event.id}`);
    await waitForFocus(page, 'button-watchLive', 30_000);
    await playWithOverlay(page);
    // The overlay first (it covers the burned clock), then the clock read off the screen without it.
    const delays: number[] = [];
    const overlayEnd = Date.now() + (SECONDS * 1000) / 3;
    while (Date.now() < overlayEnd) {
      const d = await overlayDelay(page);
      if (d !== null) delays.push(d);
      await sleep(1000);
    }
    for (const key of PLAYER_DEFAULTS.debugOverlay.sequence) await press(page, key);
    await eventually(
      () => isVisible(page, 'player-debug'),
      (v) => !v,
      10_000,
      'debug overlay hidden',
    );
    const glass: number[] = [];
    const end = Date.now() + SECONDS * 1000;
    for (let i = 0; Date.now() < end; i++) {
      // The picture is taken during the screenshot call: dated at its middle.
      const before = secondsOfDay();
      const png = await screenshot(page, `bench-latency-encoder-${i % 4}`);
      const at = (before + secondsOfDay()) / 2;
      const clock = await readClock(png, 1920, 1080);
      // Around midnight the clock wraps: a reading from « yesterday » is not a latency.
      if (clock !== null && at - clock >= 0 && at - clock < 60) glass.push(at - clock);
      await sleep(500);
    }
    return { glassToGlass: stats(glass), overlay: stats(delays) };
  } finally {
    await stack?.close();
    await ingest.close();
  }
}

console.log(`bench latency: the demo live, ${SECONDS} s…`);
const demo = await demoLive();
console.log(`bench latency: an SRT encoder feed, ${SECONDS} s…`);
const encoder = await encoderFeed();
const result = {
  measuredAt: new Date().toISOString(),
  machine: '2 cores, shared by the origin, the edge, the encoder, ffmpeg transcoding and Chromium',
  path: 'origin (LL-HLS parts) → edge → TV app (test build, hls.js low-latency mode) in Chromium',
  demoLive: demo,
  encoderFeed: encoder,
};
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
const file = path.join(root, 'bench/results', `${process.env.BENCH_RESULTS_NAME ?? 'latency'}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.table({
  'demo live, behind its PDT (overlay)': demo.overlay,
  'encoder feed, glass to glass (burned clock)': encoder.glassToGlass,
  'encoder feed, behind its PDT (overlay)': encoder.overlay,
});
console.log(`bench latency: written to ${path.relative(root, file)}`);
process.exit(0);
