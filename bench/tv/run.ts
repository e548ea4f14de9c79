// `npm run bench` (TV part), in headless Chromium against the real origin and edge:
//  - time to an interactive Home (test build: the inspector mirror tells when focus lands),
//  - frames per second and main-thread time per frame while scrolling a rail, with and without
//    4x CPU throttling (production build; CDP Performance metrics),
//  - JS heap after minutes of browsing (production build; after a forced GC),
//  - zap time, OK on a tile → first decoded frame, through a cold edge and a warm one, with OK
//    pressed at once or after the focus rested (the tile's master playlist preloaded),
//  - cold start-up, drawn and still (startup.ts), modern and legacy production builds.
// BENCH_TV_ONLY=startup runs that last part alone and keeps the file's other figures;
// BENCH_TV_APP_BUILD=<dir> measures that production build (`node build.mjs --out <dir>`, e.g. an
// older commit's) instead of building the working tree's; BENCH_TV_RESULTS=<name> writes
// bench/results/<name>.json instead of tv.json; BENCH_TV_REFERENCE_BUILD=<dir> measures that
// production build's start-up too, its runs alternating with the current build's.
// Chromium renders WebGL with SwiftShader here (CPU): frame rates are regression floors, not
// what a TV's GPU does. Writes bench/results/tv.json and prints a table.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { startOrigin } from '../../tests/support/origin.ts';
import { startEdge, type StartedEdge } from '../../tests/support/edge.ts';
import { launchTv, waitForFocus } from '../../tests/support/browser.ts';
import { buildApp } from '../../tests/e2e/harness.ts';
import { itemAt } from '../../shared/lang/item-at.ts';
import { coldStartup, median, CLOCK_MASK, type StartupRun } from './startup.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const settings = {
  browseMinutes: Number(process.env.BENCH_TV_BROWSE_MINUTES ?? 5),
  scrollSeconds: Number(process.env.BENCH_TV_SCROLL_SECONDS ?? 6),
  zapRuns: Number(process.env.BENCH_TV_ZAP_RUNS ?? 3),
  startupRuns: Number(process.env.BENCH_TV_STARTUP_RUNS ?? 5),
};
const only = process.env.BENCH_TV_ONLY;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Presses ArrowRight at a remote's auto-repeat pace and counts frames the page painted. */
async function scrollRail(page: Page, cdp: CDPSession, seconds: number) {
  // In-page code goes as strings: tsx's keepNames would wrap named functions in a helper
  // (`__name`) that does not exist in the page.
  await page.evaluate(`(() => {
    window.__frames = 0;
    window.__counting = true;
    const tick = () => { if (!window.__counting) return; window.__frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const before = await metrics(cdp);
  const t0 = performance.now();
  let direction = 'ArrowRight';
  let presses = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await page.keyboard.press(direction);
    presses++;
    if (presses % 12 === 0) direction = direction === 'ArrowRight' ? 'ArrowLeft' : 'ArrowRight';
    await sleep(150);
  }
  const elapsed = (performance.now() - t0) / 1000;
  const frames = (await page.evaluate('(() => { window.__counting = false; return window.__frames; })()')) as number;
  const after = await metrics(cdp);
  return {
    fps: frames / elapsed,
    mainThreadMsPerFrame: ((after.TaskDuration! - before.TaskDuration!) * 1000) / Math.max(1, frames),
    scriptMsPerFrame: ((after.ScriptDuration! - before.ScriptDuration!) * 1000) / Math.max(1, frames),
  };
}

async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await metrics(cdp)).JSHeapUsedSize!;
}

/** OK on the focused tile → first decoded frame, measured in the page (keydown to frame callback). */
async function zap(page: Page): Promise<number> {
  await page.evaluate(`(() => {
    window.__zap = { t0: 0, t1: 0 };
    document.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !window.__zap.t0) window.__zap.t0 = performance.now(); }, { capture: true, once: true });
    const poll = () => {
      const v = document.querySelector('video');
      if (v && v.getVideoPlaybackQuality().totalVideoFrames > 0 && v.currentTime > 0) window.__zap.t1 = performance.now();
      else requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  })()`);
  await page.keyboard.press('Enter');
  for (let i = 0; i < 300; i++) {
    const z = (await page.evaluate('window.__zap')) as { t0: number; t1: number };
    if (z.t1) return z.t1 - z.t0;
    await sleep(100);
  }
  throw new Error('bench: no frame within 30 s of OK');
}

/**
 * Cold start-ups of production builds (`current`, and `reference` when comparing) through edges
 * warmed by one untimed load each (the posters resized once at the origin, as for every viewer
 * after the first): each run a fresh Chromium profile, so nothing comes from the browser's cache.
 * The builds' runs alternate, so a shared box's load falls on both alike.
 */
async function startupOf(appDirs: Record<string, string>, framesDir: string) {
  const stacks: { name: string; url: string; close(): Promise<void> }[] = [];
  try {
    for (const [name, appDir] of Object.entries(appDirs)) {
      const origin = await startOrigin({ appDir });
      const edge = await startEdge({ upstreamUrl: origin.url });
      const close = async () => {
        await edge.close();
        await origin.close();
      };
      stacks.push({ name, url: `${edge.url}/`, close });
      await coldStartup(`${edge.url}/`);
    }
    const runs: Record<string, StartupRun[]> = Object.fromEntries(stacks.map((s) => [s.name, []]));
    for (let i = 0; i < settings.startupRuns; i++)
      for (const stack of stacks)
        runs[stack.name]!.push(await coldStartup(stack.url, i === 0 ? path.join(framesDir, stack.name) : undefined));
    return Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, summary(list)]));
  } finally {
    for (const stack of stacks) await stack.close();
  }
}

function summary(runs: StartupRun[]) {
  const figures = (pick: (r: StartupRun) => number | null) => runs.map(pick).filter((x): x is number => x !== null);
  return {
    drawnAtMsMedian: round(median(figures((r) => r.drawnAtMs))),
    stillAtMsMedian: round(median(figures((r) => r.stillAtMs))),
    // A run whose screen never stayed still 1 s has no stillAt: count them.
    runsNeverStill: runs.filter((r) => r.stillAtMs === null).length,
    runs: runs.map((r) => ({ ...r, drawnAtMs: round(r.drawnAtMs), stillAtMs: round(r.stillAtMs) })),
  };
}

const round = (x: number | null) => (x === null ? null : Math.round(x));

/** `referenceBuildDir`: another production build (an older commit's) measured alongside. */
async function startupFigures(prodBuildDir: string, referenceBuildDir?: string) {
  const framesDir = path.join(tmpdir(), `cite-tv-startup-frames-${Date.now()}`);
  const dirs = (variant: string) => ({
    current: path.join(prodBuildDir, variant),
    ...(referenceBuildDir ? { reference: path.join(referenceBuildDir, variant) } : {}),
  });
  const modern = await startupOf(dirs('dist'), path.join(framesDir, 'modern'));
  const legacy = await startupOf(dirs('dist-legacy'), path.join(framesDir, 'legacy'));
  console.log(`bench: start-up frames of the first timed runs in ${framesDir}`);
  return {
    method:
      'ms from navigation start; fresh Chromium profile per run, edge warmed by one untimed load; CDP screencast frames at 960x540; header clock masked',
    clockMask: CLOCK_MASK,
    modern: modern.current,
    legacy: legacy.current,
    ...(referenceBuildDir
      ? { reference: { build: referenceBuildDir, modern: modern.reference, legacy: legacy.reference } }
      : {}),
  };
}

async function main() {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  const resultsFile = path.join(root, `bench/results/${process.env.BENCH_TV_RESULTS ?? 'tv'}.json`);
  if (only === 'startup') {
    const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
    const prodBuildDir = process.env.BENCH_TV_APP_BUILD ?? buildApp('production');
    previous.coldStartup = {
      date: new Date().toISOString(),
      runs: settings.startupRuns,
      ...(await startupFigures(prodBuildDir, process.env.BENCH_TV_REFERENCE_BUILD)),
    };
    writeFileSync(resultsFile, `${JSON.stringify(previous, null, 2)}\n`);
    console.log(JSON.stringify(previous.coldStartup, null, 2));
    return;
  }
  const TEST_APP_DIR = buildApp('test');
  const PROD_BUILD_DIR = buildApp('production');
  const PROD_APP_DIR = path.join(PROD_BUILD_DIR, 'dist');
  const results: Record<string, unknown> = { date: new Date().toISOString(), settings };

  // 1. Time to an interactive Home (test build, cold browser).
  {
    const origin = await startOrigin({ appDir: TEST_APP_DIR });
    const edge = await startEdge({ upstreamUrl: origin.url });
    const tv = await launchTv();
    const t0 = performance.now();
    await tv.page.goto(`${edge.url}/`);
    await waitForFocus(tv.page, /./, 60_000);
    results.timeToInteractiveHomeMs = performance.now() - t0;
    await tv.close();
    await edge.close();
    await origin.close();
  }

  // 2-4. Production build: scrolling, heap, zap.
  const origin = await startOrigin({ appDir: PROD_APP_DIR });
  let edge: StartedEdge = await startEdge({ upstreamUrl: origin.url });
  const tv = await launchTv();
  const { page } = tv;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  // Zap through the edge, not the browser's cache: segments are immutable and would be reused.
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto(`${edge.url}/`);
  await sleep(4000);
  await page.keyboard.press('ArrowDown');
  await sleep(300);
  await page.keyboard.press('ArrowDown'); // the first rail
  await sleep(500);

  const scrolling: Record<string, unknown> = {};
  scrolling.unthrottled = await scrollRail(page, cdp, settings.scrollSeconds);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  scrolling.cpu4xSlower = await scrollRail(page, cdp, settings.scrollSeconds);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  results.railScrolling = scrolling;

  // Heap after a forced GC, once a minute: flat means textures and pages are released.
  const heapMiB: number[] = [(await heapAfterGc(cdp)) / 2 ** 20];
  const keys = [
    'ArrowRight',
    'ArrowRight',
    'ArrowDown',
    'ArrowRight',
    'Enter',
    'ArrowDown',
    'ArrowRight',
    'Backspace',
    'ArrowUp',
    'ArrowLeft',
    'ArrowUp',
  ];
  const browseStart = performance.now();
  let presses = 0;
  for (let minute = 1; minute <= Math.ceil(settings.browseMinutes); minute++) {
    const until = browseStart + Math.min(minute, settings.browseMinutes) * 60_000;
    while (performance.now() < until) {
      // Enter on a rail tile opens its details page, Backspace comes back (on Home it opens the
      // quit dialog, which the next Backspace closes): pages are opened and left over and over.
      await page.keyboard.press(itemAt(keys, presses++ % keys.length));
      await sleep(250);
    }
    heapMiB.push((await heapAfterGc(cdp)) / 2 ** 20);
  }
  results.browsing = { minutes: settings.browseMinutes, keyPresses: presses, heapMiBEachMinute: heapMiB };

  // Zap: reload Home, go to the "En direct" rail's second tile (C'Culture: the hero's live,
  // C'Sport, is preloaded while the hero has the focus at start), and press OK either at
  // once (before the focus has rested: no preload) or after resting 800 ms on it (its master
  // playlist preloaded, manifest-preload.ts). Each run starts from a fresh, empty edge: the
  // first two zaps are cold (the edge has not seen C'Culture), the last two warm.
  const variants = [
    { name: 'coldAtOnce', restMs: 100, freshEdge: true },
    { name: 'coldRested', restMs: 800, freshEdge: true },
    { name: 'warmAtOnce', restMs: 100, freshEdge: false },
    { name: 'warmRested', restMs: 800, freshEdge: false },
  ] as const;
  const zaps: Record<(typeof variants)[number]['name'], number[]> = {
    coldAtOnce: [],
    coldRested: [],
    warmAtOnce: [],
    warmRested: [],
  };
  const preloads: Record<string, number[]> = {};
  const masterPreloads: string[] = [];
  page.on('request', (r) => {
    if (r.headers().purpose === 'prefetch') masterPreloads.push(new URL(r.url()).pathname);
  });
  for (let run = 0; run < settings.zapRuns; run++) {
    for (const variant of variants) {
      if (variant.freshEdge) {
        await edge.close();
        edge = await startEdge({ upstreamUrl: origin.url }); // a fresh, empty edge: cold
      }
      await page.goto(`${edge.url}/`);
      await sleep(3000);
      await page.keyboard.press('ArrowDown');
      await sleep(300);
      await page.keyboard.press('ArrowDown');
      await sleep(300);
      masterPreloads.length = 0;
      await page.keyboard.press('ArrowRight');
      await sleep(variant.restMs);
      zaps[variant.name].push(await zap(page));
      (preloads[variant.name] ??= []).push(masterPreloads.filter((p) => p.includes('/culture/')).length);
      await sleep(1500);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]; // undefined when none
  results.zapMs = {
    ...zaps,
    medians: Object.fromEntries(Object.entries(zaps).map(([name, xs]) => [name, median(xs)])),
    // How many preloads of the zapped tile's playlist were sent before OK, per zap (the
    // "at once" zaps must show 0, the rested ones 1).
    preloadsBeforeOk: preloads,
  };

  await tv.close();
  await edge.close();
  await origin.close();

  // 5. Cold start-up, drawn and still, on a quiet stack of its own.
  results.coldStartup = await startupFigures(PROD_BUILD_DIR);

  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
