// The broadcast's lower third (`/ecran/<event>/bandeau`) in real Chromium at 1920×1080, as a
// vision mixer's browser source loads it, against a real origin: the page is transparent (its
// background and a screenshot's corner pixel), contributions approved through the staff API come
// up in the bottom third with their photo, first name and message within 5 s (a message made of
// HTML stays text), pass one after the other, and each hides after the `duree` asked; one taken
// off the screens leaves the programme at once; the channel's colour dresses the bar.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR, eventually, launchTv, openPage, type TvBrowser } from '../support/browser.ts';
import { sendContribution, testJpeg } from '../support/contributions.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { staffClient } from '../support/staff-api.ts';

const ADMIN = 'lower-third-admin-token-0123456789';
const iso = (ms: number) => new Date(ms).toISOString();
const photo = testJpeg(640, 480);

let dir: string;
let origin: TestOrigin;
let chromium: TvBrowser;
let eventId = '';
const staff = staffClient(() => origin.url, ADMIN);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cite-tv-bandeau-'));
  execFileSync(process.execPath, ['scripts/build-participer.mjs', '--out', join(dir, 'page')], { stdio: 'ignore' });
  origin = await startOrigin({
    staffAdminToken: ADMIN,
    contributions: { pageDir: `${join(dir, 'page')}/`, config: { mediaDir: join(dir, 'media') } },
  });
  chromium = await launchTv();
  for (let i = 0; !eventId; i++) {
    const made = await staff<{ id: string }>('POST', '/events', {
      channelId: 'sport',
      title: 'Handball : Cité contre Port',
      venue: 'Palais des sports',
      startsAt: iso(Date.now() + 600_000),
      endsAt: iso(Date.now() + 7_200_000),
    });
    if (made.status === 201) eventId = made.body.id;
    // The catalog's channels are seeded in the background at start.
    else if (i > 50) throw new Error(`event not created: ${JSON.stringify(made)}`);
    else await new Promise((r) => setTimeout(r, 200));
  }
  const window = await staff('PUT', `/contributions/events/${eventId}/settings`, {
    opensAt: iso(Date.now() - 60_000),
    closesAt: iso(Date.now() + 3_600_000),
  });
  expect(window.status).toBe(200);
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await chromium?.close();
  await origin?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function pending(firstName: string, message: string, deviceId: string): Promise<string> {
  const sent = await sendContribution(origin.url, eventId, { photo, firstName, message, deviceId });
  expect([sent.status, sent.body.state]).toEqual([201, 'pending']);
  return sent.body.id as string;
}

const approve = async (id: string) => expect((await staff('POST', `/contributions/${id}/approve`)).status).toBe(200);

/** What the mixer would key in: the bar's state, its words, the photo drawn. */
const onAir = (page: Page) =>
  page.evaluate(() => {
    const bar = document.querySelector<HTMLElement>('[data-testid="bandeau"]');
    const img = document.querySelector<HTMLImageElement>('[data-testid="bandeau-photo"]');
    const visible = !!bar && !bar.hidden && getComputedStyle(bar).opacity === '1';
    return {
      visible,
      item: bar?.dataset.item ?? '',
      name: document.querySelector('[data-testid="bandeau-name"]')?.textContent ?? '',
      message: document.querySelector('[data-testid="bandeau-message"]')?.textContent ?? '',
      photoWidth: img?.naturalWidth ?? 0,
      elementsInWords: document.querySelectorAll('#words *:not(#name):not(#message)').length,
      rect: bar?.getBoundingClientRect().toJSON() as DOMRect | undefined,
    };
  });

/** The alpha of a screenshot's pixel, taken as a browser source keys it (no background). */
async function alphaAt(page: Page, x: number, y: number, name?: string): Promise<number> {
  const png = await page.screenshot({ omitBackground: true, ...(name ? { path: join(ARTIFACTS_DIR, name) } : {}) });
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return data[(y * info.width + x) * info.channels + 3] as number;
}

describe('the lower third for the broadcast', () => {
  test('transparent; an approval comes up within 5 s, stays the time asked, then hides; text stays text', async () => {
    const { page, errors } = await openPage(chromium.browser, { viewport: { width: 1920, height: 1080 } });
    await page.goto(`${origin.url}/ecran/${eventId}/bandeau?duree=6`);
    await page.waitForFunction(() => document.documentElement.dataset.listening === 'true', null, { timeout: 10_000 });
    // Nothing drawn while nothing is approved: the whole frame is transparent.
    expect(
      await page.evaluate(() => [
        getComputedStyle(document.documentElement).backgroundColor,
        getComputedStyle(document.body).backgroundColor,
      ]),
    ).toEqual(['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)']);
    expect(await alphaAt(page, 0, 0)).toBe(0);
    expect(await alphaAt(page, 960, 900)).toBe(0);
    expect((await onAir(page)).visible).toBe(false);

    const xss = '<img src=x onerror="window.__xss=1">Allez Cité !';
    const lea = await pending('Léa', xss, 'device-bandeau-0001');
    // Pending is not on air.
    await page.waitForTimeout(1000);
    expect((await onAir(page)).visible).toBe(false);

    const approvedAt = Date.now();
    await approve(lea);
    await page.waitForFunction(
      (id) => {
        const bar = document.querySelector<HTMLElement>('[data-testid="bandeau"]');
        return !!bar && !bar.hidden && bar.dataset.item === id && getComputedStyle(bar).opacity === '1';
      },
      lea,
      { timeout: 5000, polling: 'raf' },
    );
    const upAfter = (Date.now() - approvedAt) / 1000;
    process.stderr.write(`approved → lower third on air: ${upAfter.toFixed(2)} s\n`);
    expect(upAfter).toBeLessThanOrEqual(5);
    const shown = await eventually(
      () => onAir(page),
      (s) => s.photoWidth > 0,
      5000,
      'photo drawn',
    );
    expect([shown.name, shown.message]).toEqual(['Léa', xss]);
    expect(shown.elementsInWords).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    // In the bottom third, inside the title-safe area (5 % margins).
    const rect = shown.rect as DOMRect;
    expect(rect.top).toBeGreaterThanOrEqual(720);
    expect(rect.bottom).toBeLessThanOrEqual(1080 - 54);
    expect(rect.left).toBeGreaterThanOrEqual(96);
    expect(rect.right).toBeLessThanOrEqual(1920 - 96);
    // The bar is drawn (its backing 92 % opaque), the rest of the frame still transparent.
    expect(
      await alphaAt(
        page,
        Math.round(rect.left + rect.width / 2),
        Math.round(rect.top + rect.height / 2),
        'contributions-bandeau.png',
      ),
    ).toBeGreaterThan(200);
    expect(await alphaAt(page, 0, 0)).toBe(0);
    expect(await alphaAt(page, 1919, 1079)).toBe(0);
    // The channel's colour (sport's) on its accent strip.
    const channel = (await (await fetch(`${origin.url}/api/v1/contributions/events/${eventId}`)).json()) as {
      channel: { color: string };
    };
    const accent = await page.evaluate(
      () => getComputedStyle(document.getElementById('accent') as HTMLElement).backgroundColor,
    );
    const hex = channel.channel.color.replace('#', '');
    const rgb = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
    expect(accent).toBe(`rgb(${rgb.join(', ')})`);

    // Hidden once the 6 s asked are over, not before.
    await page.waitForFunction(() => (document.querySelector('[data-testid="bandeau"]') as HTMLElement).hidden, null, {
      timeout: 8000,
      polling: 'raf',
    });
    const offAfter = (Date.now() - approvedAt) / 1000;
    process.stderr.write(`approved → lower third off: ${offAfter.toFixed(2)} s (asked: 6 s)\n`);
    expect(offAfter).toBeGreaterThanOrEqual(6);
    expect(offAfter).toBeLessThanOrEqual(9);
    expect(await alphaAt(page, 960, 900)).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('two approvals pass one after the other; one taken off the screens leaves the programme at once', async () => {
    const { page, errors } = await openPage(chromium.browser, { viewport: { width: 1920, height: 1080 } });
    await page.goto(`${origin.url}/ecran/${eventId}/bandeau?duree=3`);
    await page.waitForFunction(() => document.documentElement.dataset.listening === 'true', null, { timeout: 10_000 });
    // Léa, approved before the page opened, is not aired again.
    await page.waitForTimeout(1000);
    expect((await onAir(page)).visible).toBe(false);

    const hugo = await pending('Hugo', 'Premier match !', 'device-bandeau-0002');
    const ines = await pending('Inès', 'Coucou maman', 'device-bandeau-0003');
    await approve(hugo);
    await approve(ines);
    await eventually(
      () => onAir(page),
      (s) => s.visible && s.name === 'Hugo',
      5000,
      'Hugo on air',
    );
    await eventually(
      () => onAir(page),
      (s) => s.visible && s.name === 'Inès',
      8000,
      'Inès after Hugo',
    );
    await eventually(
      () => onAir(page),
      (s) => !s.visible,
      6000,
      'off after Inès',
    );

    const zoe = await pending('Zoé', 'Tribune B', 'device-bandeau-0004');
    await page.goto(`${origin.url}/ecran/${eventId}/bandeau?duree=30`);
    await page.waitForFunction(() => document.documentElement.dataset.listening === 'true', null, { timeout: 10_000 });
    await approve(zoe);
    await eventually(
      () => onAir(page),
      (s) => s.visible && s.name === 'Zoé',
      5000,
      'Zoé on air',
    );
    const removedAt = Date.now();
    expect((await staff('POST', `/contributions/${zoe}/reject`)).status).toBe(200);
    await eventually(
      () => onAir(page),
      (s) => !s.visible,
      5000,
      'Zoé off after the reject',
    );
    expect(Date.now() - removedAt).toBeLessThan(5000);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
