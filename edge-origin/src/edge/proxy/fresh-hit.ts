// The one decision every cache hit goes through: may this stored entry answer a plain GET/HEAD
// now (fresh, or stale while it is revalidated), and should it be refreshed ahead in the background? The general
// request path (proxy/handler.ts) and the Node fast path (node/fast-hit.ts) both ask here, so they cannot
// disagree on what is fresh; the prefetch gate (collapse/apply-decision.ts) bounds its wait with the same allowance.
import { currentAge, freshnessLifetime, mustNotServeStale, staleAllowance } from '../cache/freshness.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { EdgeContext } from '../context.ts';

export interface FreshHit {
  result: 'HIT' | 'NEGATIVE';
  /** Current age (seconds, RFC 9111 §4.2.3) at the time of the decision. */
  age: number;
  /** A live playlist past half its TTL: serve it, and refresh it in the background. */
  refreshAhead: boolean;
}

/** Null when the entry is not fresh (or must be revalidated first, §5.2.2.4 unqualified no-cache). */
export function freshHit(ctx: EdgeContext, entry: CacheEntry): FreshHit | null {
  const age = currentAge(entry, ctx.now());
  const lifetime = freshnessLifetime(entry, ctx.config);
  if (!(age < lifetime) || entry.cacheControl.get('no-cache') === true) return null;
  return {
    result: entry.negative ? 'NEGATIVE' : 'HIT',
    age,
    refreshAhead: age >= ctx.policy.refreshAheadFrom(entry, lifetime),
  };
}

/**
 * RFC 5861 §3: may this stale entry be served now (as STALE) while it is revalidated in the
 * background? For a live playlist the policy allows one target duration.
 */
export function servableWhileRevalidating(ctx: EdgeContext, entry: CacheEntry): boolean {
  const allowance = staleWhileRevalidateAllowance(ctx, entry);
  return allowance > 0 && !mustNotServeStale(entry) && ctx.staleness(entry) <= allowance;
}

/** Seconds past its freshness this entry may be served while revalidated: its own
 * stale-while-revalidate, else the content policy's (live playlist), else the configured default. */
export function staleWhileRevalidateAllowance(ctx: EdgeContext, entry: CacheEntry): number {
  return staleAllowance(
    entry,
    'stale-while-revalidate',
    ctx.policy.staleWhileRevalidate(entry) ?? ctx.config.staleWhileRevalidateSeconds,
  );
}

/**
 * How much longer this stored entry may answer viewers: while fresh, then stale while it is
 * revalidated (RFC 5861; for a live playlist, one target duration). 0 once past both.
 */
export function servableFor(ctx: EdgeContext, entry: CacheEntry): number {
  const freshLeft = freshnessLifetime(entry, ctx.config) - currentAge(entry, ctx.now());
  if (mustNotServeStale(entry)) return Math.max(0, freshLeft);
  return Math.max(0, freshLeft + staleWhileRevalidateAllowance(ctx, entry));
}
