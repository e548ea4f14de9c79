// « Partenaires », « Campagnes », the replays' breaks and the reports, in Chromium on real servers
// (what the former ads console did, and more): a sponsor added with a logo, edited, given to an
// event, its deletion refused while used (the API's reason in the alert), then deleted; a campaign
// created with every field, edited, paused and resumed; a replay's mid-roll scheduled and cancelled
// (asked first); an event's report with its chart of viewers and a campaign's report. Each checked
// in the API the TVs or the staff read.
import { expect, test } from '@jest/globals';
import type { LiveEvent, Sponsor } from '../../shared/catalog/types.ts';
import type { AdBreak, Campaign } from '../../edge-origin/src/origin/ads/model.ts';
import { ACTIVE_WINDOW_MS } from '../../shared/audience/keys.ts';
import { MemoryAudience } from '../../edge-origin/src/origin/audience/index.ts';
import { eventually } from '../support/browser.ts';
import { useTestImages } from '../support/test-images.ts';
import { demoSponsorsSeeded } from '../support/staff-api.ts';
import {
  ADMIN,
  alerted,
  focusedTestId,
  logIn,
  nextDialog,
  noPageErrors,
  publicGet,
  said,
  shot,
  useRegie,
} from './regie-page.ts';

const audience = new MemoryAudience();
const images = useTestImages({ 'logo.png': '320x180' });
const rig = useRegie({ ads: { audience: { store: audience, sampleEveryMs: 0 } } }, (r) =>
  demoSponsorsSeeded(r.stack.originUrl, ADMIN),
);

const publicSponsors = async () => (await publicGet<{ sponsors: Sponsor[] }>(rig, '/sponsors')).body.sponsors;
const localIn = (hours: number) =>
  rig.page.evaluate((h) => {
    const d = new Date(Date.now() + h * 3600_000);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  }, hours);

test('Partenaires: add with a logo, edit, given to an event, delete refused while used, then deleted', async () => {
  const { page } = rig;
  const event = await rig.staff<LiveEvent>('POST', '/events', {
    channelId: 'culture',
    title: 'Festival des Lanternes',
    startsAt: new Date(Date.now() + 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 7200_000).toISOString(),
  });
  await logIn(rig, 'partenaires');
  const form = page.getByTestId('sponsor-form');
  await form.getByTestId('sponsor-name').fill('Fromagerie Lebrun');
  await form.getByTestId('sponsor-url').fill('https://fromagerie-lebrun.example');
  await form.getByLabel('C’Culture').check();
  await form.getByLabel('C’Agglo').check();
  await form.getByTestId('sponsor-logo').setInputFiles(images.path('logo.png'));
  await form.getByTestId('add-sponsor').click();
  await said(page, 'Partenaire ajouté : Fromagerie Lebrun');
  const added = (await publicSponsors()).find((s) => s.name === 'Fromagerie Lebrun')!;
  expect(added).toMatchObject({ url: 'https://fromagerie-lebrun.example', channelIds: ['culture', 'agglo'] });
  expect(added.logo).toMatch(/^\/images\/uploads\/[0-9a-f]{24}\/card\.jpg$/);
  const row = page.locator(`[data-testid="sponsor-row"][data-sponsor-id="${added.id}"]`);
  expect(await row.getByTestId('sponsor-row-channels').innerText()).toBe('C’Culture, C’Agglo');
  // The thumbnail really loaded (the uploaded logo, served by the origin).
  await eventually(
    () => row.getByTestId('sponsor-row-logo').evaluate((img) => (img as HTMLImageElement).naturalWidth),
    (w) => w > 0,
    10_000,
    'logo loaded',
  );

  // Edit its name; the channels are kept.
  await row.getByTestId('edit').click();
  await page.getByTestId('sponsor-edit-name').fill('Fromagerie Lebrun & Fille');
  await shot(page, 'partenaires-edit');
  await page.getByTestId('save').click();
  await said(page, 'Partenaire modifié : Fromagerie Lebrun & Fille');
  expect((await publicSponsors()).find((s) => s.id === added.id)).toMatchObject({
    name: 'Fromagerie Lebrun & Fille',
    channelIds: ['culture', 'agglo'],
  });

  // Given to the event in « Directs » (its « Modifier » form).
  await page.getByTestId('nav-directs').click();
  const eventRow = page.locator(`[data-testid="event-row"][data-event-id="${event.body.id}"]`);
  await eventRow.getByTestId('edit').click();
  await page.getByTestId('edit-sponsor').selectOption({ label: 'Fromagerie Lebrun & Fille' });
  await page.getByTestId('save').click();
  await said(page, 'Événement modifié : Festival des Lanternes');
  expect((await publicGet<LiveEvent>(rig, `/events/${event.body.id}`)).body.sponsorId).toBe(added.id);

  // Delete while the event uses it: asked, then the API's refusal in the alert; still listed.
  await page.getByTestId('nav-partenaires').click();
  let question = nextDialog(page, true);
  await row.getByTestId('delete').click();
  expect(await question).toBe('Supprimer le partenaire « Fromagerie Lebrun & Fille » ?');
  expect(await alerted(page, /encore utilisé/)).toBe(
    'Le partenaire « Fromagerie Lebrun & Fille » est encore utilisé par l’événement « Festival des Lanternes » : retirez-le-leur ou choisissez-leur un autre partenaire d’abord',
  );
  expect((await publicSponsors()).map((s) => s.id)).toContain(added.id);
  await shot(page, 'partenaires-refused');

  // Taken off the event (« — aucun — »), then deleted: gone from the page and the TVs' list.
  await page.getByTestId('nav-directs').click();
  await eventRow.getByTestId('edit').click();
  await page.getByTestId('edit-sponsor').selectOption('');
  await page.getByTestId('save').click();
  await said(page, 'Événement modifié : Festival des Lanternes');
  expect((await publicGet<LiveEvent>(rig, `/events/${event.body.id}`)).body.sponsorId).toBeUndefined();
  await page.getByTestId('nav-partenaires').click();
  question = nextDialog(page, true);
  await row.getByTestId('delete').click();
  await question;
  await said(page, 'Partenaire supprimé : Fromagerie Lebrun & Fille');
  expect(await row.count()).toBe(0);
  expect((await publicSponsors()).map((s) => s.id)).not.toContain(added.id);
}, 120_000);

test('Campagnes: create with every field, edit, pause and resume', async () => {
  const { page } = rig;
  await logIn(rig, 'campagnes');
  await page.getByTestId('new-campaign').locator('summary').click();
  const form = page.getByTestId('new-campaign').getByTestId('campaign-form');
  await form.getByTestId('campaign-edit-name').fill('Vélocité — printemps');
  await form.getByTestId('campaign-sponsor').selectOption({ label: 'Vélocité' });
  const spot = (await form.getByTestId('campaign-creative').locator('option').allInnerTexts()).find((o) =>
    o.includes('Vélocité'),
  )!;
  await form.getByTestId('campaign-creative').selectOption({ label: spot });
  await form.getByTestId('campaign-priority-input').fill('40');
  await form.getByLabel('C’Sport').check();
  await form.getByTestId('campaign-starts').fill(await localIn(-1));
  await form.getByTestId('campaign-ends').fill(await localIn(24 * 30));
  await form.getByTestId('campaign-cap').fill('2');
  await form.getByTestId('campaign-per-hours').fill('12');
  // The page refreshes itself every 10 s: the form being filled keeps what was typed and chosen.
  await new Promise((r) => setTimeout(r, 10_500));
  expect(await form.getByTestId('campaign-edit-name').inputValue()).toBe('Vélocité — printemps');
  expect(await form.getByTestId('campaign-sponsor').inputValue()).toBe('velocite');
  expect(await form.getByTestId('campaign-priority-input').inputValue()).toBe('40');
  expect(await form.getByLabel('C’Sport').isChecked()).toBe(true);
  await shot(page, 'campagnes-new');
  await form.getByTestId('create-campaign').click();
  await said(page, 'Campagne créée : Vélocité — printemps');
  const campaigns = async () => (await rig.staff<{ campaigns: Campaign[] }>('GET', '/ads/campaigns')).body.campaigns;
  const created = (await campaigns()).find((c) => c.name === 'Vélocité — printemps')!;
  expect(created).toMatchObject({
    sponsorId: 'velocite',
    priority: 40,
    channelIds: ['sport'],
    frequencyCap: { impressions: 2, perHours: 12 },
  });
  expect(Math.abs(Date.parse(created.endsAt) - (Date.now() + 30 * 24 * 3600_000))).toBeLessThan(120_000);
  // No event targeting chosen: stored absent (every event), not as an empty list.
  expect(created).not.toHaveProperty('eventIds');
  const row = page.locator(`[data-testid="campaign-row"][data-campaign-id="${created.id}"]`);
  expect(await row.getByTestId('campaign-state').innerText()).toBe('en cours');

  // Edit: every channel (none checked), priority 15.
  await row.getByTestId('edit').click();
  // The form opens with the focus in its first field (typing before it lands would go elsewhere).
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'campaign-edit-name',
    5000,
    'focus in the form',
  );
  const edit = page.getByTestId('campaign-form-row');
  await edit.getByLabel('C’Sport').uncheck();
  await edit.getByTestId('campaign-priority-input').fill('15');
  await edit.getByTestId('save').click();
  await said(page, 'Campagne modifiée : Vélocité — printemps');
  expect((await campaigns()).find((c) => c.id === created.id)).toMatchObject({ priority: 15 });
  expect((await campaigns()).find((c) => c.id === created.id)?.channelIds).toBeUndefined();
  expect(await row.getByTestId('campaign-targeting').innerText()).toBe('toutes les chaînes');

  // Pause, then resume: the state follows, the focus stays on the row's button.
  await row.getByTestId('pause').click();
  await said(page, 'Campagne en pause : Vélocité — printemps');
  expect(await row.getByTestId('campaign-state').innerText()).toBe('en pause');
  expect((await campaigns()).find((c) => c.id === created.id)?.paused).toBe(true);
  await shot(page, 'campagnes');
  await row.getByTestId('resume').click();
  await said(page, 'Campagne reprise : Vélocité — printemps');
  expect(await row.getByTestId('campaign-state').innerText()).toBe('en cours');
  expect((await campaigns()).find((c) => c.id === created.id)?.paused).toBeUndefined();
}, 90_000);

test('Publicité: a mid-roll before a replay chapter, listed, then cancelled (asked first)', async () => {
  const { page } = rig;
  await logIn(rig, 'publicite');
  await page.getByTestId('replay-break-replay').selectOption('replay-trophees');
  await page.getByTestId('replay-break-position').selectOption({ label: "avant « Prix de l'innovation » (0:12)" });
  await page.getByTestId('replay-break-duration').fill('15');
  await page.getByTestId('schedule-replay-break').click();
  await said(page, "Coupure programmée dans Trophées de l'économie 2026 à 0:12");
  const breaks = async () =>
    (await rig.staff<{ breaks: AdBreak[] }>('GET', '/ads/breaks')).body.breaks.filter(
      (b) => b.target.kind === 'replay' && b.target.replayId === 'replay-trophees',
    );
  const [scheduled] = await breaks();
  expect(scheduled).toMatchObject({ offset: 12, durationSeconds: 15 });
  const row = page.locator(`[data-testid="break-row"][data-break-id="${scheduled!.id}"]`);
  expect(await row.getByTestId('break-when').innerText()).toBe('à 0:12 du début');
  await shot(page, 'publicite-replay-break');

  let question = nextDialog(page, false);
  await row.getByTestId('cancel-break').click();
  expect(await question).toBe(
    "Annuler la coupure du replay « Trophées de l'économie 2026 » (à 0:12 du début) ? Aucun téléspectateur ne la verra.",
  );
  expect(await breaks()).toHaveLength(1);
  question = nextDialog(page, true);
  await row.getByTestId('cancel-break').click();
  await question;
  await said(page, "Coupure annulée : replay « Trophées de l'économie 2026 »");
  expect(await breaks()).toEqual([]);
  expect(await row.count()).toBe(0);
}, 60_000);

test('Audience: viewers now, an event report with its chart, a campaign report', async () => {
  const { page } = rig;
  // Ten minutes of handball audience, sampled every 30 s: 10 viewers, then 40, then 25.
  const now = Date.now();
  const start = now - 10 * 60_000;
  const viewersAt = (t: number) => (t < start + 3 * 60_000 ? 10 : t < start + 7 * 60_000 ? 40 : 25);
  let samples = 0;
  for (let t = start; t <= now; t += 10_000) {
    await audience.record(
      Array.from({ length: viewersAt(t) }, (_, i) => ({ channel: 'sport', viewer: `sid:v${i}`, seenMs: t })),
    );
    if ((t - start) % 30_000 === 0) {
      await audience.sample('sport', t);
      samples++;
    }
  }
  await logIn(rig, 'audience');
  // Viewers now: those seen in the last 30 s (the last sighting was at `now`); the page refreshes itself.
  const viewersNow = () => page.getByTestId('viewers-sport').getByTestId('viewers').innerText();
  expect(
    await eventually(viewersNow, (v) => v === '25' || Date.now() - now >= ACTIVE_WINDOW_MS, 10_000, 'viewers now'),
  ).toBe(Date.now() - now < ACTIVE_WINDOW_MS ? '25' : '0');
  await page.getByTestId('report-event').selectOption('sport-hbc-nantes');
  await page.getByTestId('show-report').click();
  await said(page, /^Rapport : /);
  expect(await page.getByTestId('report-peak').innerText()).toBe('40');
  const points = await page.getByTestId('chart').locator('polyline').getAttribute('points');
  expect(points!.trim().split(/\s+/)).toHaveLength(samples);
  // The figures are the API's.
  const report = (
    await rig.staff<{ audience: { average: number; minutesWatched: number } }>(
      'GET',
      '/audience/events/sport-hbc-nantes/report',
    )
  ).body;
  expect(report.audience.minutesWatched).toBeGreaterThan(0);
  expect(await page.getByTestId('report-average').innerText()).toBe(String(report.audience.average));
  expect(await page.getByTestId('report-minutes').innerText()).toBe(String(report.audience.minutesWatched));
  await page.getByTestId('report').scrollIntoViewIfNeeded();
  await shot(page, 'audience-chart');

  await page.getByTestId('report-campaign').selectOption('campaign-velocite');
  await page.getByTestId('show-campaign-report').click();
  await said(page, /^Rapport : Vélocité/);
  expect(await page.getByTestId('campaign-report-total').innerText()).toMatch(/^Total/);
  // The refused deletion (409) is the only failed request (noPageErrors leaves those out).
  noPageErrors(rig);
}, 60_000);
