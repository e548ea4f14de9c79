// /_edge/health: the admin's view of this edge (what it holds, what it fetches, its readiness
// with the upstream it probed). Load balancers use the public probes instead (admin/routes.ts).
import type { StoreStats } from '../cache/memory-store.ts';
import type { ReadinessReport } from './readiness.ts';

export function healthBody(
  stats: StoreStats,
  inflight: number,
  participants: number,
  upstreams: string[],
  disk?: { bytes: number; objects: number },
  sharing: 'off' | 'up' | 'partial' | 'down' = 'off',
  readiness?: ReadinessReport,
) {
  return {
    status: 'ok',
    cache: stats,
    disk: disk ?? null,
    /** Multi-worker sharing through Redis (partial: a cluster master lost, the rest shared). */
    sharing,
    inflightFetches: inflight,
    /** Clients attached to those fetches (collapsed waiters included). */
    inflightParticipants: participants,
    upstreams,
    readiness: readiness ?? null,
  };
}
