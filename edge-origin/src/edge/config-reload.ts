// A running edge takes a new config (SIGHUP) for the knobs read on each use; the others (where it
// listens, what it is built from: upstreams, budgets, disk, workers, Redis…) need a restart, and
// keep their running values until then, so a reload never leaves the edge half in each.
import type { EdgeConfig } from './config.ts';

/** The knobs a reload applies: each is read where it is used, never kept aside at start. */
export const RELOADABLE_KEYS = [
  'adminToken',
  'accessLog',
  'maxUrlLength',
  'maxHeaderBytes',
  'allowedMethods',
  'heuristicFraction',
  'heuristicMaxSeconds',
  'staleWhileRevalidateSeconds',
  'staleIfErrorSeconds',
  'playlistTtlTargetFraction',
  'endedPlaylistTtlSeconds',
  'negativeTtlSeconds',
  'prefetchSegments',
  'prefetchGate',
  'prefetchGateTargetFraction',
  'blockingReloadHoldTargetDurations',
  'blockingReloadAssumedTargetDurationSeconds',
  'readinessProbePath',
  'readinessProbeTimeoutMs',
  'readinessCacheMs',
  'readinessMaxRssBytes',
  'readinessUpstream',
  'headersTimeoutMs',
  'requestTimeoutMs',
  'keepAliveTimeoutMs',
  'shutdownGraceMs',
] as const satisfies readonly (keyof EdgeConfig)[];

export interface ReloadResult {
  /** Reloadable knobs whose value changed, now in force. */
  applied: string[];
  /** Changed knobs that take effect at the next start only. */
  needRestart: string[];
}

/** Copies the reloadable knobs of `next` into the running config (the object the edge reads). */
export function applyReload(running: EdgeConfig, next: EdgeConfig): ReloadResult {
  const reloadable = new Set<string>(RELOADABLE_KEYS);
  const result: ReloadResult = { applied: [], needRestart: [] };
  for (const key of Object.keys(next) as (keyof EdgeConfig)[]) {
    if (JSON.stringify(running[key]) === JSON.stringify(next[key])) continue;
    if (!reloadable.has(key)) result.needRestart.push(key);
    else {
      (running as Record<string, unknown>)[key] = next[key];
      result.applied.push(key);
    }
  }
  return result;
}
