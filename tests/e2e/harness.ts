// What every TV-app browser test needs: the test build of the app (with the Lightning
// inspector), a real origin serving it and the demo media, a real edge in front, and
// Chromium opening the app FROM THE EDGE, like a TV behind an ISP's edge would.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { launchTv, type TvBrowser } from '../support/browser.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEST_APP_DIR = join(REPO, 'tv-app', 'dist-test');

/** Builds tv-app/dist-test (a few seconds) so the test runs the current sources. */
export function buildTestApp(): void {
  execFileSync(process.execPath, [join(REPO, 'tv-app', 'build.mjs'), '--test'], { stdio: 'pipe' });
  if (!existsSync(join(TEST_APP_DIR, 'index.html'))) throw new Error('tv-app test build produced no index.html');
}

export interface TvStack {
  origin: TestOrigin;
  edge: StartedEdge;
  tv: TvBrowser;
  /** The app's URL on the edge. */
  appUrl: string;
  close(): Promise<void>;
}

export async function startTvStack(): Promise<TvStack> {
  buildTestApp();
  const origin = await startOrigin({ appDir: TEST_APP_DIR });
  const edge = await startEdge({ upstreamUrl: origin.url });
  const tv = await launchTv();
  return {
    origin,
    edge,
    tv,
    appUrl: `${edge.url}/`,
    async close() {
      await tv.close();
      await edge.close();
      await origin.close();
    },
  };
}
