// What every TV-app browser test needs: a build of the app (the test build, with the Lightning
// inspector, unless told otherwise), a real origin serving it and the demo media, a real edge in front, and
// Chromium opening the app FROM THE EDGE, like a TV behind an ISP's edge would. Optionally a
// fault-injecting proxy between the edge and the origin, so tests can make the origin fail.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import type { OriginOptions } from '../../edge-origin/src/origin/options.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import type { EdgeConfigInput } from '../../edge-origin/src/edge/config.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { launchTv, type TvBrowser } from '../support/browser.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = join(REPO, 'tv-app', 'build.mjs');

/**
 * Builds the app into a fresh temp dir: the test build (Lightning inspector, unminified)
 * by default, or the production builds (`<dir>/dist`, `<dir>/dist-legacy`). A dir per test
 * file, so parallel jest workers never delete the files another one is serving.
 */
export function buildApp(kind: 'test' | 'production'): string {
  const dir = mkdtempSync(join(tmpdir(), `cite-tv-app-${kind}-`));
  execFileSync(process.execPath, [BUILD, ...(kind === 'test' ? ['--test'] : []), '--out', dir], { stdio: 'pipe' });
  const index = kind === 'test' ? join(dir, 'index.html') : join(dir, 'dist', 'index.html');
  if (!existsSync(index)) throw new Error(`tv-app ${kind} build produced no index.html`);
  return dir;
}

export interface TvStack {
  origin: TestOrigin;
  edge: StartedEdge;
  /** The proxy between edge and origin, when started with `faults: true` (null otherwise). */
  faults: FaultProxy | null;
  tv: TvBrowser;
  /** The app's URL on the edge. */
  appUrl: string;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Which build the origin serves: the test build (default), or the legacy ES5 one. */
  app?: 'test' | 'legacy';
  /** Origin options beyond the app dir (e.g. a longer live window for seeking tests). */
  origin?: Omit<Partial<OriginOptions>, 'appDir'>;
  /** Edge options beyond its upstream (e.g. its upstream timeouts). */
  edge?: Omit<Partial<EdgeConfigInput>, 'upstreamUrl'>;
  /** Put a fault-injecting proxy between the edge and the origin (`stack.faults`). */
  faults?: boolean;
}

export async function startTvStack({
  app = 'test',
  origin: originOptions = {},
  edge: edgeOptions = {},
  faults: withFaults = false,
}: StackOptions = {}): Promise<TvStack> {
  const buildDir = buildApp(app === 'test' ? 'test' : 'production');
  const appDir = app === 'test' ? buildDir : join(buildDir, 'dist-legacy');
  const origin = await startOrigin({ ...originOptions, appDir });
  const faults = withFaults ? await startFaultProxy(origin.url) : null;
  const edge = await startEdge({ ...edgeOptions, upstreamUrl: faults?.url ?? origin.url });
  const tv = await launchTv();
  return {
    origin,
    edge,
    faults,
    tv,
    appUrl: `${edge.url}/`,
    async close() {
      await tv.close();
      await edge.close();
      await faults?.close();
      await origin.close();
      rmSync(buildDir, { recursive: true, force: true });
    },
  };
}
