// How an image element appears once its texture has loaded: at once when it came before its page
// was shown (a page is drawn unseen while its first screen loads: RowsPage) or quickly (a cached
// image), so it shows with its page and nothing moves afterwards; with a short fade when it came
// late, over a page already seen (a fade reads better than a pop over a placeholder).
import type { Lightning } from '@lightningjs/sdk';

/** A texture loaded within this time of being asked for is shown without a fade. */
const QUICK_MS = 250;

/** Some ancestor is drawn transparent (a page not shown yet). */
function unseen(element: Lightning.Element): boolean {
  for (let n: Lightning.Element | null = element.parent; n; n = n.parent) if (n.alpha < 0.01) return true;
  return false;
}

/**
 * Sets `image`'s source and reveals `target` (the image or a group around it, drawn at alpha
 * 0.001 meanwhile so Lightning loads the texture) when the texture has loaded.
 */
export function revealWhenLoaded(
  image: Lightning.Element,
  target: Lightning.Element,
  src: string,
  fadeSeconds: number,
): void {
  // The same picture again (a refresh of the page): left as it is, no flash.
  if (image.src === src) return;
  const askedAt = Date.now();
  target.alpha = 0.001;
  image.once('txLoaded', () => {
    if (unseen(target) || Date.now() - askedAt <= QUICK_MS) {
      target.setSmooth('alpha', 1, { duration: 0 });
      target.alpha = 1;
    } else target.setSmooth('alpha', 1, { duration: fadeSeconds });
  });
  image.src = src;
}
