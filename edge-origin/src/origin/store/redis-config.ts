// The Redis store's knobs for "degraded but alive" (issue #14): every one typed, defaulted and
// named for the environment in this one zod schema (the edge's config.ts is the model).
// Defaults < environment < values in code; a bad value stops the origin at start naming the key.
import { z } from 'zod';

const seconds = z.coerce.number().positive();

export const redisStoreConfigSchema = z.object({
  /**
   * While Redis is unreachable, reads answer from the last good copy of every collection for at
   * most this long after Redis last answered; past it they answer 503 (and the edges serve their
   * own stale copies, stale-if-error). A day: the catalog of the day before beats a blank home.
   */
  staleReadsMaxSeconds: seconds.default(86_400),
  /**
   * The copy is read whole at each (re)connection and again this often (every read and every
   * write of this process keep it current in between): how old it can be when Redis stops, for
   * what another origin replica wrote.
   */
  readModelRefreshSeconds: seconds.default(30),
  /**
   * Posters (content-addressed, never changing) kept in memory to be served while Redis is down:
   * the ones read and written by this process, and at each refresh the others, while they fit.
   * About 170 KB a poster (both sizes): 64 MiB holds some 400.
   */
  imageCopyBytes: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(64 * 1024 * 1024),
});

export type RedisStoreConfig = z.infer<typeof redisStoreConfigSchema>;

export const redisStoreEnvNames: Record<keyof RedisStoreConfig, string> = {
  staleReadsMaxSeconds: 'REDIS_STALE_READS_MAX_SECONDS',
  readModelRefreshSeconds: 'REDIS_READ_MODEL_REFRESH_SECONDS',
  imageCopyBytes: 'REDIS_IMAGE_COPY_BYTES',
};

export class RedisStoreConfigError extends Error {
  override name = 'RedisStoreConfigError';
}

/** Environment < overrides; throws RedisStoreConfigError naming every bad key. */
export function loadRedisStoreConfig(sources: {
  env?: Record<string, string | undefined>;
  overrides?: Partial<RedisStoreConfig>;
}): RedisStoreConfig {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(redisStoreEnvNames)) {
    const value = sources.env?.[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const parsed = redisStoreConfigSchema.safeParse({ ...fromEnv, ...sources.overrides });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '?') as keyof RedisStoreConfig;
    return `${issue.path.join('.') || '?'}${redisStoreEnvNames[key] ? ` (env ${redisStoreEnvNames[key]})` : ''}: ${issue.message}`;
  });
  throw new RedisStoreConfigError(`invalid Redis store config: ${problems.join('; ')}`);
}
