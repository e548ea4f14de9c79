// The « Partenaires » section of the staff ads page (/staff/ads/) in Chromium, on a real origin:
// add a sponsor with a logo (uploaded, shown as a thumbnail), edit its name inline, give it to
// an event, try to delete it (refused: the API's message is shown and it stays listed), take it
// off the event and delete it (gone). What the page shows is checked against the API.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sponsor } from '../../shared/catalog/types.ts';
import { launchTv, screenshot, type TvBrowser } from '../support/browser.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { demoSponsorsSeeded } from '../support/staff-api.ts';

const ADMIN = 'sponsors-console-admin-0123456789';
let origin: TestOrigin;
let browser: TvBrowser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cite-tv-logo-'));
  execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180', '-frames:v', '1', '-y', join(dir, 'logo.png')]);
  origin = await startOrigin({ staffAdminToken: ADMIN });
  await demoSponsorsSeeded(origin.url, ADMIN);
  browser = await launchTv();
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await browser?.close();
  await origin?.close();
  rmSync(dir, { recursive: true, force: true });
});

const api = <T>(method: string, path: string, body?: unknown) =>
  fetch(`${origin.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) }).then(
    async (r) => (await r.json()) as T,
  );
const publicSponsors = async () => (await api<{ sponsors: Sponsor[] }>('GET', '/sponsors')).sponsors;

test('add, edit, refused delete (used by an event), delete once unused', async () => {
  const event = await api<{ id: string }>('POST', '/staff/events', {
    channelId: 'culture',
    title: 'Festival des Lanternes',
    startsAt: new Date(Date.now() + 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 7200_000).toISOString(),
  });
  const { page } = browser;
  page.on('dialog', (d) => void d.accept()); // « Supprimer … ? »
  const message = page.getByTestId('message');
  const saidOk = (text: RegExp) => page.waitForFunction((re) => { const m = document.querySelector('[data-testid="message"]'); return !!m && m.className === 'ok' && new RegExp(re).test(m.textContent ?? ''); }, text.source);

  await page.goto(`${origin.url}/staff/ads/`);
  await page.fill('[data-testid="token"]', ADMIN);
  await page.click('#login button');
  await page.getByTestId('sponsor-name-velocite').waitFor();

  // Add: name, URL, two channels, a logo file.
  await page.getByTestId('sponsor-name').fill('Fromagerie Lebrun');
  await page.getByTestId('sponsor-url').fill('https://fromagerie-lebrun.example');
  await page.getByTestId('sponsor-channels').getByLabel('C\'Culture').check();
  await page.getByTestId('sponsor-channels').getByLabel('C\'Agglo').check();
  await page.getByTestId('sponsor-logo').setInputFiles(join(dir, 'logo.png'));
  await page.getByTestId('sponsor-form').getByRole('button', { name: 'Ajouter' }).click();
  await saidOk(/Partenaire « Fromagerie Lebrun » ajouté/);
  const added = (await publicSponsors()).find((s) => s.name === 'Fromagerie Lebrun')!;
  expect(added).toMatchObject({ url: 'https://fromagerie-lebrun.example', channelIds: ['culture', 'agglo'] });
  expect(added.logo).toMatch(/^\/images\/uploads\/[0-9a-f]{24}\/card\.jpg$/);
  const id = added.id;
  await expect(page.getByTestId(`sponsor-name-${id}`).textContent()).resolves.toBe('Fromagerie Lebrun');
  // The thumbnail really loaded (the uploaded logo, served by the origin).
  await page.waitForFunction((sel) => { const img = document.querySelector(sel) as HTMLImageElement | null; return !!img && img.complete && img.naturalWidth > 0; }, `[data-testid="sponsor-logo-${id}"]`);

  // Inline edit of the name; the channels are kept.
  await page.getByTestId(`sponsor-edit-${id}`).click();
  await page.getByTestId(`sponsor-edit-name-${id}`).fill('Fromagerie Lebrun & Fille');
  await page.getByTestId('sponsors').scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-sponsors-edit');
  await page.getByTestId(`sponsor-save-${id}`).click();
  await saidOk(/Partenaire « Fromagerie Lebrun & Fille » modifié/);
  await expect(page.getByTestId(`sponsor-name-${id}`).textContent()).resolves.toBe('Fromagerie Lebrun & Fille');
  expect((await publicSponsors()).find((s) => s.id === id)).toMatchObject({ name: 'Fromagerie Lebrun & Fille', channelIds: ['culture', 'agglo'] });

  // Give it to the event from the events table (the select lists it under its new name).
  await page.selectOption(`[data-testid="sponsor-${event.id}"]`, { label: 'Fromagerie Lebrun & Fille' });
  await saidOk(/^Partenaire enregistré$/);

  // Delete while the event uses it: the API's refusal is shown; it is still there.
  await page.getByTestId(`sponsor-delete-${id}`).click();
  await page.waitForSelector('[data-testid="message"].error');
  expect(await message.textContent()).toBe('Le partenaire « Fromagerie Lebrun & Fille » est encore utilisé par l’événement « Festival des Lanternes » : retirez-le-leur ou choisissez-leur un autre partenaire d’abord');
  expect(await page.getByTestId(`sponsor-name-${id}`).count()).toBe(1);
  expect((await publicSponsors()).map((s) => s.id)).toContain(id);
  await page.getByTestId('sponsors').scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-sponsors-refused');

  // Take it off the event (—), then delete: gone from the page and from the TV's list.
  await page.selectOption(`[data-testid="sponsor-${event.id}"]`, '');
  await saidOk(/^Partenaire retiré$/);
  await page.getByTestId(`sponsor-delete-${id}`).click();
  await saidOk(/Partenaire « Fromagerie Lebrun & Fille » supprimé/);
  // (The page refreshes its tables before saying it is done.)
  expect(await page.getByTestId(`sponsor-name-${id}`).count()).toBe(0);
  expect((await publicSponsors()).map((s) => s.id)).not.toContain(id);
  // The demo sponsors are still listed.
  expect(await page.getByTestId('sponsor-name-velocite').count()).toBe(1);
  // The refused DELETE is the only failed request Chromium reports.
  expect(browser.errors).toEqual(['Failed to load resource: the server responded with a status of 409 (Conflict)']);
}, 120_000);
