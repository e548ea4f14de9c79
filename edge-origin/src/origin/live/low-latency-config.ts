// The origin's Low-Latency HLS knobs (RFC 8216bis): every one typed, defaulted and named for the
// environment in this one zod schema (the edge's config.ts is the model). Defaults < environment
// < values in code; a bad value stops the origin at start with a message naming the key.
import { z } from 'zod';

const bool = z.preprocess(
  (v) => (typeof v === 'string' ? !['0', 'false', 'no', 'off', ''].includes(v.toLowerCase()) : v),
  z.boolean(),
);
const multiple = z.coerce.number().positive();

export const lowLatencyConfigSchema = z.object({
  /** Live media playlists carry parts, blocking reloads and delta updates (false: plain HLS as before). */
  enabled: bool.default(true),
  /**
   * Wished part length, seconds. Parts are cut at frame boundaries, so the PART-TARGET the
   * playlists advertise is this rounded up to whole frames (0.5 s at 25 fps: 0.52 s).
   */
  partTargetSeconds: z.coerce.number().min(0.2).max(2).default(0.5),
  /** PART-HOLD-BACK in part targets (the spec: at least 2, should be 3 or more). */
  partHoldBackParts: z.coerce.number().min(2).default(3),
  /** Parts are listed for the segments within this many target durations of the end (the spec: at least 3). */
  partsForTargetDurations: z.coerce.number().min(3).default(3),
  /** CAN-SKIP-UNTIL in target durations (the spec: at least 6). */
  canSkipUntilTargetDurations: z.coerce.number().min(6).default(6),
  /** A blocking reload is answered 503 when its part is not out within this many target durations (the spec: 3). */
  blockingTimeoutTargetDurations: multiple.default(3),
  /** Cache lifetimes in target durations (RFC 8216bis appendix on caching): blocking answers, plain live playlists. */
  blockingCacheTargetDurations: multiple.default(6),
  playlistCacheTargetDurations: multiple.default(0.5),
  /** Seconds a 400/503 answer to a blocking reload may be kept. */
  failureCacheSeconds: z.coerce.number().int().nonnegative().default(1),
});

export type LowLatencyConfig = z.infer<typeof lowLatencyConfigSchema>;

export const lowLatencyEnvNames: Record<keyof LowLatencyConfig, string> = {
  enabled: 'LL_HLS',
  partTargetSeconds: 'LL_HLS_PART_TARGET',
  partHoldBackParts: 'LL_HLS_PART_HOLD_BACK_PARTS',
  partsForTargetDurations: 'LL_HLS_PARTS_FOR_TARGET_DURATIONS',
  canSkipUntilTargetDurations: 'LL_HLS_CAN_SKIP_UNTIL_TARGET_DURATIONS',
  blockingTimeoutTargetDurations: 'LL_HLS_BLOCKING_TIMEOUT_TARGET_DURATIONS',
  blockingCacheTargetDurations: 'LL_HLS_BLOCKING_CACHE_TARGET_DURATIONS',
  playlistCacheTargetDurations: 'LL_HLS_PLAYLIST_CACHE_TARGET_DURATIONS',
  failureCacheSeconds: 'LL_HLS_FAILURE_CACHE_SECONDS',
};

export class LowLatencyConfigError extends Error {
  override name = 'LowLatencyConfigError';
}

/** Environment < overrides; throws LowLatencyConfigError naming every bad key. */
export function loadLowLatencyConfig(sources: {
  env?: Record<string, string | undefined>;
  overrides?: Partial<LowLatencyConfig>;
}): LowLatencyConfig {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(lowLatencyEnvNames)) {
    const value = sources.env?.[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const parsed = lowLatencyConfigSchema.safeParse({ ...fromEnv, ...sources.overrides });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '?') as keyof LowLatencyConfig;
    return `${issue.path.join('.') || '?'}${lowLatencyEnvNames[key] ? ` (env ${lowLatencyEnvNames[key]})` : ''}: ${issue.message}`;
  });
  throw new LowLatencyConfigError(`invalid low-latency config: ${problems.join('; ')}`);
}

/** The PART-TARGET advertised: the wished length rounded up to whole frames. */
export function partTargetFor(config: LowLatencyConfig, frameRate: number): number {
  return Math.ceil(config.partTargetSeconds * frameRate - 1e-9) / frameRate;
}
