// A crowd of simulated viewers for fault tests: live (player.ts) and replay (replay-player.ts)
// players mixed, each joining at its own time, and every request and stall each one saw, with
// its wall-clock time, so a test can ask what viewers observed during a fault and after it.
// simulate.ts answers the benchmark's aggregates; this answers per-viewer timelines. Viewers are
// spread over load-generator processes (crowd-process.ts), started and loaded before the clock.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

export interface CrowdViewer {
  kind: 'live' | 'replay';
  /** The media playlist it plays (a query such as `?CMCD=sid%3D%22v1%22` is kept on its requests). */
  playlistPath: string;
  /** ms after the crowd's start at which it joins. */
  joinAtMs: number;
  /** Replay only: where it starts, media seconds. */
  startS?: number;
}

export interface CrowdOptions {
  baseUrl: string;
  viewers: CrowdViewer[];
  durationMs: number;
  /** Load-generator processes (default 1). */
  processes?: number;
  /** Delay before a failed request is retried (default 1 s, hls.js). */
  retryDelayMs?: number;
  /** Live: hls.js liveSyncDurationCount (default 3). */
  liveSyncDurationCount?: number;
  /** Replay: hls.js maxBufferLength (default 30 s). */
  maxBufferS?: number;
}

export interface RequestRecord {
  /** Wall clock (epoch ms) when the request started. */
  at: number;
  /** ms to the answer's last byte (or to the failure). */
  ms: number;
  path: string;
  /** 0: no answer (connection refused, reset or closed). */
  status: number;
}

export interface ViewerRecord extends CrowdViewer {
  requests: RequestRecord[];
  /** Wall clock (epoch ms) at which each stall began. */
  stallsAt: number[];
  /** Connections opened again after the server closed one. */
  reconnects: number;
  /** Playback started at least once. */
  played: boolean;
}

export interface Crowd {
  /** Wall clock (epoch ms) of the start and the end of the run. */
  startAtEpochMs: number;
  endAtEpochMs: number;
  /** Every viewer's record, in the order of `viewers`, once the run is over. */
  done: Promise<ViewerRecord[]>;
}

export type ToCrowdProcess = {
  type: 'start';
  baseUrl: string;
  startAtEpochMs: number;
  durationMs: number;
  retryDelayMs: number;
  liveSyncDurationCount: number;
  maxBufferS: number;
  viewers: { index: number; viewer: CrowdViewer }[];
};
export type FromCrowdProcess =
  | { type: 'ready' }
  | { type: 'result'; viewers: { index: number; record: ViewerRecord }[] }
  | { type: 'error'; message: string };

function startProcess(): ChildProcess {
  // One descriptor per viewer: raise the open-file limit first (Node cannot do it for itself).
  const raise = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';
  return spawn('sh', ['-c', raise, process.execPath, '--import', 'tsx', path.join(here, 'crowd-process.ts')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    env: { ...process.env, NODE_OPTIONS: '' }, // not jest's --experimental-vm-modules
  });
}

function next(child: ChildProcess, timeoutMs: number): Promise<FromCrowdProcess> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`crowd: a process did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (m: FromCrowdProcess) => done(undefined, m);
    const onExit = (code: number | null) => done(new Error(`crowd: a process exited (${code})`));
    function done(e?: Error, m?: FromCrowdProcess) {
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

/** Starts the processes, waits until each is loaded, then starts the clock; resolves at that point. */
export async function startCrowd(o: CrowdOptions): Promise<Crowd> {
  const count = Math.max(1, Math.min(o.processes ?? 1, o.viewers.length));
  const children = Array.from({ length: count }, startProcess);
  const kill = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  try {
    for (const m of await Promise.all(children.map((c) => next(c, 60_000)))) {
      if (m.type !== 'ready') throw new Error(`crowd: unexpected ${m.type} before start`);
    }
  } catch (e) {
    kill();
    throw e;
  }
  const startAtEpochMs = Date.now() + 250;
  const answers = children.map((c) => next(c, o.durationMs + 60_000));
  children.forEach((c, i) => {
    const message: ToCrowdProcess = {
      type: 'start',
      baseUrl: o.baseUrl,
      startAtEpochMs,
      durationMs: o.durationMs,
      retryDelayMs: o.retryDelayMs ?? 1000,
      liveSyncDurationCount: o.liveSyncDurationCount ?? 3,
      maxBufferS: o.maxBufferS ?? 30,
      viewers: o.viewers.map((viewer, index) => ({ index, viewer })).filter(({ index }) => index % count === i),
    };
    c.send(message);
  });
  const done = (async () => {
    try {
      const records: ViewerRecord[] = new Array(o.viewers.length);
      for (const m of await Promise.all(answers)) {
        if (m.type === 'error') throw new Error(`crowd: a process failed: ${m.message}`);
        if (m.type !== 'result') throw new Error(`crowd: unexpected ${m.type}`);
        for (const { index, record } of m.viewers) records[index] = record;
      }
      return records;
    } finally {
      kill();
    }
  })();
  done.catch(() => {}); // the caller awaits it; an early failure must not be an unhandled rejection
  return { startAtEpochMs, endAtEpochMs: startAtEpochMs + o.durationMs, done };
}
