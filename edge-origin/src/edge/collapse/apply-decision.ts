// Carrying out what the content policy decided (context.ts StoreDecision; the live-HLS rules are
// hls/policy.ts) about a response about to be stored, or refreshed by a 304. The policy says
// what, this module does it, as Varnish's VCL sets a TTL and its core stores: the lifetime and
// facts go on the entry, the remembered 404s of what is now published go, the segments to
// prefetch are fetched, and the gate holds the new version back until they are stored.
import { servableFor } from '../proxy/fresh-hit.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { EdgeContext, StoreDecision } from '../context.ts';
import type { Fill } from './in-flight.ts';

const NO_HEADERS = new Headers();

/** Starts a background fill for this key unless one runs (collapse/fill.ts fillInBackground). */
export type BackgroundFill = (key: string, headers: Headers) => Fill | undefined;

/**
 * Applies `decision` to `entry` and starts its prefetches. Returns the gate: a promise to wait
 * for before storing the entry (so before viewers see it), or undefined to store it now.
 */
export function applyStoreDecision(
  ctx: EdgeContext,
  entry: CacheEntry,
  decision: StoreDecision,
  startFill: BackgroundFill,
): Promise<void> | undefined {
  if (decision.playlist) entry.playlist = decision.playlist;
  if (decision.negative) entry.negative = true;
  if (decision.lifetime !== undefined) entry.lifetimeOverride = decision.lifetime;
  for (const key of decision.published ?? []) {
    // Only the memory tier: a remembered 404 is too short-lived for the disk tier.
    if (ctx.store.lookup(key, NO_HEADERS)?.negative) ctx.store.deletePrimary(key);
  }
  if (!decision.prefetch) return undefined;
  const pending = prefetch(ctx, decision.prefetch, startFill);
  if (decision.gateSeconds === undefined || pending.length === 0) return undefined;
  return gate(ctx, entry, pending, decision.gateSeconds);
}

/** A stored entry refreshed by a 304 (collapse/outcome.ts): its lifetime, as the policy says now. */
export function applyRevalidationDecision(ctx: EdgeContext, entry: CacheEntry): void {
  const lifetime = ctx.policy.lifetimeAfterRevalidation(entry);
  if (lifetime !== undefined) entry.lifetimeOverride = lifetime;
}

/** Fetches the keys nothing stores yet; the `done` of every fetch of them, started here or before. */
function prefetch(ctx: EdgeContext, keys: readonly string[], startFill: BackgroundFill): Promise<void>[] {
  const pending: Promise<void>[] = [];
  for (const key of keys) {
    if (ctx.store.lookup(key, NO_HEADERS)) continue;
    const started = startFill(key, new Headers({ 'user-agent': `${ctx.config.viaName} prefetch` }));
    if (started) ctx.metrics.prefetch();
    // Already being fetched (a viewer asked early): wait for that fetch just the same.
    const fill = started ?? ctx.inflight.get(key);
    if (fill) pending.push(fill.done);
  }
  return pending;
}

/**
 * Settles once the prefetches are over (stored or given up), or after the policy's bound, and
 * never later than the version stored now may still be served: past that, viewers would join the
 * refresh and get the new version at once, so holding it back would only hold them.
 */
function gate(
  ctx: EdgeContext,
  incoming: CacheEntry,
  pending: Promise<void>[],
  boundSeconds: number,
): Promise<void> | undefined {
  const previous = ctx.store.lookup(incoming.primaryKey, NO_HEADERS);
  const servable = previous && previous !== incoming ? servableFor(ctx, previous) : 0;
  const waitSeconds = Math.min(boundSeconds, servable);
  if (!(waitSeconds > 0)) return undefined;
  const ready = settledWithin(Promise.all(pending), waitSeconds * 1000);
  ctx.track(ready);
  return ready;
}

/** Resolves when `work` settles or after `ms`, whichever comes first; never rejects. */
function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    void work.then(done, done);
  });
}
