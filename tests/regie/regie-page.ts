// What the régie's e2e tests share: real servers (origin + edge, purged by the origin as npm start
// does), Chromium with a staff member's settings (Paris time, French, a desk screen), logging in by
// keyboard, reading the message lines, and the public API as the TV reads it (through the edge).
// `useRegie()` is a test file's set-up: started before its tests, closed after them.
import { expect } from '@jest/globals';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { OriginOptions } from '../../edge-origin/src/origin/options.ts';
import { eventually, launchTv, openPage, screenshot } from '../support/browser.ts';
import type { TvBrowser } from '../support/browser.ts';
import { ensureTestMedia } from '../support/media.ts';
import { startStack } from '../support/stack.ts';
import type { Stack } from '../support/stack.ts';
import { staffClient } from '../support/staff-api.ts';
import type { StaffCall } from '../support/staff-api.ts';
import { useStarted } from '../support/use-started.ts';

export const ADMIN = 'regie-admin-token-2026';

/** A staff member's browser: Paris time (datetime-local fields are read in it), French, a desk screen. */
export const STAFF_DESK: BrowserContextOptions = {
  timezoneId: 'Europe/Paris',
  locale: 'fr-FR',
  viewport: { width: 1400, height: 1000 },
};

export interface RegieRig {
  stack: Stack;
  tv: TvBrowser;
  context: BrowserContext;
  page: Page;
  staff: StaffCall;
  errors: string[];
  close(): Promise<void>;
}

export async function startRegie(origin: Partial<OriginOptions> = {}): Promise<RegieRig> {
  const stack = await startStack({
    origin: { mediaDir: await ensureTestMedia(), staffAdminToken: ADMIN, ...origin },
    purgeEdge: true,
  });
  const tv = await launchTv();
  const { context, page, errors } = await openPage(tv.browser, STAFF_DESK);
  return {
    stack,
    tv,
    context,
    page,
    staff: staffClient(() => stack.originUrl, ADMIN),
    errors,
    async close() {
      await tv.close();
      await stack.close();
    },
  };
}

/**
 * A test file's régie: servers and browser started before its tests (then `ready`), closed after
 * them. Returns the rig itself, usable inside tests: `const rig = useRegie();`.
 */
export function useRegie(
  origin: Partial<OriginOptions> = {},
  ready?: (rig: RegieRig) => void | Promise<void>,
): RegieRig {
  return useStarted(
    'useRegie',
    async () => {
      const rig = await startRegie(origin);
      await ready?.(rig);
      return rig;
    },
    (rig) => rig.close(),
  );
}

/** Opens a page of the régie and logs in with the keyboard (unless this tab is still logged in). */
export async function logIn(rig: RegieRig, route: string, token = ADMIN): Promise<void> {
  await rig.page.goto(`${rig.stack.edgeUrl}/regie/#/${route}`);
  await rig.page.locator('[data-testid="token"], [data-testid="page-title"]').first().waitFor();
  if (await rig.page.getByTestId('token').count()) {
    await rig.page.getByTestId('token').fill(token);
    await rig.page.getByTestId('token').press('Enter');
  }
  await rig.page.getByTestId('page-title').waitFor();
}

/** Waits for the status line (a success) to say `expected`; on failure, says what the alert said. */
export async function said(page: Page, expected: string | RegExp, timeout = 15_000): Promise<string> {
  try {
    return await eventually(
      () => page.getByTestId('message').innerText(),
      (t) => (typeof expected === 'string' ? t === expected : expected.test(t)),
      timeout,
      `message ${String(expected)}`,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; alert: « ${await page.getByTestId('alert').innerText()} »`);
  }
}

/** Waits for the alert line (an error, role=alert) to match. */
export const alerted = (page: Page, expected: RegExp, timeout = 15_000): Promise<string> =>
  eventually(
    () => page.getByRole('alert').innerText(),
    (t) => expected.test(t),
    timeout,
    `alert ${String(expected)}`,
  );

/** The `data-testid` of the focused element, or of its nearest ancestor that has one. */
export const focusedTestId = (page: Page): Promise<string | null> =>
  page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? null);

/** What the TV gets for a catalog path: through the edge, as a viewer. */
export async function publicGet<T>(rig: RegieRig, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${rig.stack.edgeUrl}/api/v1${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

/** Answers the next confirmation dialog (accept or dismiss) and returns its question. */
export function nextDialog(page: Page, accept: boolean): Promise<string> {
  return new Promise((resolve) => {
    page.once('dialog', (dialog) => {
      resolve(dialog.message());
      void (accept ? dialog.accept() : dialog.dismiss());
    });
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, `regie/${name}`);
}

export const noPageErrors = (rig: RegieRig): void =>
  expect(rig.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
