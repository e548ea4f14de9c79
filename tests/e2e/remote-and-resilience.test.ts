// Remote keys beyond the arrows (digits zap to channels, Back on Home asks to quit,
// long-press does not queue moves), deep links, and what the family sees when the
// network fails: an error screen with "Réessayer", a banner on drop and on recovery.
import {
  eventually,
  focused,
  isVisible,
  openApp,
  press,
  screenshot,
  textsIn,
  videoState,
  waitForFocus,
} from '../support/browser.ts';
import { useTvStack } from './use-tv-stack.ts';

const stack = useTvStack();

test("digits and CH+/CH− zap between the channels' live; Back returns to the home where we were", async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  await press(page, 'Digit2');
  await waitForFocus(page, 'player');
  await eventually(
    () => textsIn(page, 'player'),
    (t) => t.includes("Concert de l'Orchestre d'harmonie"),
    10_000,
    "Concert de l'Orchestre d'harmonie",
  );
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 0.5 && v.totalVideoFrames > 0,
    45_000,
    'culture live playing',
  );
  // Zapping again replaces the player instead of stacking one per channel.
  await press(page, 'Digit4');
  await eventually(
    () => textsIn(page, 'player'),
    (t) => t.includes('Conseil municipal de décembre'),
    15_000,
    'agglo on air',
  );
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 0.5 && !v.paused,
    45_000,
    'agglo live playing',
  );
  // Channel down (Page Down on a keyboard) from C'Agglo: C'Business; up twice: back past C'Agglo to C'Sport.
  await press(page, 'PageDown');
  await eventually(
    () => textsIn(page, 'player-title'),
    (t) => t[0] === "Salon des entreprises de l'agglomération",
    15_000,
    'business after CH−',
  );
  await press(page, 'PageUp');
  await press(page, 'PageUp');
  await eventually(
    () => textsIn(page, 'player-title'),
    (t) => t[0] === 'Handball : HBC Cité – Nantes',
    15_000,
    'sport after CH+ ×2',
  );
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 0.5 && !v.paused,
    45_000,
    'sport live playing',
  );
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-watch-live');
});

test('Back on Home asks to quit; Annuler (the default) keeps the app', async () => {
  const { page } = stack.tv;
  await press(page, 'Escape');
  const dialog = await waitForFocus(page, 'button-cancel');
  expect(dialog.path).toEqual(['dialog', 'row-dialog', 'button-cancel']);
  await eventually(
    () => textsIn(page, 'dialog'),
    (t) => t.includes('Quitter Cité TV ?'),
    10_000,
    'Quitter Cité TV ?',
  );
  await screenshot(page, 'quit-dialog');
  await press(page, 'ArrowRight');
  await waitForFocus(page, 'button-quit');
  await press(page, 'ArrowLeft');
  await press(page, 'Enter');
  await waitForFocus(page, 'button-watch-live');
  // Back inside the dialog closes it too.
  await press(page, 'Escape');
  await waitForFocus(page, 'button-cancel');
  await press(page, 'Escape');
  await waitForFocus(page, 'button-watch-live');
});

test('a long press moves a few tiles, not one per key repeat, and stops when released', async () => {
  const { page } = stack.tv;
  await press(page, 'ArrowDown', 4); // channels, En direct, À venir, Replays
  const start = await waitForFocus(page, /^tile-replay-/);
  const order = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid="rail-replays"] [data-testid^="tile-"]')).map((e) =>
      e.getAttribute('data-testid'),
    ),
  );
  // 20 auto-repeat keydowns as fast as the browser takes them, then the key is released.
  for (let i = 0; i < 20; i++) await page.keyboard.down('ArrowRight');
  await page.keyboard.up('ArrowRight');
  const afterRelease = await focused(page);
  await page.waitForTimeout(1000);
  const settled = await focused(page);
  expect(settled.testId).toBe(afterRelease.testId); // nothing queued runs on after release
  const moved = order.indexOf(settled.testId) - order.indexOf(start.testId);
  expect(moved).toBeGreaterThanOrEqual(1);
  expect(moved).toBeLessThan(20);
});

test('deep link ?event=<id> opens the event details over the home; Back goes home', async () => {
  const { page } = stack.tv;
  await page.goto(`${stack.appUrl}?event=culture-vernissage`);
  await eventually(
    () => focused(page),
    (f) => f.path[0] === 'page-event-culture-vernissage',
    30_000,
    'event page from deep link',
  );
  // The page is focused as soon as it opens; its content follows the catalog answer.
  await eventually(
    () => textsIn(page, 'page-event-culture-vernissage'),
    (t) => t.includes('Vernissage : « Lumières du fleuve »'),
    15_000,
    'event title',
  );
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-watch-live');
});

test('a slow catalog shows the loading placeholder, then the home', async () => {
  const { page } = stack.tv;
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/v1/home', async (route) => {
    await held;
    await route.continue();
  });
  try {
    await page.goto(stack.appUrl);
    await eventually(
      () => isVisible(page, 'status-loading'),
      (v) => v,
      30_000,
      'loading placeholder',
    );
    await page.waitForTimeout(300);
    await screenshot(page, 'loading');
    release();
    await waitForFocus(page, 'button-watch-live', 30_000);
    // The placeholder stays while the home's first screen loads its images (800 ms at most), then goes.
    await eventually(
      () => isVisible(page, 'status-loading'),
      (v) => !v,
      5_000,
      'placeholder gone',
    );
  } finally {
    release();
    await page.unroute('**/api/v1/home');
  }
});

test('API unreachable at start: error screen with Réessayer; it works once the network is back', async () => {
  const { page } = stack.tv;
  // The browser's requests to the catalog fail at the network level (as with the box's link down).
  await page.route('**/api/v1/**', (route) => route.abort('internetdisconnected'));
  try {
    await page.goto(stack.appUrl);
    const retry = await waitForFocus(page, 'button-retry', 30_000);
    expect(retry.path).toEqual(['page-home', 'status-error', 'button-retry']);
    await eventually(
      () => textsIn(page, 'status-error'),
      (t) => t.includes('Service indisponible'),
      10_000,
      'Service indisponible',
    );
    await screenshot(page, 'error-screen');
    await press(page, 'Enter');
    await waitForFocus(page, 'button-retry');
  } finally {
    await page.unroute('**/api/v1/**');
  }
  await press(page, 'Enter');
  await waitForFocus(page, 'button-watch-live', 30_000);
});

test('network drop shows a banner; recovery says so', async () => {
  const { page } = stack.tv;
  await page.context().setOffline(true);
  await eventually(
    () => textsIn(page, 'banner-error'),
    (t) => t.includes('Connexion perdue, nouvelle tentative…'),
    15_000,
    'lost banner',
  );
  await screenshot(page, 'network-lost');
  await page.context().setOffline(false);
  await eventually(
    () => textsIn(page, 'banner-ok'),
    (t) => t.includes('Connexion rétablie'),
    20_000,
    'back banner',
  );
  // The banner never takes focus.
  expect((await focused(page)).testId).toBe('button-watch-live');
});
