// The régie (/staff/) fixes and reschedules what it programmed, in Chromium on a real origin:
// « Modifier » an event (title, venue, a poster uploaded and previewed), « Reporter » it (the
// browser in Paris time, as the staff are), « Modifier » a replay's chapters (typed out of order,
// published sorted; one after the end refused with the API's message) and its poster. What the
// page does is checked where a viewer would see it: the public API. Screenshots:
// tests/artifacts/console-*.png.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { LiveEvent, Replay } from '../../shared/catalog/types.ts';
import { loadSeedRecords } from '../../edge-origin/src/origin/catalog/memory-store.ts';
import { ORIGIN_DEFAULTS } from '../../edge-origin/src/origin/options.ts';
import { MemoryRecordStore } from '../../edge-origin/src/origin/store/memory-record-store.ts';
import { seedOnce } from '../../edge-origin/src/origin/store/seeding.ts';
import { launchTv, screenshot, type TvBrowser } from '../support/browser.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { staffClient } from '../support/staff-api.ts';

const ADMIN = 'console-editing-admin-0123456789';
/** A January (Paris is UTC+1 then, whatever the day the test runs), always in the future. */
const YEAR = new Date().getUTCFullYear() + 1;
/** A seeded replay (a council meeting), given a real meeting's length below. */
const REPLAY_ID = 'replay-conseil-novembre';
const COUNCIL_SECONDS = 2 * 3600 + 40 * 60;

let origin: TestOrigin;
let tv: TvBrowser;
let context: BrowserContext;
let page: Page;
let dir: string;
const errors: string[] = [];
const ids = { concert: '', cancelled: '', onAir: '' };

const staff = staffClient(() => origin.url, ADMIN);
/** What the TV gets (straight from the origin: nothing in between to cache it). */
async function publicGet<T>(path: string): Promise<T> {
  const response = await fetch(`${origin.url}/api/v1${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cite-tv-poster-'));
  // A JPEG: the page must declare the file's own type (the API refuses a type that is not the content's).
  execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720', '-frames:v', '1', '-y', join(dir, 'affiche.jpg')]);
  // The origin's store, seeded as at start. The demo media loops about a minute; the council
  // replay's record is given the 2 h 40 of a real meeting so chapters are typed in minutes and
  // hours (the chapter check reads the record's duration; nothing here plays the media).
  const store = new MemoryRecordStore();
  await seedOnce(store, () => ({ records: loadSeedRecords(ORIGIN_DEFAULTS.seedFile, Date.now()), atIso: new Date().toISOString() }));
  const council = (await store.get('replays', REPLAY_ID))!;
  await store.commit({ expect: [{ collection: 'replays', id: REPLAY_ID, value: council }], put: [{ collection: 'replays', id: REPLAY_ID, value: { ...council, duration: COUNCIL_SECONDS } }] });
  origin = await startOrigin({ store, staffAdminToken: ADMIN });

  const create = async (channelId: string, title: string, venue: string, startsAt: string, endsAt: string) => {
    const created = await staff<LiveEvent>('POST', '/events', { channelId, title, venue, description: 'Entrée libre.', startsAt, endsAt });
    expect(created.status).toBe(201);
    return created.body.id;
  };
  ids.concert = await create('culture', 'Concert de l’Harmonie', 'Kiosque du parc', `${YEAR}-01-10T18:00:00Z`, `${YEAR}-01-10T20:00:00Z`);
  ids.cancelled = await create('business', 'Petit-déjeuner des créateurs', 'CCI', `${YEAR}-01-11T07:00:00Z`, `${YEAR}-01-11T09:00:00Z`);
  expect((await staff('POST', `/events/${ids.cancelled}/cancel`, {})).status).toBe(200);
  const soon = Date.now() + 60_000;
  ids.onAir = await create('agglo', 'Conseil communautaire extraordinaire', 'Hôtel de l’Agglomération', new Date(soon).toISOString(), new Date(soon + 3600_000).toISOString());
  expect((await staff('POST', `/events/${ids.onAir}/start`, {})).status).toBe(200);

  tv = await launchTv();
  // The staff work in Paris: datetime-local fields are read in the browser's zone.
  context = await tv.browser.newContext({ timezoneId: 'Europe/Paris', locale: 'fr-FR', viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await context?.close();
  await tv?.close();
  await origin?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const eventRow = (id: string) => page.locator(`[data-testid="event-row"][data-event-id="${id}"]`);
const eventForm = (id: string) => page.locator(`[data-testid="event-form-row"][data-event-id="${id}"]`);
const replayRow = (id: string) => page.locator(`[data-testid="replay-row"][data-replay-id="${id}"]`);
const replayForm = (id: string) => page.locator(`[data-testid="replay-form-row"][data-replay-id="${id}"]`);

/** The message line says `text`, as a success (ok) or a refusal (error); answers the whole line. */
async function said(kind: 'ok' | 'error', text: RegExp): Promise<string> {
  await page.waitForFunction(
    ([cls, re]) => {
      const m = document.querySelector('[data-testid="message"]');
      return !!m && m.className === cls && new RegExp(re!).test(m.textContent ?? '');
    },
    [kind, text.source],
    { timeout: 15_000 },
  );
  return (await page.getByTestId('message').textContent()) ?? '';
}

async function shot(target: Locator, name: string): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await screenshot(page, name);
}

describe('the régie edits what it programmed', () => {
  test('« Modifier » wherever the API accepts an edit (not on a cancelled event), « Reporter » only on scheduled events', async () => {
    await page.goto(`${origin.url}/staff/`);
    await page.getByTestId('token').fill(ADMIN);
    await page.getByTestId('token').press('Enter');
    await said('ok', /Connecté/);

    const { body } = await staff<{ events: (LiveEvent & { storedStatus: string })[] }>('GET', '/events');
    const statuses = new Set(body.events.map((e) => e.storedStatus));
    expect([...statuses].sort()).toEqual(['cancelled', 'live', 'scheduled']);
    for (const e of body.events) {
      const row = eventRow(e.id);
      expect([e.storedStatus, await row.getByTestId('edit').count()]).toEqual([e.storedStatus, e.storedStatus === 'cancelled' ? 0 : 1]);
      expect([e.storedStatus, await row.getByTestId('reschedule').count()]).toEqual([e.storedStatus, e.storedStatus === 'scheduled' ? 1 : 0]);
    }
    // The API agrees: a cancelled event refuses an edit, a live one a new schedule.
    expect((await staff('PATCH', `/events/${ids.cancelled}`, { title: 'Autre' })).status).toBe(409);
    expect((await staff('POST', `/events/${ids.onAir}/reschedule`, { startsAt: `${YEAR}-02-01T10:00:00Z`, endsAt: `${YEAR}-02-01T11:00:00Z` })).status).toBe(409);
  });

  test('edit an event’s title and venue: the TV’s API shows them, the table too', async () => {
    await eventRow(ids.concert).getByTestId('edit').click();
    const form = eventForm(ids.concert);
    await expect(form.getByTestId('edit-title').inputValue()).resolves.toBe('Concert de l’Harmonie');
    await form.getByTestId('edit-title').fill('Concert de Noël de l’Harmonie');
    await form.getByTestId('edit-venue').fill('Église Saint-Martin');
    await shot(form, 'console-edit-event');
    await form.getByTestId('save').click();
    await said('ok', /^Événement modifié : Concert de Noël de l’Harmonie$/);

    const event = await publicGet<LiveEvent>(`/events/${ids.concert}`);
    expect(event).toMatchObject({ title: 'Concert de Noël de l’Harmonie', venue: 'Église Saint-Martin', description: 'Entrée libre.' });
    // The table was redrawn before the message: new title and venue, form closed.
    await expect(eventRow(ids.concert).getByTestId('event-title').innerText()).resolves.toBe('Concert de Noël de l’Harmonie\nÉglise Saint-Martin');
    expect(await eventForm(ids.concert).count()).toBe(0);
  });

  test('reschedule a scheduled event in Paris time; an end before the start is refused with the API’s message', async () => {
    await eventRow(ids.concert).getByTestId('reschedule').click();
    const form = eventForm(ids.concert);
    // Filled with the event's times as the staff read them: 18:00 UTC is 19:00 in Paris in January.
    await expect(form.getByTestId('new-starts').inputValue()).resolves.toBe(`${YEAR}-01-10T19:00`);
    await expect(form.getByTestId('new-ends').inputValue()).resolves.toBe(`${YEAR}-01-10T21:00`);

    await form.getByTestId('new-starts').fill(`${YEAR}-01-17T20:30`);
    await form.getByTestId('new-ends').fill(`${YEAR}-01-17T19:00`);
    await form.getByTestId('save').click();
    expect(await said('error', /fin/)).toBe('Champ « endsAt » invalide : la fin doit être après le début');
    expect((await publicGet<LiveEvent>(`/events/${ids.concert}`)).startsAt).toBe(`${YEAR}-01-10T18:00:00.000Z`);

    await form.getByTestId('new-ends').fill(`${YEAR}-01-17T22:45`);
    await shot(form, 'console-reschedule-event');
    await form.getByTestId('save').click();
    await said('ok', /^Reporté : Concert de Noël de l’Harmonie, du 17\/01\/\d{4} 20:30 au 17\/01\/\d{4} 22:45$/);

    const event = await publicGet<LiveEvent>(`/events/${ids.concert}`);
    expect({ startsAt: event.startsAt, endsAt: event.endsAt }).toEqual({ startsAt: `${YEAR}-01-17T19:30:00.000Z`, endsAt: `${YEAR}-01-17T21:45:00.000Z` });
    await expect(eventRow(ids.concert).getByTestId('event-times').textContent()).resolves.toBe(`17/01/${YEAR} 20:30 → 22:45`);
  });

  test('upload a poster: the preview is the uploaded card, the event’s poster changes and is served as an image', async () => {
    const before = (await publicGet<LiveEvent>(`/events/${ids.concert}`)).poster;
    await eventRow(ids.concert).getByTestId('edit').click();
    const form = eventForm(ids.concert);
    await expect(form.getByTestId('poster-preview').getAttribute('src')).resolves.toBe(before);

    // Not an image: the API's refusal, nothing kept.
    await form.getByTestId('poster-file').setInputFiles({ name: 'programme.txt', mimeType: 'text/plain', buffer: Buffer.from('Programme du concert\n') });
    expect(await said('error', /JPEG/)).toBe('Ce fichier n’est ni un JPEG, ni un PNG, ni un WebP');

    await form.getByTestId('poster-file').setInputFiles(join(dir, 'affiche.jpg'));
    await said('ok', /Affiche envoyée/);
    const preview = form.getByTestId('poster-preview');
    const uploaded = (await preview.getAttribute('src'))!;
    expect(uploaded).toMatch(/^\/images\/uploads\/[0-9a-f]{24}\/card\.jpg$/);
    // The preview really shows the card the origin made (400×225 for the TV).
    await page.waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0, await preview.elementHandle());
    expect(await preview.evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight])).toEqual([400, 225]);
    await shot(form, 'console-poster-preview');
    await form.getByTestId('save').click();
    await said('ok', /^Événement modifié/);

    const event = await publicGet<LiveEvent>(`/events/${ids.concert}`);
    expect(event.poster).not.toBe(before);
    expect(event.poster).toBe(uploaded);
    const image = await fetch(origin.url + event.poster);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\//);
    expect((await image.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  test('edit a replay’s chapters (typed out of order in m:ss and h:mm:ss, published sorted) and poster; a chapter after the end is refused', async () => {
    const replay = await publicGet<Replay>(`/replays/${REPLAY_ID}`);
    expect(replay.duration).toBe(COUNCIL_SECONDS);
    const row = replayRow(REPLAY_ID);
    await expect(row.getByTestId('replay-title').textContent()).resolves.toBe(replay.title);
    await row.getByTestId('edit').click();
    const form = replayForm(REPLAY_ID);
    // What it has now, one « m:ss Titre » line each (the seed's chapters are under a minute).
    const m = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    await expect(form.getByTestId('chapters').inputValue()).resolves.toBe(replay.chapters.map((c) => `${m(c.start)} ${c.title}`).join('\n'));

    await form.getByTestId('chapters').fill('1:45:30 Questions du public\n0:00 Ouverture de la séance\n58:40 Tarifs de la cantine\n\n12:05 Budget participatif');
    // A new poster in the same save.
    await form.getByTestId('poster-file').setInputFiles(join(dir, 'affiche.jpg'));
    await said('ok', /Affiche envoyée/);
    const poster = (await form.getByTestId('poster-preview').getAttribute('src'))!;
    expect(poster).toMatch(/^\/images\/uploads\/[0-9a-f]{24}\/card\.jpg$/);
    await form.getByTestId('save').click();
    await said('ok', /^Replay modifié/);
    expect((await publicGet<Replay>(`/replays/${REPLAY_ID}`)).poster).toBe(poster);
    const sorted = [
      { title: 'Ouverture de la séance', start: 0 },
      { title: 'Budget participatif', start: 12 * 60 + 5 },
      { title: 'Tarifs de la cantine', start: 58 * 60 + 40 },
      { title: 'Questions du public', start: 3600 + 45 * 60 + 30 },
    ];
    expect((await publicGet<Replay>(`/replays/${REPLAY_ID}`)).chapters).toEqual(sorted);
    await expect(row.getByTestId('replay-chapters').innerText()).resolves.toBe('0:00 Ouverture de la séance\n12:05 Budget participatif\n58:40 Tarifs de la cantine\n1:45:30 Questions du public');

    // A line that is not « m:ss Titre »: refused in the page, by its number.
    await row.getByTestId('edit').click();
    await expect(form.getByTestId('chapters').inputValue()).resolves.toBe('0:00 Ouverture de la séance\n12:05 Budget participatif\n58:40 Tarifs de la cantine\n1:45:30 Questions du public');
    await form.getByTestId('chapters').fill('0:00 Ouverture de la séance\nClôture');
    await form.getByTestId('save').click();
    await said('error', /^Chapitres, ligne 2 : « Clôture »/);

    // After the end (2:40:00; the API knows the duration): its message, the form stays open, nothing changed.
    await form.getByTestId('chapters').fill('0:00 Ouverture de la séance\n2:45:00 Clôture');
    await form.getByTestId('save').click();
    // (Waits for the API's words: the page's own refusal of the previous line also names « Clôture ».)
    expect(await said('error', /commence après la fin/)).toBe(`Le chapitre « Clôture » commence après la fin du replay (${COUNCIL_SECONDS} s)`);
    expect(await form.count()).toBe(1);
    await shot(form, 'console-replay-refused');
    expect((await publicGet<Replay>(`/replays/${REPLAY_ID}`)).chapters).toEqual(sorted);

    // The only failures Chromium saw are the refusals above (reschedule 400, poster 415, chapter 400).
    expect(errors.filter((e) => !/status of 4(00|15) /.test(e))).toEqual([]);
    expect(errors.length).toBe(3);
  });
});
