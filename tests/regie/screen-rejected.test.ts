// « Écran géant », the rejected ones (issue #13) in Chromium on real servers through the edge:
// the « Refusées » view lists an event's rejected contributions with their photo, which the public
// URL no longer serves and the staff API serves with the token only (never kept by a cache); a
// message made of HTML stays text; « Approuver quand même » (asked first) puts one back on the
// venue feed, its public photo served again, and the audit log keeps it as an approval from
// `rejected`; the view is in the address (a reload comes back to it). The page also names the
// broadcast's lower third, and that address serves it.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublicContribution } from '../../edge-origin/src/origin/contributions/model.ts';
import type { OriginOptions } from '../../edge-origin/src/origin/options.ts';
import { eventually } from '../support/browser.ts';
import { sendContribution, testJpeg } from '../support/contributions.ts';
import { ADMIN, logIn, nextDialog, noPageErrors, publicGet, said, shot, useRegie } from './regie-page.ts';

const dir = mkdtempSync(join(tmpdir(), 'cite-tv-regie-rejected-'));
const origin: Partial<OriginOptions> = {
  contributions: { pageDir: `${join(dir, 'page')}/`, config: { mediaDir: join(dir, 'media') } },
};
beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-participer.mjs', '--out', join(dir, 'page')], { stdio: 'ignore' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rig = useRegie(origin);

const iso = (ms: number) => new Date(ms).toISOString();
const photo = testJpeg(640, 480);
const xss = '<img src=x onerror="window.__xss=1">Bravo !';

test('the « Refusées » view: their photos for staff only, approve one after all (audited)', async () => {
  const { page } = rig;
  let eventId = '';
  for (let i = 0; !eventId; i++) {
    const made = await rig.staff<{ id: string }>('POST', '/events', {
      channelId: 'sport',
      title: 'Handball : Cité contre Port',
      venue: 'Palais des sports',
      startsAt: iso(Date.now() + 1_800_000),
      endsAt: iso(Date.now() + 7_200_000),
    });
    if (made.status === 201) eventId = made.body.id;
    // The catalog's channels are seeded in the background at start.
    else if (i > 50) throw new Error(`event not created: ${JSON.stringify(made)}`);
    else await new Promise((r) => setTimeout(r, 200));
  }
  expect(
    (
      await rig.staff('PUT', `/contributions/events/${eventId}/settings`, {
        opensAt: iso(Date.now() - 60_000),
        closesAt: iso(Date.now() + 3_600_000),
      })
    ).status,
  ).toBe(200);
  const ids: Record<string, string> = {};
  for (const [name, message, device] of [
    ['Hugo', xss, 'phone-hugo-0002'],
    ['Inès', 'Coucou maman', 'phone-ines-0003'],
    ['Léa', 'Allez Cité !', 'phone-lea-0001'],
  ] as const) {
    const sent = await sendContribution(rig.stack.edgeUrl, eventId, {
      photo,
      firstName: name,
      message,
      deviceId: device,
    });
    expect(sent.status).toBe(201);
    ids[name] = sent.body.id as string;
  }
  for (const name of ['Hugo', 'Inès'])
    expect((await rig.staff('POST', `/contributions/${ids[name]}/reject`)).status).toBe(200);

  // Rejected: the public photo is gone; the staff one needs the token and is never stored.
  const edge = rig.stack.edgeUrl;
  expect((await fetch(`${edge}/contributions/photos/${ids.Inès}.jpg`)).status).toBe(404);
  const staffPhoto = `${edge}/api/v1/staff/contributions/${ids.Inès}/photo`;
  expect((await fetch(staffPhoto)).status).toBe(401);
  const withToken = await fetch(staffPhoto, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect([withToken.status, withToken.headers.get('content-type'), withToken.headers.get('cache-control')]).toEqual([
    200,
    'image/jpeg',
    'no-store',
  ]);
  expect((await withToken.arrayBuffer()).byteLength).toBeGreaterThan(1000);

  await logIn(rig, `ecran?event=${eventId}`);
  await eventually(
    () => page.getByTestId('queue-counts').innerText(),
    (t) => t === '1 en attente · 0 approuvée · 2 refusées',
    15_000,
    'counts',
  );
  // The queue's view does not list the rejected; the switch says how many there are.
  expect(await page.getByTestId('rejected-item').count()).toBe(0);
  expect(await page.getByTestId('view-rejected').innerText()).toBe('Refusées (2)');
  await page.getByTestId('view-rejected').click();
  expect(await page.evaluate(() => location.hash)).toBe(`#/ecran?event=${eventId}&vue=refusees`);
  expect(await page.getByTestId('view-rejected').getAttribute('aria-pressed')).toBe('true');
  const item = (name: string) => page.locator(`[data-testid="rejected-item"][data-row="${ids[name]}"]`);
  expect(await page.getByTestId('rejected-item').getByTestId('first-name').allInnerTexts()).toEqual(
    expect.arrayContaining(['Hugo', 'Inès']),
  );
  expect(await page.getByTestId('pending-item').count()).toBe(0);
  // Their photos, drawn (fetched with the token, shown from memory).
  for (const name of ['Hugo', 'Inès'])
    await eventually(
      () =>
        item(name)
          .getByTestId('photo')
          .evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).src.slice(0, 5)]),
      ([w, scheme]) => w === 640 && scheme === 'blob:',
      10_000,
      `${name}'s photo`,
    );
  expect(await item('Hugo').getByTestId('message-text').innerText()).toBe(xss);
  expect(await item('Hugo').getByTestId('message-text').locator('img').count()).toBe(0);
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  await shot(page, 'ecran-refusees');

  // A reload comes back to this view.
  await page.reload();
  await item('Inès').waitFor({ timeout: 15_000 });

  // « Approuver quand même »: asked first; « Annuler » changes nothing.
  let asked = nextDialog(page, false);
  await item('Inès').getByTestId('approve').click();
  expect(await asked).toBe('Approuver la photo de « Inès », refusée plus tôt ? Elle part sur l’écran de la salle.');
  await page.waitForTimeout(500);
  expect(
    (await publicGet<{ items: PublicContribution[] }>(rig, `/contributions/events/${eventId}/feed`)).body.items,
  ).toEqual([]);
  asked = nextDialog(page, true);
  await item('Inès').getByTestId('approve').click();
  await asked;
  await said(page, 'Approuvée : Inès (part sur l’écran)');
  const feed = await publicGet<{ items: PublicContribution[] }>(rig, `/contributions/events/${eventId}/feed`);
  expect(feed.body.items.map((c) => c.firstName)).toEqual(['Inès']);
  expect((await fetch(`${edge}/contributions/photos/${ids.Inès}.jpg`)).status).toBe(200);
  await eventually(
    () => page.getByTestId('rejected-item').getByTestId('first-name').allInnerTexts(),
    (names) => names.join() === 'Hugo',
    10_000,
    'Inès out of the rejected',
  );
  expect(await page.getByTestId('view-rejected').innerText()).toBe('Refusées (1)');

  // The audit log: an approval, from rejected, by the admin token.
  const audit = await rig.staff<{
    items: { action: string; target: { id: string }; detail?: { from?: string }; actor: { label: string } }[];
  }>('GET', '/audit?limit=20');
  const ines = audit.body.items.filter((e) => e.target.id === ids.Inès);
  expect(ines.map((e) => [e.action, e.detail?.from])).toEqual([
    ['contribution.approve', 'rejected'],
    ['contribution.reject', 'pending'],
  ]);

  // Back to the queue: Inès among the approved, Léa still waiting.
  await page.getByTestId('view-queue').click();
  expect(await page.evaluate(() => location.hash)).toBe(`#/ecran?event=${eventId}`);
  expect(await page.getByTestId('approved-item').getByTestId('first-name').allInnerTexts()).toEqual(['Inès']);
  expect(await page.getByTestId('pending-item').getByTestId('first-name').allInnerTexts()).toEqual(['Léa']);

  // The lower third's address for the vision mixer, served.
  const bandeau = `${edge}/ecran/${eventId}/bandeau?duree=8`;
  expect(await page.getByTestId('bandeau-url').innerText()).toBe(bandeau);
  const served = await fetch(bandeau);
  expect([served.status, served.headers.get('content-type')?.split(';')[0]]).toEqual([200, 'text/html']);
  expect(await served.text()).toContain('/ecran/bandeau.js');
  noPageErrors(rig);
}, 120_000);
