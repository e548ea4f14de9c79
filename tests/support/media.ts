// The demo media every test uses: generated once (edge-origin/media/<version>/, shared with
// `npm start`), then reused. Concurrent jest workers wait for a single generator.
import { ensureDemoMedia } from '../../edge-origin/src/media/ensure.ts';
import type { MediaManifest } from '../../edge-origin/src/media/manifest.ts';

/** Generating from scratch takes about a minute here: give beforeAll hooks this long. */
export const MEDIA_TIMEOUT_MS = 300_000;

let pending: Promise<MediaManifest> | undefined;

export function ensureTestManifest(): Promise<MediaManifest> {
  pending ??= ensureDemoMedia({ log: (msg) => process.stderr.write(`${msg}\n`) });
  return pending;
}

/** Root of the generated media (holds manifest.json): pass it as the origin's `mediaDir`. */
export async function ensureTestMedia(): Promise<string> {
  return (await ensureTestManifest()).root;
}
