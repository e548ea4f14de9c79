// The régie's « Antenne » previews play a channel under access control: the preview takes the
// channel's live URL from the TV API (signed there), so the edge lets it through like a TV.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Response } from 'playwright-core';
import { eventually, launchTv, type TvBrowser } from '../support/browser.ts';
import { MEDIA_TIMEOUT_MS, ensureTestMedia } from '../support/media.ts';
import { ADMIN, startTestIngest, type TestIngest } from '../support/ingest.ts';
import { startStack, type Stack } from '../support/stack.ts';
import type { AccessConfig } from '../../shared/signing/access-config.ts';

const access: AccessConfig = {
  keys: [{ id: 'k2026a', secret: 'the-city-tv-signing-secret' }],
  restrictedPrefixes: ['/hls/live/sport/'],
  ttlSeconds: 3600,
};
const answers: { url: string; status: number }[] = [];
let ingest: TestIngest;
let stack: Stack;
let browser: TvBrowser;

beforeAll(async () => {
  ingest = await startTestIngest();
  stack = await startStack({
    origin: { mediaDir: await ensureTestMedia(), ...ingest.originOptions, access },
    edge: { urlSigningKeys: access.keys, urlSigningPrefixes: access.restrictedPrefixes },
  });
  browser = await launchTv();
  browser.page.on('response', (r: Response) => {
    if (new URL(r.url()).pathname.startsWith('/hls/live/sport/')) answers.push({ url: r.url(), status: r.status() });
  });
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await ingest?.close();
});

test('the preview of a restricted channel plays, its requests signed, none refused', async () => {
  const { page } = browser;
  await page.goto(`${stack.edgeUrl}/regie/#/antenne`);
  await page.getByTestId('token').fill(ADMIN);
  await page.getByTestId('token').press('Enter');
  await eventually(
    () => page.getByTestId('preview-sport').evaluate((v) => (v as HTMLVideoElement).currentTime),
    (t) => t > 1,
    45_000,
    'the sport preview playing',
  );
  expect(answers.some((a) => new URL(a.url).pathname.endsWith('.ts'))).toBe(true);
  expect(answers.filter((a) => a.status !== 200 || !new URL(a.url).searchParams.has('sig'))).toEqual([]);
}, 90_000);
