// The cache as the request path sees it: memory first, then disk (if configured), and every
// removal applied to both. Objects found on disk are promoted to memory.
import { freshnessLifetime } from './freshness.ts';
import type { CacheEntry } from './entry.ts';
import type { EdgeContext } from '../context.ts';

export async function lookupTiers(
  ctx: EdgeContext,
  primary: string,
  requestHeaders: Headers,
): Promise<CacheEntry | undefined> {
  const inMemory = ctx.store.lookup(primary, requestHeaders);
  if (inMemory || !ctx.disk) return inMemory;
  const onDisk = await ctx.disk.lookup(primary, requestHeaders);
  if (onDisk) ctx.store.put(onDisk);
  return onDisk;
}

/**
 * Stores a new or refreshed entry in memory, and on disk when it is long-lived. `share`: this
 * worker fetched it from the origin, so the other workers may take it (see workers/sharing.ts);
 * a copy that came from another worker is not shared again.
 */
export function keep(ctx: EdgeContext, entry: CacheEntry, share = true): void {
  ctx.store.put(entry);
  ctx.disk?.offer(entry, freshnessLifetime(entry, ctx.config));
  if (share) ctx.sharing?.publish(entry);
}

/** An entry refreshed in place by a 304 (cache/validation.ts): the same object, now recent again. */
export function keepRefreshed(ctx: EdgeContext, entry: CacheEntry, share: boolean): void {
  ctx.store.touch(entry);
  ctx.disk?.offer(entry, freshnessLifetime(entry, ctx.config));
  if (share) ctx.sharing?.publish(entry);
}

export function forgetPrimary(ctx: EdgeContext, primary: string): number {
  return ctx.store.deletePrimary(primary) + (ctx.disk?.deletePrimary(primary) ?? 0);
}

export function forgetPrefix(ctx: EdgeContext, prefix: string): number {
  return ctx.store.deleteByPrefix(prefix) + (ctx.disk?.deleteByPrefix(prefix) ?? 0);
}

export function forgetTag(ctx: EdgeContext, tag: string): number {
  return ctx.store.deleteByTag(tag) + (ctx.disk?.deleteByTag(tag) ?? 0);
}
