// One slice of the audience, run inside one load-generator process: its viewers join, play
// (player.ts) over their own connection each (http-connection.ts), and stop at the end of the
// measured period. Answers raw samples (not percentiles) so the parent can merge slices exactly,
// plus what this process itself cost: CPU, and how late its event loop ran (a late loop makes
// TTFBs look longer and players look starved: the figure that says whether the load generator,
// not the server, was the limit).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HttpConnection } from './http-connection.ts';
import { emptyStats, playLive } from './player.ts';

const LOOP_SAMPLE_MS = 10;

export interface SliceOptions {
  baseUrl: string;
  playlistPath: string;
  viewers: number;
  /** Date.now() at which the measured period starts (the same instant for every slice). */
  startAtEpochMs: number;
  durationMs: number;
  /** Viewers join at random times over this many ms from the start (an audience arrives, not a synchronized burst). */
  joinSpreadMs: number;
  liveSyncDurationCount: number;
  retryDelayMs: number;
}

export interface SliceResult {
  viewers: number;
  playlistRequests: number;
  segmentRequests: number;
  errors: number;
  errorsByStatus: Record<string, number>;
  stalls: number;
  stalledMs: number;
  bytes: number;
  segments: string[];
  segmentTtfbMs: Float64Array;
  /** When each stall began, seconds since the start of the period. */
  stallStartS: Float64Array;
  startupMs: Float64Array;
  /** Viewers whose connection had to be reopened (the server closed an idle keep-alive one). */
  reconnects: number;
  /** CPU this process used during the measured period, seconds (user + system). */
  cpuSeconds: number;
  /** Event-loop delay of this process during the period, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export async function runSlice(o: SliceOptions): Promise<SliceResult> {
  const url = new URL(o.baseUrl);
  const port = Number(url.port || 80);
  const startAt = performance.now() + (o.startAtEpochMs - Date.now());
  const endAt = startAt + o.durationMs;
  const stats = emptyStats();
  const connections: HttpConnection[] = [];

  await new Promise((r) => setTimeout(r, Math.max(0, startAt - performance.now())));
  const cpu0 = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  loop.enable();

  let ended = false;
  const players = Array.from({ length: o.viewers }, async () => {
    await new Promise((r) => setTimeout(r, Math.random() * o.joinSpreadMs));
    if (ended) return;
    const connection = new HttpConnection(url.hostname, port);
    connections.push(connection);
    const options = {
      playlistPath: o.playlistPath,
      liveSyncDurationCount: o.liveSyncDurationCount,
      retryDelayMs: o.retryDelayMs,
      endAt,
      ended: () => ended,
    };
    await playLive((path, keepBody) => connection.get(path, keepBody), options, stats);
  });
  // At the end, requests still in flight are cut (the players know not to count that as an error).
  const ending = setTimeout(
    () => {
      ended = true;
      for (const c of connections) c.close();
    },
    Math.max(0, endAt - performance.now()),
  );
  await Promise.all(players);
  clearTimeout(ending);
  ended = true;
  for (const c of connections) c.close();

  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  return {
    viewers: o.viewers,
    playlistRequests: stats.playlistRequests,
    segmentRequests: stats.segmentRequests,
    errors: stats.errors,
    errorsByStatus: stats.errorsByStatus,
    stalls: stats.stalls,
    stalledMs: stats.stalledMs,
    bytes: stats.bytes,
    segments: [...stats.segments],
    segmentTtfbMs: Float64Array.from(stats.segmentTtfbMs),
    stallStartS: Float64Array.from(stats.stallStartedAt, (t) => (t - startAt) / 1000),
    startupMs: Float64Array.from(stats.startupMs),
    reconnects: connections.reduce((n, c) => n + c.reconnects, 0),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    // The histogram holds whole sampling intervals: the delay is what exceeds the interval.
    loopDelayP99Ms: Math.max(0, loop.percentile(99) / 1e6 - LOOP_SAMPLE_MS),
    loopDelayMaxMs: Math.max(0, loop.max / 1e6 - LOOP_SAMPLE_MS),
  };
}
