// The store packages run as the TVs run them: the page opened as a local file (file://, as a
// packaged Tizen or webOS app's is), the platform's globals emulated, the real edge given at
// package time in front of a real origin. Chromium refuses module scripts from file:// (some TV
// engines do too): the loader falls back to the ES5 bundle, which must then find the edge for the
// catalog, images and playlists, play, and leave through the platform's API. The hosted launcher
// hands RDK/WPE the app from the edge, which then takes the modern bundle.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { VIEWPORT, eventually, launchTv, openPage, videoState, type TvBrowser } from '../support/browser.ts';
import { buildApp } from './harness.ts';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tv-app', 'scripts', 'package.mjs');

let buildDir = '';
let origin: TestOrigin;
let edge: StartedEdge;
let tv: TvBrowser;

beforeAll(async () => {
  buildDir = buildApp('production');
  origin = await startOrigin({ appDir: join(buildDir, 'dist') });
  edge = await startEdge({ upstreamUrl: origin.url });
  execFileSync(
    process.execPath,
    [PACKAGE, '--dist', join(buildDir, 'dist'), '--out', join(buildDir, 'packages'), '--service-url', `${edge.url}/`],
    { stdio: 'pipe' },
  );
  tv = await launchTv();
}, 180_000);

afterAll(async () => {
  await tv?.close();
  await edge?.close();
  await origin?.close();
  rmSync(buildDir, { recursive: true, force: true });
});

/** A remote key as the TV's browser delivers it: a keydown/keyup pair with that keyCode. */
async function remoteKey(page: Page, keyCode: number): Promise<void> {
  await page.evaluate((code) => {
    for (const type of ['keydown', 'keyup']) {
      const event = new KeyboardEvent(type, { bubbles: true, cancelable: true });
      Object.defineProperty(event, 'keyCode', { get: () => code });
      Object.defineProperty(event, 'which', { get: () => code });
      document.dispatchEvent(event);
    }
  }, keyCode);
  await page.waitForTimeout(400);
}

/** Paths the page requested, and from where: the package (file:) or the edge. */
function requestsOf(page: Page): { local: string[]; edge: string[] } {
  const seen = { local: [] as string[], edge: [] as string[] };
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol === 'file:') seen.local.push(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));
    else if (url.origin === edge.url) seen.edge.push(url.pathname);
  });
  return seen;
}

async function homeShown(seen: { edge: string[] }): Promise<void> {
  await eventually(
    async () => seen.edge,
    (paths) => paths.includes('/api/v1/home') && paths.filter((p) => p.startsWith('/images/logos/')).length >= 4,
    30_000,
    'home and channel logos from the edge',
  );
}

test('webOS package from file://: the ES5 bundle, the catalog and live from the edge, Back 461, leaving through platformBack', async () => {
  const { context, page, errors } = await openPage(tv.browser, { viewport: VIEWPORT });
  await context.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    w.__left = 0;
    w.PalmSystem = { launchParams: '{}', platformBack: () => void (w.__left = (w.__left as number) + 1) };
  });
  try {
    const seen = requestsOf(page);
    await page.goto(pathToFileURL(join(buildDir, 'packages', 'webos', 'index.html')).href);
    await homeShown(seen);
    expect(seen.local.some((f) => /^app-[0-9a-f]{8}\.js$/.test(f))).toBe(true); // the ES5 bundle ran
    expect(seen.local).toContain('inter-latin-400-normal.woff2'); // fonts from the package
    expect(seen.edge.some((p) => p.endsWith('.js'))).toBe(false); // no code from the edge

    await page.keyboard.press('Enter'); // "Regarder le direct"
    const playing = await eventually(
      () => videoState(page),
      (v) => v.currentTime > 1 && v.totalVideoFrames > 0,
      60_000,
      'live playback from the edge',
    );
    expect(playing.width).toBeGreaterThan(0);
    expect(seen.local).toContain('hls.min.js'); // hls.js's ES5 build, from the package
    expect(seen.edge.some((p) => p.endsWith('master.m3u8'))).toBe(true);

    await remoteKey(page, 461); // Back: the player closes
    await eventually(
      () => videoState(page),
      (v) => v.paused || !v.present,
      10_000,
      'stopped',
    );
    await remoteKey(page, 461); // Back on the home: the quit dialog (focus on « Annuler »)
    await remoteKey(page, 39);
    await remoteKey(page, 13); // « Quitter »
    await eventually(
      () => page.evaluate(() => (window as unknown as { __left: number }).__left),
      (n) => n === 1,
      10_000,
      'platformBack',
    );
    expect(errors.filter((e) => /TypeError|ReferenceError|SyntaxError/.test(e))).toEqual([]);
  } finally {
    await context.close();
  }
});

test('Tizen package from file://: keys registered through tvinputdevice, Back 10009 on the home asks to quit, quitting exits the application', async () => {
  const { context, page } = await openPage(tv.browser, { viewport: VIEWPORT });
  await context.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    const registered: string[] = [];
    w.__registered = registered;
    w.__exited = 0;
    w.tizen = {
      tvinputdevice: { registerKey: (name: string) => registered.push(name) },
      application: {
        getCurrentApplication: () => ({
          exit: () => void (w.__exited = (w.__exited as number) + 1),
          getRequestedAppControl: () => null,
        }),
      },
    };
  });
  try {
    const seen = requestsOf(page);
    await page.goto(pathToFileURL(join(buildDir, 'packages', 'tizen', 'index.html')).href);
    await homeShown(seen);
    const registered = await page.evaluate(() => (window as unknown as { __registered: string[] }).__registered);
    expect(registered).toEqual(expect.arrayContaining(['MediaPlayPause', 'MediaStop', 'ColorF0Red', '1', '4']));
    await page.waitForTimeout(1000);
    await remoteKey(page, 10009);
    await remoteKey(page, 39);
    await remoteKey(page, 13);
    await eventually(
      () => page.evaluate(() => (window as unknown as { __exited: number }).__exited),
      (n) => n === 1,
      10_000,
      'tizen exit',
    );
  } finally {
    await context.close();
  }
});

test('hosted launcher (RDK/WPE): replaced by the app on the edge, which takes the modern bundle there', async () => {
  const { context, page } = await openPage(tv.browser, { viewport: VIEWPORT });
  try {
    const seen = requestsOf(page);
    await page.goto(pathToFileURL(join(buildDir, 'packages', 'hosted', 'rdk.html')).href);
    await homeShown(seen);
    expect(new URL(page.url()).search).toBe('?platform=rdk');
    expect(seen.edge.some((p) => /^\/main-[A-Z0-9]+\.js$/.test(p))).toBe(true);
    expect(seen.edge.some((p) => /^\/app-[0-9a-f]{8}\.js$/.test(p))).toBe(false);
  } finally {
    await context.close();
  }
});
