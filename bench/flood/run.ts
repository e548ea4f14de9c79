// `npm run bench` (flood part, BENCH=flood): does a flood of spectators' photos slow the live?
// The origin and the edge as `npm start` runs them (two processes on this box); simulated viewers
// read the live through the edge (media playlist once a second, each new segment), while
// uploaders (uploaders.ts, a process of their own so their work does not slow the viewers'
// clock) post 12-megapixel JPEGs through the edge, as a venue's phones do (the QR code names the
// edge the TV came from), as fast as they are answered (a hostile flood: each with a new device
// id, a 503 retried at once, Retry-After ignored). Per origin setting, in the same run: the live
// without the flood, then with it, then without it again (the box is shared: a quiet phase on
// both sides of the flood tells the flood from someone else's load). Besides the viewers' times:
// each server's CPU and event-loop delay (loop-probe.mjs, preloaded), and the whole machine's CPU.
// Settings: BENCH_FLOOD_SETTINGS (comma-separated names of ORIGIN_SETTINGS, default process,inline).
// BENCH_FLOOD_PIN (default `auto`: on with 2 cores or more): the servers (origin, edge and their
// children) run on the first core, the bench's viewers and the uploaders on the others, as they
// would on other machines (taskset): the phones' own work then no longer counts as the flood's
// cost to the live. `off`: everything shares every core, as before.
// Writes bench/results/flood.json (BENCH_RESULTS_NAME=other: other.json) and prints the table.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile, execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { testJpeg } from '../../tests/support/contributions.ts';
import {
  freePort,
  MachineMeter,
  ResourceMeter,
  sleep,
  startProcess,
  waitForHttp,
  type Started,
} from '../edge/processes.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const probe = path.join(root, 'bench/flood/loop-probe.mjs');
const ADMIN = 'bench-flood-admin-token-0123456789';

const settings = {
  seconds: Number(process.env.BENCH_FLOOD_SECONDS ?? 30),
  viewers: Number(process.env.BENCH_FLOOD_VIEWERS ?? 20),
  uploaders: Number(process.env.BENCH_FLOOD_UPLOADERS ?? 16),
  /** The uploaders' nice value: 19, phones' work comes after the servers' (0: as they do). */
  uploadersNice: Number(process.env.BENCH_FLOOD_UPLOADERS_NICE ?? 19),
  photo: process.env.BENCH_FLOOD_PHOTO ?? '4000x3000',
  resultsName: process.env.BENCH_RESULTS_NAME ?? 'flood',
  pin: (process.env.BENCH_FLOOD_PIN ?? 'auto') === 'off' ? false : os.cpus().length >= 2,
};

/** The cores of the servers and of the load generators (the bench and the uploaders), when pinned. */
const SERVER_CORES = '0';
const CLIENT_CORES = `1-${os.cpus().length - 1}`;

/** `cmd args` as started: on the servers' core when pinned (their children inherit it). */
function onServerCores(cmd: string, args: string[]): [string, string[]] {
  return settings.pin ? ['taskset', ['-c', SERVER_CORES, cmd, ...args]] : [cmd, args];
}

const ORIGIN_SETTINGS = {
  // The defaults: the line, and the photos' work in a child process at nice 10 (photo-process.ts).
  process: {},
  // The same line, the work in the origin's own process (as before the photo process; Deno's way).
  inline: { CONTRIB_PHOTO_WORKER: 'inline' },
  // No line at all, every re-encode at once with sharp's threads (as before issue #13's line).
  unbounded: {
    CONTRIB_PHOTO_WORKER: 'inline',
    CONTRIB_PHOTO_CONCURRENCY: '1000',
    CONTRIB_PHOTO_QUEUE_LENGTH: '0',
    CONTRIB_PHOTO_THREADS: String(os.cpus().length),
  },
} satisfies Record<string, Record<string, string>>;
type Setting = keyof typeof ORIGIN_SETTINGS;
const chosen = (process.env.BENCH_FLOOD_SETTINGS ?? 'process,inline')
  .split(',')
  .filter((name): name is Setting => name in ORIGIN_SETTINGS);

interface Times {
  count: number;
  p50: number;
  p99: number;
  max: number;
  failed: number;
}

function times(ms: number[], failed: number): Times {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN) * 10) / 10;
  return { count: s.length, p50: at(0.5), p99: at(0.99), max: at(1), failed };
}

/** Event-loop delay over a phase: the median second's p50 and p99, and the worst delay seen. */
interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

interface Phase {
  playlist: Times;
  segment: Times;
  uploads?: {
    sent: number;
    accepted: number;
    busy: number;
    other: number;
    cutShort: number;
    /** The other answers' statuses (neither 201 nor 503). */
    otherByStatus?: Record<string, number>;
    perSecondAccepted: number;
  };
  originCpuCores: number;
  originPeakRssMB: number;
  edgeCpuCores: number;
  machineBusyCores: number;
  originLoopMs: LoopDelay;
  edgeLoopMs: LoopDelay;
  /** The bench's own loop (the viewers' clock): a busy one would make every time look worse. */
  benchLoopMs: LoopDelay;
}

async function timed(url: string): Promise<{ ms: number; ok: boolean; text: string }> {
  const t0 = performance.now();
  try {
    const response = await fetch(url);
    const body = await response.arrayBuffer();
    return { ms: performance.now() - t0, ok: response.ok, text: response.ok ? new TextDecoder().decode(body) : '' };
  } catch {
    return { ms: performance.now() - t0, ok: false, text: '' };
  }
}

/** A viewer: the media playlist once a second, and each segment it has not read yet. */
async function viewer(
  mediaUrl: string,
  until: number,
  out: { playlist: number[]; segment: number[]; failed: number[] },
) {
  let last = '';
  await sleep(Math.random() * 1000);
  while (Date.now() < until) {
    const next = Date.now() + 1000;
    const playlist = await timed(mediaUrl);
    if (playlist.ok) out.playlist.push(playlist.ms);
    else out.failed[0] = (out.failed[0] ?? 0) + 1;
    const uri = playlist.text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .pop();
    if (uri && uri !== last) {
      last = uri;
      const segment = await timed(new URL(uri, mediaUrl).href);
      if (segment.ok) out.segment.push(segment.ms);
      else out.failed[1] = (out.failed[1] ?? 0) + 1;
    }
    await sleep(Math.max(0, next - Date.now()));
  }
}

/** The uploaders' process for `seconds`; resolves with its tally. */
function flood(url: string, photoFile: string): Promise<Required<Phase>['uploads']> {
  return new Promise((resolve, reject) => {
    // The phones' own work (building and sending the bodies) is not the servers' in a venue: here
    // it shares the box, so it comes after everything else (nice 19; BENCH_FLOOD_UPLOADERS_NICE).
    execFile(
      'nice',
      [
        '-n',
        String(settings.uploadersNice),
        tsx,
        path.join(root, 'bench/flood/uploaders.ts'),
        url,
        String(settings.uploaders),
        String(settings.seconds),
        photoFile,
      ],
      { cwd: root, maxBuffer: 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(error);
        const tally = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Omit<
          Required<Phase>['uploads'],
          'perSecondAccepted'
        >;
        resolve({ ...tally, perSecondAccepted: Math.round((tally.accepted / settings.seconds) * 100) / 100 });
      },
    );
  });
}

async function openEvent(originUrl: string): Promise<string> {
  const call = (method: string, p: string, body: unknown) =>
    fetch(`${originUrl}/api/v1/staff${p}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const iso = (ms: number) => new Date(ms).toISOString();
  for (let i = 0; ; i++) {
    const made = await call('POST', '/events', {
      channelId: 'sport',
      title: 'Banc d’essai : le flot de photos',
      venue: 'Palais des sports',
      startsAt: iso(Date.now() + 3_600_000),
      endsAt: iso(Date.now() + 7_200_000),
    });
    if (made.status === 201) {
      const { id } = (await made.json()) as { id: string };
      const window = await call('PUT', `/contributions/events/${id}/settings`, {
        opensAt: iso(Date.now() - 60_000),
        closesAt: iso(Date.now() + 3_600_000),
      });
      if (window.status !== 200) throw new Error(`bench: flood: window not opened: ${window.status}`);
      return id;
    }
    if (i > 100) throw new Error(`bench: flood: event not created: ${made.status}`);
    await sleep(200);
  }
}

interface ProbeLine {
  pid: number;
  t: number;
  p50: number;
  p99: number;
  max: number;
}

/** The busiest process's lines of the probe file between two times (tsx's idle launcher left out). */
function loopDelay(file: string, pids: number[], from: number, to: number): LoopDelay {
  let lines: ProbeLine[] = [];
  try {
    lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ProbeLine)
      .filter((l) => pids.includes(l.pid) && l.t > from + 1000 && l.t <= to);
  } catch {
    // No probe file: reported as NaN.
  }
  const byPid = new Map<number, ProbeLine[]>();
  for (const l of lines) byPid.set(l.pid, [...(byPid.get(l.pid) ?? []), l]);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  let worst: LoopDelay = { p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  for (const own of byPid.values()) {
    const d = {
      p50: median(own.map((l) => l.p50)),
      p99: median(own.map((l) => l.p99)),
      max: Math.max(...own.map((l) => l.max)),
    };
    if (!(worst.max >= d.max)) worst = d;
  }
  return worst;
}

async function phase(
  edgeUrl: string,
  mediaUrl: string,
  eventId: string | null,
  photoFile: string,
  servers: { origin: Started; edge: Started; probeFile: string },
): Promise<Phase> {
  const from = Date.now();
  const until = from + settings.seconds * 1000;
  const seen = { playlist: [] as number[], segment: [] as number[], failed: [0, 0] };
  const originMeter = new ResourceMeter(servers.origin);
  const edgeMeter = new ResourceMeter(servers.edge);
  const machine = new MachineMeter();
  const ownLoop = monitorEventLoopDelay({ resolution: 5 });
  ownLoop.enable();
  originMeter.start();
  edgeMeter.start();
  const uploadUrl = `${edgeUrl}/api/v1/contributions/events/${eventId}`;
  const [uploads] = await Promise.all([
    eventId ? flood(uploadUrl, photoFile) : Promise.resolve(undefined),
    ...Array.from({ length: settings.viewers }, () => viewer(mediaUrl, until, seen)),
  ]);
  ownLoop.disable();
  const origin = originMeter.stop();
  const edge = edgeMeter.stop();
  const to = Date.now();
  await sleep(1200); // the probes' last second
  const round = (x: number) => Math.round(x * 100) / 100;
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return {
    playlist: times(seen.playlist, seen.failed[0] ?? 0),
    segment: times(seen.segment, seen.failed[1] ?? 0),
    ...(uploads ? { uploads } : {}),
    originCpuCores: round(origin.cpuCores),
    originPeakRssMB: Math.round(origin.peakRssBytes / 1024 ** 2),
    edgeCpuCores: round(edge.cpuCores),
    machineBusyCores: round(machine.stop().busyCores),
    originLoopMs: loopDelay(servers.probeFile, servers.origin.pids(), from, to),
    edgeLoopMs: loopDelay(servers.probeFile, servers.edge.pids(), from, to),
    benchLoopMs: { p50: ms(ownLoop.percentile(50)), p99: ms(ownLoop.percentile(99)), max: ms(ownLoop.max) },
  };
}

type Phases = { before: Phase; flood: Phase; after: Phase };

async function measure(setting: Setting, photoFile: string): Promise<Phases> {
  const contribDir = mkdtempSync(path.join(os.tmpdir(), 'cite-tv-bench-flood-'));
  const probeFile = path.join(contribDir, 'loop-probe.jsonl');
  const probeEnv = {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${probe}`.trim(),
    LOOP_PROBE_FILE: probeFile,
  };
  const [originPort, edgePort] = [await freePort(), await freePort()];
  const origin = startProcess(
    'origin',
    ...onServerCores(tsx, [path.join(root, 'edge-origin/src/bin/origin.node.ts')]),
    {
      ORIGIN_PORT: String(originPort),
      STAFF_ADMIN_TOKEN: ADMIN,
      LOG_LEVEL: 'warn',
      CONTRIB_DIR: path.join(contribDir, 'photos'),
      CONTRIB_PER_ADDRESS_LIMIT: '100000000',
      CONTRIB_PER_EVENT_LIMIT: '100000000',
      CONTRIB_PER_EVENT_MAX_BYTES: String(1024 ** 4),
      CONTRIB_MEDIA_MAX_BYTES: String(1024 ** 4),
      ...probeEnv,
      ...ORIGIN_SETTINGS[setting],
    },
  );
  const originUrl = `http://127.0.0.1:${originPort}`;
  const edgeUrl = `http://127.0.0.1:${edgePort}`;
  let edge: Started | undefined;
  try {
    await waitForHttp(`${originUrl}/api/v1/channels`, 300_000, origin);
    edge = startProcess('edge', ...onServerCores(tsx, [path.join(root, 'edge-origin/src/bin/edge.node.ts')]), {
      EDGE_PORT: String(edgePort),
      UPSTREAM_URL: originUrl,
      EDGE_ACCESS_LOG: 'false',
      ...probeEnv,
    });
    const master = `${edgeUrl}/hls/live/sport/master.m3u8`;
    await waitForHttp(master, 120_000, edge);
    const rendition = (await (await fetch(master)).text()).split('\n').find((l) => l && !l.startsWith('#'));
    if (!rendition) throw new Error('bench: flood: no rendition in the master playlist');
    const mediaUrl = new URL(rendition, master).href;
    const eventId = await openEvent(originUrl);
    const servers = { origin, edge, probeFile };
    console.log(`bench: flood: ${setting}: ${settings.viewers} viewers, ${settings.seconds} s without a flood…`);
    const before = await phase(edgeUrl, mediaUrl, null, photoFile, servers);
    console.log(`bench: flood: ${setting}: the same with ${settings.uploaders} uploaders…`);
    const flooded = await phase(edgeUrl, mediaUrl, eventId, photoFile, servers);
    console.log(`bench: flood: ${setting}: and without the flood again…`);
    const after = await phase(edgeUrl, mediaUrl, null, photoFile, servers);
    return { before, flood: flooded, after };
  } finally {
    await edge?.stop();
    await origin.stop();
    rmSync(contribDir, { recursive: true, force: true });
  }
}

async function main() {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  // The bench (its viewers) and the uploaders it starts, on the load generators' cores; all threads.
  if (settings.pin) execFileSync('taskset', ['-a', '-c', '-p', CLIENT_CORES, String(process.pid)], { stdio: 'ignore' });
  const [w = 4000, h = 3000] = settings.photo.split('x').map(Number);
  const jpeg = testJpeg(w, h);
  const work = mkdtempSync(path.join(os.tmpdir(), 'cite-tv-bench-flood-photo-'));
  const photoFile = path.join(work, 'photo.jpg');
  writeFileSync(photoFile, jpeg);
  const loadBefore = os.loadavg();
  const results = {} as Record<Setting, Phases>;
  const file = path.join(root, `bench/results/${settings.resultsName}.json`);
  // Written after each setting: a later one failing (the box is shared) keeps what was measured.
  const save = () =>
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: {
            cpus: os.cpus().length,
            model: os.cpus()[0]?.model ?? '',
            loadavgBefore: loadBefore,
            loadavgAfter: os.loadavg(),
          },
          settings: { ...settings, photoBytes: jpeg.length },
          results,
        },
        null,
        2,
      )}\n`,
    );
  try {
    for (const setting of chosen) {
      results[setting] = await measure(setting, photoFile);
      save();
      await sleep(1000);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  console.log(
    '\n| origin | phase | playlist p50 / p99 ms | segment p50 / p99 ms | failed | photos /s | 503 | origin CPU | edge CPU | box busy | origin loop p99 / max ms | edge loop p99 / max ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [setting, phases] of Object.entries(results)) {
    for (const [name, p] of Object.entries(phases)) {
      console.log(
        `| ${setting} | ${name} | ${p.playlist.p50} / ${p.playlist.p99} | ${p.segment.p50} / ${p.segment.p99} | ${p.playlist.failed + p.segment.failed} | ${p.uploads?.perSecondAccepted ?? '–'} | ${p.uploads?.busy ?? '–'} | ${p.originCpuCores} | ${p.edgeCpuCores} | ${p.machineBusyCores} | ${p.originLoopMs.p99} / ${p.originLoopMs.max} | ${p.edgeLoopMs.p99} / ${p.edgeLoopMs.max} |`,
      );
    }
  }
  console.log(`\nbench: flood: ${file} (load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')})`);
}

await main();
