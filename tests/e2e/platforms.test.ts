// Platform families, emulated in Chromium by the globals their TVs provide: Tizen (keys
// registered with tizen.tvinputdevice, Back 10009, colour keys, exit through the Tizen API)
// and webOS (Back 461, deep link from launchParams, exit with platformBack).
import type { Page } from 'playwright-core';
import { VIEWPORT, eventually, focused, textsIn, waitForFocus } from '../support/browser.ts';
import { useTvStack } from './use-tv-stack.ts';

const stack = useTvStack();

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
  await page.waitForTimeout(200);
}

async function newPage(init: () => void): Promise<Page> {
  const context = await stack.tv.browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript(init);
  return context.newPage();
}

test('Tizen: media and colour keys registered; red opens the programme, Back (10009) returns, quitting exits via Tizen', async () => {
  const page = await newPage(() => {
    const w = window as unknown as Record<string, unknown>;
    const registered: string[] = [];
    w.__registered = registered;
    w.__exited = false;
    w.tizen = {
      tvinputdevice: { registerKey: (name: string) => registered.push(name) },
      application: {
        getCurrentApplication: () => ({ exit: () => (w.__exited = true), getRequestedAppControl: () => null }),
      },
    };
  });
  try {
    await page.goto(stack.appUrl);
    await waitForFocus(page, 'button-watch-live', 30_000);
    const registered = await page.evaluate(() => (window as unknown as { __registered: string[] }).__registered);
    expect(registered).toEqual(
      expect.arrayContaining([
        'MediaPlayPause',
        'MediaStop',
        'MediaFastForward',
        'MediaRewind',
        'ColorF0Red',
        'ColorF3Blue',
        '1',
        '4',
      ]),
    );

    await remoteKey(page, 403); // red
    await waitForFocus(page, 'day-0');
    await remoteKey(page, 10009); // Tizen Back
    await waitForFocus(page, 'button-watch-live');
    await remoteKey(page, 10009);
    await waitForFocus(page, 'button-cancel');
    await remoteKey(page, 39); // right
    await remoteKey(page, 13); // OK on "Quitter"
    await eventually(
      () => page.evaluate(() => (window as unknown as { __exited: boolean }).__exited),
      (x) => x,
      10_000,
      'tizen exit',
    );
  } finally {
    await page.context().close();
  }
});

test('webOS: a deep link in launchParams opens the event; Back (461) goes up to the home', async () => {
  const page = await newPage(() => {
    const w = window as unknown as Record<string, unknown>;
    w.webOS = { platformBack: () => (w.__back = true) };
    w.PalmSystem = { launchParams: JSON.stringify({ event: 'culture-slam' }) };
  });
  try {
    await page.goto(stack.appUrl);
    await eventually(
      () => focused(page),
      (f) => f.path[0] === 'page-event-culture-slam',
      30_000,
      'event from launchParams',
    );
    await eventually(
      () => textsIn(page, 'page-event-culture-slam'),
      (t) => t.includes('Scène ouverte slam & poésie'),
      15_000,
      'event title',
    );
    await remoteKey(page, 461);
    await waitForFocus(page, 'button-watch-live');
    // Digit keys zap on every family: 3 is C'Business.
    await remoteKey(page, 51);
    await waitForFocus(page, 'player');
    await eventually(
      () => textsIn(page, 'player'),
      (t) => t.includes("Salon des entreprises de l'agglomération"),
      15_000,
      'business on air',
    );
    await remoteKey(page, 461);
    await waitForFocus(page, 'button-watch-live');
  } finally {
    await page.context().close();
  }
});
