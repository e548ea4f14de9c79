// The legacy build (ES5 + core-js, for Chrome-38-class TVs) runs the same app: the home
// renders, and hls.js (its own ES5 build) is fetched only when playback starts, then plays.
import { VIEWPORT, eventually, press, screenshot, videoState } from '../support/browser.ts';
import { useTvStack } from './use-tv-stack.ts';

const stack = useTvStack({ app: 'legacy' });

test('legacy build: home, then live playback with hls.js loaded on demand', async () => {
  const { page } = stack.tv;
  const masters: { prefetch: boolean }[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.endsWith('/master.m3u8'))
      masters.push({ prefetch: r.headers().purpose === 'prefetch' });
  });
  await page.goto(stack.appUrl);
  // No inspector in production builds: the home is observed through what it requests and shows.
  await eventually(
    async () => stack.origin.requests.count('/api/v1/home'),
    (n) => n > 0,
    30_000,
    'home requested',
  );
  await eventually(
    async () => stack.origin.requests.count('/images/logos/'),
    (n) => n >= 4,
    30_000,
    'channel logos requested',
  );
  expect(stack.origin.requests.count('/hls.min.js')).toBe(0);
  await page.waitForTimeout(1500);
  await screenshot(page, 'legacy-home');

  // Focus starts on "Regarder le direct": OK plays the hero's live channel.
  await press(page, 'Enter');
  const playing = await eventually(
    () => videoState(page),
    (v) => v.currentTime > 1 && v.totalVideoFrames > 0,
    60_000,
    'legacy playback',
  );
  expect(playing.width).toBeGreaterThan(0);
  expect(stack.origin.requests.count('/hls.min.js')).toBe(1);
  expect(stack.tv.errors.filter((e) => /TypeError|ReferenceError|SyntaxError/.test(e))).toEqual([]);
  // The focus rested on the hero's live: its master playlist was preloaded, and the ES5 hls.js
  // took it through the app's playlist loader (a subclass of its own loader) without asking again.
  expect(masters).toEqual([{ prefetch: true }]);
  await press(page, 'Backspace');
  await eventually(
    () => videoState(page),
    (v) => v.paused,
    10_000,
    'stopped',
  );
});

test('legacy build on a browser without fetch (Chrome < 42): the polyfill loads the catalog', async () => {
  const context = await stack.tv.browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript(() => {
    delete (window as unknown as { fetch?: unknown }).fetch;
  });
  const page = await context.newPage();
  try {
    // (The edge may answer from its cache: the browser's own requests are what is observed.)
    const home = page.waitForResponse((r) => r.url().endsWith('/api/v1/home'), { timeout: 30_000 });
    await page.goto(stack.appUrl);
    expect((await home).status()).toBe(200);
    expect(await page.evaluate(() => typeof window.fetch)).toBe('function');
    // The home is up and answers the remote: OK on "Regarder le direct" plays.
    await page.waitForTimeout(2000);
    await press(page, 'Enter');
    await eventually(
      () => videoState(page),
      (v) => v.currentTime > 1 && v.totalVideoFrames > 0,
      60_000,
      'playback without native fetch',
    );
  } finally {
    await context.close();
  }
});
