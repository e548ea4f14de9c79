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
  /** The site's other addresses: a viewer whose server stops answering moves to the next (player.ts, rule 7). */
  fallbackBaseUrls?: string[];
  /** Periods (ms since the start, [from, to)) in which to count the viewers receiving segments. */
  watchingWindowsMs?: [number, number][];
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
  failovers: number;
  reconnectMs: Float64Array;
  /** When each of those reconnections completed, seconds since the start of the period. */
  reconnectedAtS: Float64Array;
  /** Per `watchingWindowsMs` period: viewers that received at least one segment in it. */
  watching: number[];
  /** CPU this process used during the measured period, seconds (user + system). */
  cpuSeconds: number;
  /** Event-loop delay of this process during the period, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export async function runSlice(o: SliceOptions): Promise<SliceResult> {
  const url = new URL(o.baseUrl);
  const startAt = performance.now() + (o.startAtEpochMs - Date.now());
  const endAt = startAt + o.durationMs;
  const stats = emptyStats();
  const connections: HttpConnection[] = [];

  await new Promise((r) => setTimeout(r, Math.max(0, startAt - performance.now())));
  const cpu0 = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  loop.enable();

  const fallbacks = (o.fallbackBaseUrls ?? []).map((u) => new URL(u));
  const windows = o.watchingWindowsMs ?? [];
  const watching = windows.map(() => 0);
  const open = (u: URL) => {
    const c = new HttpConnection(u.hostname, Number(u.port || 80));
    connections.push(c);
    return c;
  };

  let ended = false;
  const players = Array.from({ length: o.viewers }, async (_, i) => {
    await new Promise((r) => setTimeout(r, Math.random() * o.joinSpreadMs));
    if (ended) return;
    // Each viewer tries the other addresses in its own order (a resolver rotating the site's
    // records), so a dead node's audience spreads over the nodes left.
    const addresses = [url, ...fallbacks.map((_, k) => fallbacks[(i + k) % fallbacks.length]!)];
    let at = 0;
    let connection = open(url);
    const seen = windows.map(() => false);
    const options = {
      playlistPath: o.playlistPath,
      liveSyncDurationCount: o.liveSyncDurationCount,
      retryDelayMs: o.retryDelayMs,
      endAt,
      ended: () => ended,
      failover:
        fallbacks.length === 0
          ? undefined
          : () => {
              connection.close();
              at = (at + 1) % addresses.length;
              connection = open(addresses[at]!);
              return true;
            },
      onSegment:
        windows.length === 0
          ? undefined
          : (now: number) => {
              const t = now - startAt;
              windows.forEach(([from, to], w) => {
                if (!seen[w] && t >= from && t < to) {
                  seen[w] = true;
                  watching[w]!++;
                }
              });
            },
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
    failovers: stats.failovers,
    reconnectMs: Float64Array.from(stats.reconnectMs),
    reconnectedAtS: Float64Array.from(stats.reconnectedAt, (t) => (t - startAt) / 1000),
    watching,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    // The histogram holds whole sampling intervals: the delay is what exceeds the interval.
    loopDelayP99Ms: Math.max(0, loop.percentile(99) / 1e6 - LOOP_SAMPLE_MS),
    loopDelayMaxMs: Math.max(0, loop.max / 1e6 - LOOP_SAMPLE_MS),
  };
}
