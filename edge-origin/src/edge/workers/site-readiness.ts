// The site's registry of upstream probes: every edge (each worker of `--workers N`, each node of a
// site sharing one Redis or Redis Cluster) writes whether it reached the upstream at its last probe,
// and reads what its siblings wrote. Readiness (admin/readiness.ts) uses it to tell "this edge
// cannot reach the origin while its siblings can" (send viewers elsewhere) from "nobody can" (the
// origin is down: stay, serve what is cached).
import type { SharedBus } from './shared-bus.ts';

/** One hash for the site: a hash tag keeps it in one slot of a Redis Cluster. */
const REPORTS = 'edge:{site}:upstream-probes';

/** An edge's last probe as the site saw it. */
export interface SiteProbeReport {
  /** The edge's name in the site (its peer listener's URL). */
  id: string;
  ok: boolean;
  /** Milliseconds since it was written (on the registry's clock). */
  ageMs: number;
  /** How long it counts after being written. */
  ttlMs: number;
}

export interface SiteReadiness {
  /** This edge's name in the site. */
  readonly id: string;
  /**
   * Writes this edge's probe result, to count for `ttlMs`, and returns the site's live reports
   * (this edge's included); null when the registry cannot be reached.
   */
  exchange(ok: boolean, ttlMs: number): Promise<SiteProbeReport[] | null>;
}

export function siteReadinessOver(bus: SharedBus, id: string): SiteReadiness {
  return {
    id,
    async exchange(ok, ttlMs) {
      const reports = await bus.report(REPORTS, id, ok ? 'ok' : 'fail', ttlMs);
      return reports?.map((r) => ({ id: r.member, ok: r.value === 'ok', ageMs: r.ageMs, ttlMs: r.ttlMs })) ?? null;
    },
  };
}
