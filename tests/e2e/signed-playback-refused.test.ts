// The other side of renewing a signed URL (access-renewal.ts): when the catalog keeps handing
// out a token the edge refuses (here the edge holds another secret than the origin: every token is
// a bad signature), the TV asks once, gets the same token, and stops on its error screen saying
// access was refused: a bounded number of 403s and catalog reads, no loop.
import type { Request, Response } from 'playwright-core';
import { eventually, openApp, press, screenshot, textsIn, waitForFocus } from '../support/browser.ts';
import { useTvStack } from './use-tv-stack.ts';
import type { AccessConfig } from '../../shared/signing/access-config.ts';
import { fr } from '../../tv-app/src/i18n/fr.ts';

const access: AccessConfig = {
  keys: [{ id: 'k2026a', secret: 'the-city-tv-signing-secret' }],
  restrictedPrefixes: ['/hls/live/sport/'],
  ttlSeconds: 3600,
};
const refused: string[] = [];
const catalogReads: string[] = [];

const stack = useTvStack(
  {
    origin: { access },
    // Same key id, another secret: the edge refuses every token the origin mints.
    edge: {
      urlSigningKeys: [{ id: 'k2026a', secret: 'not-the-origin-secret-at-all' }],
      urlSigningPrefixes: access.restrictedPrefixes,
    },
  },
  (started) => {
    started.tv.page.on('response', (r: Response) => {
      if (r.status() === 403 && new URL(r.url()).pathname.startsWith('/hls/live/sport/')) refused.push(r.url());
    });
    started.tv.page.on('request', (r: Request) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/v1/events/')) catalogReads.push(path);
    });
  },
);

test('a token the edge keeps refusing ends on the error screen, after one renewal', async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  await press(page, 'Enter');
  // The player page: on a quick box its error screen (focus on « Réessayer ») may already be up.
  await waitForFocus(page, /^(player|button-player-retry)$/);
  await eventually(
    () => textsIn(page, 'player'),
    (texts) => texts.includes(fr['error.accessRefused']),
    60_000,
    'the error screen saying access was refused',
  );
  await waitForFocus(page, 'button-player-retry');
  const readsAtError = catalogReads.length;
  const refusedAtError = refused.length;
  // Nothing more is asked while the viewer looks at it.
  await page.waitForTimeout(10_000);
  await screenshot(page, 'signed-playback-refused');
  expect(refused.length).toBe(refusedAtError);
  // The manifest preload and hls.js's own request, then one after the renewal at most.
  expect(refused.length).toBeGreaterThanOrEqual(1);
  expect(refused.length).toBeLessThanOrEqual(3);
  expect(readsAtError).toBeGreaterThanOrEqual(1);
  expect(catalogReads.length - readsAtError).toBeLessThanOrEqual(1); // the live-end poll, not a loop
}, 120_000);
