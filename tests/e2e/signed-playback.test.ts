// The TV app plays a restricted live channel as it plays any other: the catalog gives it a signed
// master playlist URL, hls.js loads it unchanged in real Chromium, and every playlist, segment and
// part it asks the edge for carries the token the edge wrote onto the playlists' URIs. Nothing is
// refused.
import type { Response } from 'playwright-core';
import { eventually, openApp, press, videoState, waitForFocus } from '../support/browser.ts';
import { useTvStack } from './use-tv-stack.ts';
import type { AccessConfig } from '../../shared/signing/access-config.ts';

const access: AccessConfig = {
  keys: [{ id: 'k2026a', secret: 'the-city-tv-signing-secret' }],
  restrictedPrefixes: ['/hls/live/sport/'],
  ttlSeconds: 3600,
};
const answers: { url: string; status: number }[] = [];

const stack = useTvStack(
  { origin: { access }, edge: { urlSigningKeys: access.keys, urlSigningPrefixes: access.restrictedPrefixes } },
  (started) => {
    started.tv.page.on('response', (r: Response) => {
      if (new URL(r.url()).pathname.startsWith('/hls/live/sport/')) answers.push({ url: r.url(), status: r.status() });
    });
  },
);

test('the TV plays the restricted live channel from the catalog, every request with the token', async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 2 && v.totalVideoFrames > 0,
    45_000,
    'the restricted live playing',
  );
  const paths = answers.map((a) => new URL(a.url).pathname);
  expect(paths).toContain('/hls/live/sport/master.m3u8');
  expect(paths.some((p) => /\/index\.m3u8$/.test(p))).toBe(true);
  expect(paths.some((p) => /\.ts$/.test(p))).toBe(true);
  expect(answers.filter((a) => a.status !== 200 || !new URL(a.url).searchParams.has('sig'))).toEqual([]);
}, 90_000);
