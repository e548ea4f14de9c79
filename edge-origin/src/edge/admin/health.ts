// /_edge/health: is this edge up, and what does it hold. Cheap: load balancers poll it.
import type { StoreStats } from '../cache/memory-store.ts';

export function healthBody(
  stats: StoreStats,
  inflight: number,
  participants: number,
  upstreams: string[],
  disk?: { bytes: number; objects: number },
  sharing: 'off' | 'up' | 'down' = 'off',
) {
  return {
    status: 'ok',
    cache: stats,
    disk: disk ?? null,
    /** Multi-worker sharing through Redis. */
    sharing,
    inflightFetches: inflight,
    /** Clients attached to those fetches (collapsed waiters included). */
    inflightParticipants: participants,
    upstreams,
  };
}
