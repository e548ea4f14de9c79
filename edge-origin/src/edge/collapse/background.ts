// Fills nobody reads to the end: background revalidations, prefetches (collapse/fill.ts
// fillInBackground) and the whole-object fill a Range request starts. A retained body fills the
// cache by itself; a pass-through one must still be read, or its upstream is never released.
import type { EdgeContext } from '../context.ts';
import type { Fill } from './in-flight.ts';

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
