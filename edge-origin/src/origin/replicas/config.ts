// Origin replicas' knobs (README "Replicas"): every one typed, defaulted and named for the
// environment in this one zod schema (the edge's config.ts is the model). Defaults < environment
// < values in code; a bad value stops the origin at start naming the key.
import { z } from 'zod';

const ms = z.coerce.number().int().positive();

export const replicaConfigSchema = z.object({
  /**
   * The address the other origin replicas reach this one at (`http://10.0.0.5:8081`). Setting it
   * (with REDIS_URL) turns replicas on: each channel's live is packaged by the one replica that
   * holds its lease in Redis, and the others answer its playlists and segments by asking it.
   * Unset: this origin packages every channel itself, as a single origin does.
   */
  advertiseUrl: z.string().url().optional(),
  /**
   * This replica's name in the lease, the logs and (to staff) X-Origin-Replica. Default: `r-` and
   * a random tag made at each start (replicas/live-lease.ts), not the host name.
   */
  id: z.string().min(1).optional(),
  /**
   * How long a lease lives without renewal: a dead holder's channels are taken over this long
   * (plus up to one renewal period) after its last renewal. Shorter than what players hold in
   * their buffer and the edges serve stale (three target durations, 6 s).
   */
  leaseMs: ms.default(4000),
  /** How often the holder renews and the others try to take a free lease. */
  renewMs: ms.default(1000),
  /**
   * A blocking LL-HLS reload sent on to the holder gives up without an answer after this long (the
   * holder may hold it three target durations); anything else after 3 s.
   */
  proxyTimeoutMs: ms.default(15_000),
});

export type ReplicaConfig = z.infer<typeof replicaConfigSchema>;

export const replicaEnvNames: Record<keyof ReplicaConfig, string> = {
  advertiseUrl: 'ORIGIN_REPLICA_URL',
  id: 'ORIGIN_REPLICA_ID',
  leaseMs: 'ORIGIN_LIVE_LEASE_MS',
  renewMs: 'ORIGIN_LIVE_LEASE_RENEW_MS',
  proxyTimeoutMs: 'ORIGIN_REPLICA_PROXY_TIMEOUT_MS',
};

export class ReplicaConfigError extends Error {
  override name = 'ReplicaConfigError';
}

/** Environment < overrides; throws ReplicaConfigError naming every bad key. */
export function loadReplicaConfig(sources: {
  env?: Record<string, string | undefined>;
  overrides?: Partial<ReplicaConfig>;
}): ReplicaConfig {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(replicaEnvNames)) {
    const value = sources.env?.[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const parsed = replicaConfigSchema.safeParse({ ...fromEnv, ...sources.overrides });
  if (parsed.success) {
    if (parsed.data.renewMs * 2 > parsed.data.leaseMs)
      throw new ReplicaConfigError(
        `invalid replica config: renewMs (env ORIGIN_LIVE_LEASE_RENEW_MS) must be at most half of leaseMs (env ORIGIN_LIVE_LEASE_MS)`,
      );
    return parsed.data;
  }
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '?') as keyof ReplicaConfig;
    return `${issue.path.join('.') || '?'}${replicaEnvNames[key] ? ` (env ${replicaEnvNames[key]})` : ''}: ${issue.message}`;
  });
  throw new ReplicaConfigError(`invalid replica config: ${problems.join('; ')}`);
}
