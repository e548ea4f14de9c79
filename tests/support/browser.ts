// Real Chromium for the TV app's browser tests, driven by playwright-core, and helpers
// that observe the app the way a test should: through the Lightning inspector's DOM
// mirror (test builds only), where the focus leaf has `focused="true"`, components
// carry `data-testid`, and text elements carry `texture-text`.
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The flags this machine's headless Chromium needs for WebGL (ANGLE + SwiftShader) and quiet, isolated runs. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** 1920×1080: the app's native stage, so screenshots are what a 1080p TV shows. */
export const VIEWPORT = { width: 1920, height: 1080 } as const;

export const ARTIFACTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

export interface TvBrowser {
  browser: Browser;
  page: Page;
  /** Console errors and page errors seen so far (a test can assert there are none). */
  errors: string[];
  close(): Promise<void>;
}

export async function launchTv(): Promise<TvBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'cite-tv-chromium-'));
  // ignoreDefaultArgs: Chromium gets exactly the flags above (playwright's own defaults
  // change rendering and timers); it still needs its control pipe and a profile dir.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    ignoreDefaultArgs: true,
    args: [
      ...CHROMIUM_FLAGS,
      '--autoplay-policy=no-user-gesture-required',
      `--user-data-dir=${userDataDir}`,
      '--remote-debugging-pipe',
      '--no-startup-window',
    ],
  });
  const { page, errors } = await openPage(browser, { viewport: VIEWPORT });
  return {
    browser,
    page,
    errors,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A page in a new context of `browser` (a TV's screen, or a staff member's desk: zone, language,
 * size), with what every test page needs: the `__name` shim, and the console and page errors
 * collected so a test can assert there are none.
 */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext(options);
  // Run from tsx (esbuild keepNames), the functions these helpers pass to page.evaluate call
  // a __name() helper that only exists in Node: give the page a no-op one.
  await context.addInitScript('window.__name = function (target) { return target; };');
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { context, page, errors };
}

export interface FocusInfo {
  /** `data-testid` of the focus leaf, or of its nearest ancestor that has one. */
  testId: string | null;
  /** Every `data-testid` from the root down to the focus leaf. */
  path: string[];
  /** Texts rendered inside the focused component, in tree order. */
  texts: string[];
}

/**
 * Lets the app draw a few frames. Lightning renders a text texture after the frame that
 * changed it (the source loads asynchronously), and the mirror's `texture-text` follows
 * that load: read right after a state change, a label can still show its old words while
 * a newly visible one already shows its new ones. Three frames cover the load.
 */
export async function settled(page: Page, frames = 3): Promise<void> {
  await page.evaluate(
    (n) =>
      new Promise<void>((resolve) => {
        const step = (left: number) => (left <= 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
        step(n);
      }),
    frames,
  );
}

export async function focused(page: Page): Promise<FocusInfo> {
  await settled(page);
  return page.evaluate(() => {
    const leaf = document.querySelector('div[focused="true"]');
    if (!leaf) return { testId: null, path: [], texts: [] };
    const path: string[] = [];
    for (let n: Element | null = leaf; n; n = n.parentElement) {
      const id = n.getAttribute('data-testid');
      if (id) path.unshift(id);
    }
    const owner = leaf.closest('[data-testid]');
    // Only text on screen: the mirror keeps the text of hidden elements (display: none).
    const shown = (el: Element) => {
      for (let n: Element | null = el; n && n !== document.body; n = n.parentElement) {
        if ((n as HTMLElement).style.display === 'none') return false;
      }
      return true;
    };
    const texts = [owner ?? leaf, ...Array.from((owner ?? leaf).querySelectorAll('[texture-text]'))]
      .filter(shown)
      .map((el) => el.getAttribute('texture-text'))
      .filter((t): t is string => !!t);
    return { testId: path[path.length - 1] ?? null, path, texts };
  });
}

/** Waits until the focused test id satisfies `match` (exact id or predicate); returns the focus. */
export async function waitForFocus(page: Page, match: string | RegExp, timeout = 20_000): Promise<FocusInfo> {
  const deadline = Date.now() + timeout;
  let last: FocusInfo = { testId: null, path: [], texts: [] };
  while (Date.now() < deadline) {
    last = await focused(page);
    const id = last.testId ?? '';
    if (typeof match === 'string' ? id === match : match.test(id)) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`focus never matched ${String(match)}; last focus: ${JSON.stringify(last)}`);
}

/** All texts shown under the element with `testId` (or in the whole app), in tree order. */
export async function textsIn(page: Page, testId?: string): Promise<string[]> {
  await settled(page);
  return page.evaluate((id) => {
    const root = id ? document.querySelector(`[data-testid="${id}"]`) : document.body;
    if (!root) return [];
    // Only what is on screen: the mirror keeps the text of hidden elements (display: none).
    const shown = (el: Element) => {
      for (let n: Element | null = el; n && n !== document.body; n = n.parentElement) {
        if ((n as HTMLElement).style.display === 'none') return false;
      }
      return true;
    };
    return [root, ...Array.from(root.querySelectorAll('[texture-text]'))]
      .filter((el) => el.hasAttribute('texture-text') && shown(el))
      .map((el) => el.getAttribute('texture-text') ?? '');
  }, testId);
}

export async function isVisible(page: Page, testId: string): Promise<boolean> {
  return page.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
    if (!el) return false;
    for (let n: HTMLElement | null = el; n && n.tagName === 'DIV'; n = n.parentElement) {
      if (n.style.display === 'none' || n.getAttribute('visible') === 'false') return false;
    }
    return true;
  }, testId);
}

/**
 * Presses a remote key (a Playwright key name: ArrowRight, Enter, Backspace, Escape, Digit1…)
 * and lets the app handle it. The app drops key repeats faster than one per 120 ms by design,
 * so presses are spaced like a person's.
 */
export async function press(page: Page, key: string, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    await page.keyboard.press(key);
    await page.waitForTimeout(200);
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Opens the app and waits for the inspector mirror and a first focused component. */
export async function openApp(page: Page, url: string, firstFocus: string | RegExp = /./): Promise<FocusInfo> {
  await page.goto(url);
  return waitForFocus(page, firstFocus, 30_000);
}

export interface VideoState {
  present: boolean;
  currentTime: number;
  paused: boolean;
  readyState: number;
  totalVideoFrames: number;
  width: number;
  height: number;
}

export async function videoState(page: Page): Promise<VideoState> {
  return page.evaluate(() => {
    const v = document.querySelector('video');
    if (!v)
      return { present: false, currentTime: 0, paused: true, readyState: 0, totalVideoFrames: 0, width: 0, height: 0 };
    return {
      present: true,
      currentTime: v.currentTime,
      paused: v.paused,
      readyState: v.readyState,
      totalVideoFrames: v.getVideoPlaybackQuality().totalVideoFrames,
      width: v.videoWidth,
      height: v.videoHeight,
    };
  });
}

/** Polls `probe` until `accept` holds; returns the accepted value or throws with the last one. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeout = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`${what} not reached; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}
