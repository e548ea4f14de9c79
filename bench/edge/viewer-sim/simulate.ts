// The viewer simulation, parent side: N simulated live players against one server, measured as
// a viewer would feel it (segment time to first byte, stalls). The audience is cut into slices,
// one per load-generator process (viewer-process.ts), so the generator can use every core and no
// single event loop carries 10,000 viewers. Every process is started and loaded before the clock
// starts; they all start at the same instant and answer raw samples, merged here.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SliceOptions, SliceResult } from './slice.ts';
import { itemAt } from '../../../shared/lang/item-at.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

export interface ViewerSimOptions {
  baseUrl: string;
  playlistPath: string;
  viewers: number;
  durationMs: number;
  /** Viewers join at random over this many ms from the start. Default 5 s. */
  joinSpreadMs?: number;
  /** Load-generator processes. Default: one per core, no more than one per 500 viewers. */
  processes?: number;
  /** hls.js liveSyncDurationCount. Default 3. */
  liveSyncDurationCount?: number;
  /** Delay before retrying a failed request. Default 1 s (hls.js). */
  retryDelayMs?: number;
  /**
   * The site's other addresses, for a server that stops answering: a viewer then moves to the
   * next one (player.ts, rule 7). Default none: a failed server's viewers only retry it.
   */
  fallbackBaseUrls?: string[];
  /**
   * Date.now() at which the period starts, to put several simulations on one clock (a failure
   * injected at a known second of all of them). Default: as soon as the generators are loaded.
   */
  startAtEpochMs?: number;
  /** Periods (ms since the start, [from, to)) in which to count the viewers receiving segments. */
  watchingWindowsMs?: [number, number][];
}

export interface ViewerSimResult {
  viewers: number;
  playlistRequests: number;
  segmentRequests: number;
  errors: number;
  /** Failed requests by status ("0": no answer: connection refused, reset or closed). */
  errorsByStatus: Record<string, number>;
  segmentTtfbP50Ms: number;
  segmentTtfbP99Ms: number;
  /** Times a player ran out of media (all viewers together), and how long they waited in total. */
  stalls: number;
  stallSeconds: number;
  /** Stalls that began in each second of the period (joins happen in the first `joinSpreadMs`). */
  stallsPerSecond: number[];
  /** Viewers whose playback had started by the end, and their startup time (join to playing). */
  playing: number;
  startupP50Ms: number;
  startupP99Ms: number;
  reconnects: number;
  /** Moves to another address (`fallbackBaseUrls`), and per move the ms from the first unanswered request to the first 200 on the new address, sorted. */
  failovers: number;
  reconnectMs: Float64Array;
  /** When each reconnection completed, seconds since the start of the period, sorted. */
  reconnectedAtS: Float64Array;
  /** Per `watchingWindowsMs` period: viewers that received at least one segment in it. */
  watching: number[];
  bytes: number;
  /** Distinct segment paths the viewers asked for. */
  uniqueSegments: Set<string>;
  /** The load generator itself: was it the limit? */
  simulator: {
    processes: number;
    cpuSeconds: number;
    /** Average cores used over the measured period. */
    cpuCores: number;
    /** CPU per HTTP request (playlists and segments), µs. */
    cpuUsPerRequest: number;
    /** Worst process's event-loop delay, ms: a late loop inflates TTFBs and starves players. */
    loopDelayP99Ms: number;
    loopDelayMaxMs: number;
  };
}

/** Counts per whole second of `values` (seconds), over `seconds` bins. */
function histogram(values: Float64Array, seconds: number): number[] {
  const bins = new Array<number>(seconds).fill(0);
  for (const v of values) {
    const bin = Math.min(seconds - 1, Math.max(0, Math.floor(v)));
    bins[bin] = (bins[bin] ?? 0) + 1;
  }
  return bins;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return itemAt(sorted, Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length)));
}

type FromChild = { type: 'ready' } | { type: 'result'; result: SliceResult } | { type: 'error'; message: string };

/**
 * Starts one load-generator process. Through `sh` so its open-file limit can be raised first
 * (each viewer holds one connection; 10,000 viewers need 10,000 descriptors), which Node cannot
 * do for itself. `--import tsx` (resolved from the repo root) runs the TypeScript as is.
 */
function startGenerator(): ChildProcess {
  const raise = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';
  // A larger young generation: fewer scavenges of the short-lived per-request garbage (README,
  // "How the viewer simulation works").
  const node = [process.execPath, '--max-semi-space-size=32', '--import', 'tsx'];
  return spawn('sh', ['-c', raise, ...node, path.join(here, 'viewer-process.ts')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced', // structured clone: the samples travel as typed arrays
    env: { ...process.env, NODE_OPTIONS: '' }, // not jest's --experimental-vm-modules
  });
}

function nextMessage(child: ChildProcess, timeoutMs: number): Promise<FromChild> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`viewer-sim: a load generator did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (m: FromChild) => done(undefined, m);
    const onExit = (code: number | null) => done(new Error(`viewer-sim: a load generator exited (${code})`));
    function done(e?: Error, m?: FromChild) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (e) reject(e);
      else resolve(m!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export async function simulateViewers(o: ViewerSimOptions): Promise<ViewerSimResult> {
  const processes = Math.max(
    1,
    Math.min(o.processes ?? Math.min(os.availableParallelism(), Math.ceil(o.viewers / 500)), o.viewers),
  );
  const children = Array.from({ length: processes }, startGenerator);
  try {
    // Everyone loaded before the clock starts.
    for (const m of await Promise.all(children.map((c) => nextMessage(c, 60_000)))) {
      if (m.type !== 'ready') throw new Error(`viewer-sim: unexpected ${m.type} before start`);
    }
    const startAtEpochMs = o.startAtEpochMs ?? Date.now() + 250;
    if (startAtEpochMs < Date.now())
      throw new Error('viewer-sim: the load generators were loaded after the requested start');
    const results = children.map((c) => nextMessage(c, o.durationMs + 60_000));
    children.forEach((c, i) => {
      const slice: SliceOptions = {
        baseUrl: o.baseUrl,
        playlistPath: o.playlistPath,
        viewers: Math.floor(o.viewers / processes) + (i < o.viewers % processes ? 1 : 0),
        startAtEpochMs,
        durationMs: o.durationMs,
        joinSpreadMs: o.joinSpreadMs ?? 5000,
        liveSyncDurationCount: o.liveSyncDurationCount ?? 3,
        retryDelayMs: o.retryDelayMs ?? 1000,
        ...(o.fallbackBaseUrls ? { fallbackBaseUrls: o.fallbackBaseUrls } : {}),
        ...(o.watchingWindowsMs ? { watchingWindowsMs: o.watchingWindowsMs } : {}),
      };
      c.send({ type: 'start', slice });
    });
    const slices: SliceResult[] = [];
    for (const m of await Promise.all(results)) {
      if (m.type === 'error') throw new Error(`viewer-sim: a load generator failed: ${m.message}`);
      if (m.type !== 'result') throw new Error(`viewer-sim: unexpected ${m.type}`);
      slices.push(m.result);
    }
    return merge(o, slices);
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

function merge(o: ViewerSimOptions, slices: SliceResult[]): ViewerSimResult {
  const sum = (f: (s: SliceResult) => number) => slices.reduce((n, s) => n + f(s), 0);
  const sorted = (f: (s: SliceResult) => Float64Array) => {
    const all = new Float64Array(sum((s) => f(s).length));
    let at = 0;
    for (const s of slices) {
      all.set(f(s), at);
      at += f(s).length;
    }
    return all.sort();
  };
  const ttfb = sorted((s) => s.segmentTtfbMs);
  const startup = sorted((s) => s.startupMs);
  const requests = sum((s) => s.playlistRequests + s.segmentRequests);
  const cpuSeconds = sum((s) => s.cpuSeconds);
  return {
    viewers: o.viewers,
    playlistRequests: sum((s) => s.playlistRequests),
    segmentRequests: sum((s) => s.segmentRequests),
    errors: sum((s) => s.errors),
    errorsByStatus: slices.reduce<Record<string, number>>((all, s) => {
      for (const [k, n] of Object.entries(s.errorsByStatus)) all[k] = (all[k] ?? 0) + n;
      return all;
    }, {}),
    segmentTtfbP50Ms: percentile(ttfb, 50),
    segmentTtfbP99Ms: percentile(ttfb, 99),
    stalls: sum((s) => s.stalls),
    stallSeconds: sum((s) => s.stalledMs) / 1000,
    stallsPerSecond: histogram(
      sorted((s) => s.stallStartS),
      Math.ceil(o.durationMs / 1000),
    ),
    playing: startup.length,
    startupP50Ms: percentile(startup, 50),
    startupP99Ms: percentile(startup, 99),
    reconnects: sum((s) => s.reconnects),
    failovers: sum((s) => s.failovers),
    reconnectMs: sorted((s) => s.reconnectMs),
    reconnectedAtS: sorted((s) => s.reconnectedAtS),
    watching: (o.watchingWindowsMs ?? []).map((_, w) => sum((s) => s.watching[w] ?? 0)),
    bytes: sum((s) => s.bytes),
    uniqueSegments: new Set(slices.flatMap((s) => s.segments)),
    simulator: {
      processes: slices.length,
      cpuSeconds,
      cpuCores: cpuSeconds / (o.durationMs / 1000),
      cpuUsPerRequest: requests > 0 ? (cpuSeconds * 1e6) / requests : NaN,
      loopDelayP99Ms: Math.max(...slices.map((s) => s.loopDelayP99Ms)),
      loopDelayMaxMs: Math.max(...slices.map((s) => s.loopDelayMaxMs)),
    },
  };
}
