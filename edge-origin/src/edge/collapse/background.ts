// Fills nobody waits for: background revalidation (stale-while-revalidate, refresh-ahead of live
// playlists) and segment prefetch. They still go through the in-flight registry, so a viewer who
// asks meanwhile joins them instead of causing a second upstream request.
import { startFill, type Fill } from './fill.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { EdgeContext } from '../proxy/context.ts';

/** Starts a fill for `key` unless one is running. The fill if it started one. */
export function fillInBackground(
  ctx: EdgeContext,
  key: string,
  pathAndQuery: string,
  headers: Headers,
  stale: CacheEntry | undefined,
): Fill | undefined {
  if (ctx.inflight.has(key)) return undefined;
  const fill = startFill(ctx, key, pathAndQuery, headers, stale);
  void drainFill(ctx, fill);
  return fill;
}

/** Makes sure a fill nobody reads still reaches the cache (or is released if it cannot). */
export async function drainFill(ctx: EdgeContext, fill: Fill): Promise<void> {
  fill.participants++;
  const outcome = await fill.outcome;
  if (outcome.kind !== 'response' || !outcome.body) return;
  // A stored body fills itself; a pass-through one has nobody to go to.
  const stream = outcome.body.subscribe();
  if (!stream) return;
  ctx.track(
    (async () => {
      const reader = stream.getReader();
      try {
        for (;;) if ((await reader.read()).done) break;
      } catch {
        // The failure is the fill's to report; nobody is waiting here.
      }
    })(),
  );
}
