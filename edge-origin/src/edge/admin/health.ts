// /_edge/health: is this edge up, and what does it hold. Cheap: load balancers poll it.
import type { StoreStats } from '../cache/memory-store.ts';

export function healthBody(stats: StoreStats, inflight: number, participants: number, upstreams: string[]) {
  return {
    status: 'ok',
    cache: stats,
    inflightFetches: inflight,
    /** Clients attached to those fetches (collapsed waiters included). */
    inflightParticipants: participants,
    upstreams,
  };
}
