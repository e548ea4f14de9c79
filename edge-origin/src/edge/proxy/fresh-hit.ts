// The one decision every cache hit goes through: may this stored entry answer a plain GET/HEAD
// now, and should it be refreshed ahead in the background? The general request path
// (proxy/handler.ts) and the Node fast path (node/fast-hit.ts) both ask here, so they cannot
// disagree on what is fresh.
import { currentAge, freshnessLifetime } from '../cache/freshness.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { EdgeContext } from './context.ts';

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
  return { result: entry.negative ? 'NEGATIVE' : 'HIT', age, refreshAhead: ctx.policy.refreshAhead(entry, age, lifetime) };
}
