// `npm run bench` (ingest part), on real parts: Debian's ffmpeg as the venue's encoder pushing
// SRT to the origin's ingest, the TV app in Chromium playing the channel through the edge.
//  - CPU one channel costs on this machine: the listener and the ladder transcoder (x264 preset
//    `veryfast`, the default, and `ultrafast`), fed 720p30, 1080p30 and 1080p60, and a 540p25 feed
//    encoded or passed through as the top rendition, measured from /proc;
//  - glass-to-glass latency: the wall clock burned into the encoder's picture, read back with
//    tesseract from the TV's screen, against the wall clock at that moment; and how far the
//    newest EXT-X-PROGRAM-DATE-TIME of the playlist lags the wall clock at the edge.
// Writes bench/results/ingest.json (or BENCH_RESULTS_NAME.json) and prints a table.
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { press, screenshot, waitForFocus, videoState, eventually } from '../../tests/support/browser.ts';
import { startTvStack } from '../../tests/e2e/harness.ts';
import { eventOnAir, readClock, secondsOfDay, startTestIngest } from '../../tests/support/ingest.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CPU_SECONDS = Number(process.env.BENCH_INGEST_CPU_SECONDS ?? 20);
const LATENCY_SAMPLES = Number(process.env.BENCH_INGEST_LATENCY_SAMPLES ?? 8);
const TICKS = 100; // USER_HZ on Linux

/** CPU seconds used so far by the ffmpeg processes of the ingest (not the test encoder). */
function ingestCpuSeconds(): { listener: number; transcoder: number } {
  const out = { listener: 0, transcoder: 0 };
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd: string;
    let stat: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    if (!(cmd.split('\0')[0] ?? '').endsWith('ffmpeg')) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
    if (cmd.includes('pipe:0')) out.transcoder += seconds;
    else if (cmd.includes('mode=listener') || cmd.includes('-listen')) out.listener += seconds;
  }
  return out;
}

async function cpuRun(preset: 'veryfast' | 'ultrafast', width: number, height: number, fps = 30, passthrough = false) {
  const ingest = await startTestIngest({ x264Preset: preset, passthrough });
  try {
    await ingest.encoder('sport', { protocol: 'srt', width, height, fps });
    const start = Date.now();
    while (!ingest.ingest.status('sport')?.feed || ingest.ingest.status('sport')!.feed!.segments < 3) {
      if (Date.now() - start > 60_000) throw new Error('no feed');
      await sleep(500);
    }
    const a = ingestCpuSeconds();
    await sleep(CPU_SECONDS * 1000);
    const b = ingestCpuSeconds();
    const status = ingest.ingest.status('sport')!;
    return {
      preset,
      input: `${width}x${height}p${fps}${passthrough ? ', pass-through' : ''}`,
      listenerCores: round((b.listener - a.listener) / CPU_SECONDS),
      transcoderCores: round((b.transcoder - a.transcoder) / CPU_SECONDS),
      speed: status.feed!.speed,
      droppedFrames: status.feed!.droppedFrames,
    };
  } finally {
    await ingest.close();
  }
}

async function latencyRun() {
  const ingest = await startTestIngest();
  const stack = await startTvStack({ origin: ingest.originOptions });
  try {
    const event = await eventOnAir(stack.origin.url, 'sport', 'Banc d’essai');
    await ingest.encoder('sport', { protocol: 'srt', width: 1280, height: 720, fps: 30 });
    await sleep(8000);
    const page = stack.tv.page;
    await page.goto(`${stack.appUrl}?event=${event.id}`);
    await waitForFocus(page, 'button-watchLive', 30_000);
    await press(page, 'Enter');
    await eventually(
      () => videoState(page),
      (v) => v.currentTime > 2,
      60_000,
      'playing',
    );
    await sleep(8000); // steady state, overlay gone
    const glass: number[] = [];
    const pdt: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const png = await screenshot(page, `bench-ingest-${i}`);
      const at = secondsOfDay();
      const clock = await readClock(png, 1920, 1080);
      if (clock !== null) glass.push(at - clock);
      const text = await (await fetch(`${stack.edge.url}/hls/live/sport/v540/index.m3u8`)).text();
      const dates = [...text.matchAll(/#EXT-X-PROGRAM-DATE-TIME:(.*)/g)].map((m) => Date.parse(m[1] ?? ''));
      // The newest segment's end (its date + 2 s) against now: what an edge-side player sees.
      const newest = dates.at(-1);
      if (newest !== undefined) pdt.push((Date.now() - (newest + 2000)) / 1000);
      await sleep(2000);
    }
    return { samples: glass.length, glassToGlassSeconds: stats(glass), playlistEdgeBehindWallSeconds: stats(pdt) };
  } finally {
    await stack.close();
    await ingest.close();
  }
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: round(s[Math.floor(s.length / 2)] ?? NaN),
    min: round(s[0] ?? NaN),
    max: round(s[s.length - 1] ?? NaN),
  };
}
function round(x: number) {
  return Math.round(x * 100) / 100;
}

const cpu = [];
const runs = [
  ['veryfast', 1280, 720, 30, false],
  ['veryfast', 1920, 1080, 30, false],
  ['veryfast', 1920, 1080, 60, false],
  ['ultrafast', 1280, 720, 30, false],
  ['ultrafast', 1920, 1080, 30, false],
  ['veryfast', 960, 540, 25, false],
  ['veryfast', 960, 540, 25, true],
] as const;
for (const [preset, w, h, fps, passthrough] of runs) {
  console.log(`bench ingest: CPU, ${preset} ${w}x${h}p${fps}${passthrough ? ' pass-through' : ''}…`);
  cpu.push(await cpuRun(preset, w, h, fps, passthrough));
}
console.log('bench ingest: glass-to-glass latency on the TV…');
const latency = await latencyRun();
const result = {
  measuredAt: new Date().toISOString(),
  machine: '2 cores (shared with the encoder, the edge and Chromium)',
  cpu,
  latency,
};
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
const file = path.join(root, 'bench/results', `${process.env.BENCH_RESULTS_NAME ?? 'ingest'}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.table(cpu);
console.log(
  `glass-to-glass (TV, SRT, through the edge): median ${latency.glassToGlassSeconds.median} s (${latency.glassToGlassSeconds.min}–${latency.glassToGlassSeconds.max}, ${latency.samples} samples); playlist edge behind the wall clock: median ${latency.playlistEdgeBehindWallSeconds.median} s`,
);
console.log(`bench ingest: written to ${path.relative(root, file)}`);
process.exit(0);
