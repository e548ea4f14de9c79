// Waiting for images to be in Lightning's hands (decoded, uploaded as textures), bounded in time:
// a page shows its first screen once its pictures are there rather than letting them pop in.
import type { Lightning } from '@lightningjs/sdk';

/**
 * Resolves when every element's texture has loaded or failed, or after `timeoutMs`. Elements
 * without a source count as ready (nothing to wait for). They must be drawn (enabled and within
 * the screen's margin) for Lightning to load them; others only make the wait run out.
 */
export function texturesLoaded(elements: Lightning.Element[], timeoutMs: number): Promise<void> {
  const pending = elements.filter((el) => el.src && !el.texture?.isLoaded());
  if (pending.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    let left = pending.length;
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      if (--left === 0) {
        clearTimeout(timer);
        resolve();
      }
    };
    for (const el of pending) {
      let settled = false;
      const once = () => {
        if (settled) return;
        settled = true;
        done();
      };
      el.once('txLoaded', once);
      el.once('txError', once);
    }
  });
}
