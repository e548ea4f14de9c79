// The régie fixes what it programmed, in Chromium on real servers (what the former console's
// editing test drove): « Modifier » and « Reporter » only where the API accepts them, a reschedule
// typed in Paris time (an end before the start refused with the API's reason), a poster that is not
// an image refused and one that is previewed as the TV's card, and a long replay's chapters typed
// in h:mm:ss out of order (published sorted; one after the end refused). Checked in the public API.
import { expect, test } from '@jest/globals';
import type { LiveEvent, Replay } from '../../shared/catalog/types.ts';
import { loadSeedRecords } from '../../edge-origin/src/origin/catalog/memory-store.ts';
import { ORIGIN_DEFAULTS } from '../../edge-origin/src/origin/options.ts';
import { MemoryRecordStore } from '../../edge-origin/src/origin/store/memory-record-store.ts';
import { seedOnce } from '../../edge-origin/src/origin/store/seeding.ts';
import { eventually } from '../support/browser.ts';
import { useTestImages } from '../support/test-images.ts';
import { alerted, focusedTestId, logIn, noPageErrors, publicGet, said, shot, useRegie } from './regie-page.ts';
import type { RegieRig } from './regie-page.ts';

/** A January (Paris is UTC+1 then, whatever the day the test runs), always in the future. */
const YEAR = new Date().getUTCFullYear() + 1;
/** A seeded replay (a council meeting), given a real meeting's length: chapters typed in hours. */
const REPLAY_ID = 'replay-conseil-novembre';
const COUNCIL_SECONDS = 2 * 3600 + 40 * 60;
const ids = { concert: '', cancelled: '', onAir: '' };

const images = useTestImages({ 'affiche.jpg': '1280x720' });

const store = new MemoryRecordStore();
async function prepare(rig: RegieRig): Promise<void> {
  await seedOnce(store, () => ({
    records: loadSeedRecords(ORIGIN_DEFAULTS.seedFile, Date.now()),
    atIso: new Date().toISOString(),
  }));
  const council = (await store.get('replays', REPLAY_ID))!;
  await store.commit({
    expect: [{ collection: 'replays', id: REPLAY_ID, value: council }],
    put: [{ collection: 'replays', id: REPLAY_ID, value: { ...council, duration: COUNCIL_SECONDS } }],
  });
  const create = async (channelId: string, title: string, startsAt: string, endsAt: string) =>
    (
      await rig.staff<LiveEvent>('POST', '/events', {
        channelId,
        title,
        venue: 'Salle',
        description: 'Entrée libre.',
        startsAt,
        endsAt,
      })
    ).body.id;
  ids.concert = await create('culture', 'Concert de l’Harmonie', `${YEAR}-01-10T18:00:00Z`, `${YEAR}-01-10T20:00:00Z`);
  ids.cancelled = await create(
    'business',
    'Petit-déjeuner des créateurs',
    `${YEAR}-01-11T07:00:00Z`,
    `${YEAR}-01-11T09:00:00Z`,
  );
  await rig.staff('POST', `/events/${ids.cancelled}/cancel`, {});
  const soon = Date.now() + 60_000;
  ids.onAir = await create(
    'agglo',
    'Conseil communautaire extraordinaire',
    new Date(soon).toISOString(),
    new Date(soon + 3600_000).toISOString(),
  );
  await rig.staff('POST', `/events/${ids.onAir}/start`, {});
}
const rig = useRegie({ store }, prepare);

const eventRow = (id: string) => rig.page.locator(`[data-testid="event-row"][data-event-id="${id}"]`);

test('« Modifier » wherever the API accepts an edit, « Reporter » only on scheduled events; a reschedule in Paris time', async () => {
  const { page } = rig;
  await logIn(rig, 'directs');
  await eventRow(ids.concert).waitFor();
  const buttons = async (id: string) => [
    await eventRow(id).getByTestId('edit').count(),
    await eventRow(id).getByTestId('reschedule').count(),
  ];
  expect(await buttons(ids.concert)).toEqual([1, 1]);
  expect(await buttons(ids.onAir)).toEqual([1, 0]);
  expect(await buttons(ids.cancelled)).toEqual([0, 0]);
  // The API agrees: a cancelled event refuses an edit, a live one a new schedule.
  expect((await rig.staff('PATCH', `/events/${ids.cancelled}`, { title: 'Autre' })).status).toBe(409);
  expect(
    (
      await rig.staff('POST', `/events/${ids.onAir}/reschedule`, {
        startsAt: `${YEAR}-02-01T10:00:00Z`,
        endsAt: `${YEAR}-02-01T11:00:00Z`,
      })
    ).status,
  ).toBe(409);

  // Filled with the event's times as the staff read them: 18:00 UTC is 19:00 in Paris in January.
  await eventRow(ids.concert).getByTestId('reschedule').click();
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'reschedule-starts',
    5000,
    'focus in the form',
  );
  expect(await page.getByTestId('reschedule-starts').inputValue()).toBe(`${YEAR}-01-10T19:00`);
  expect(await page.getByTestId('reschedule-ends').inputValue()).toBe(`${YEAR}-01-10T21:00`);
  await page.getByTestId('reschedule-starts').fill(`${YEAR}-01-17T20:30`);
  await page.getByTestId('reschedule-ends').fill(`${YEAR}-01-17T19:00`);
  await page.getByTestId('save').click();
  expect(await alerted(page, /fin/)).toBe('Champ « endsAt » invalide : la fin doit être après le début');
  expect((await publicGet<LiveEvent>(rig, `/events/${ids.concert}`)).body.startsAt).toBe(`${YEAR}-01-10T18:00:00.000Z`);
  await page.getByTestId('reschedule-ends').fill(`${YEAR}-01-17T22:45`);
  await page.getByTestId('save').click();
  await said(page, `Reporté : Concert de l’Harmonie (17/01/${YEAR} 20:30 → 22:45)`);
  const event = (await publicGet<LiveEvent>(rig, `/events/${ids.concert}`)).body;
  expect({ startsAt: event.startsAt, endsAt: event.endsAt }).toEqual({
    startsAt: `${YEAR}-01-17T19:30:00.000Z`,
    endsAt: `${YEAR}-01-17T21:45:00.000Z`,
  });
  expect(await eventRow(ids.concert).getByTestId('event-times').innerText()).toBe(`17/01/${YEAR} 20:30 → 22:45`);
}, 60_000);

test('a poster that is not an image is refused; an image is previewed as the TV card and becomes the event’s', async () => {
  const { page } = rig;
  const before = (await publicGet<LiveEvent>(rig, `/events/${ids.concert}`)).body.poster;
  await eventRow(ids.concert).getByTestId('edit').click();
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'edit-title',
    5000,
    'focus in the form',
  );
  const form = page.getByTestId('event-form');
  expect(await form.getByTestId('poster-preview').getAttribute('src')).toBe(before);
  await form
    .getByTestId('poster-file')
    .setInputFiles({ name: 'programme.txt', mimeType: 'text/plain', buffer: Buffer.from('Programme du concert\n') });
  expect(await alerted(page, /JPEG/)).toBe('Ce fichier n’est ni un JPEG, ni un PNG, ni un WebP');
  await form.getByTestId('poster-file').setInputFiles(images.path('affiche.jpg'));
  await said(page, 'Affiche envoyée : enregistrez pour l’utiliser.');
  const preview = form.getByTestId('poster-preview');
  const uploaded = (await preview.getAttribute('src'))!;
  expect(uploaded).toMatch(/^\/images\/uploads\/[0-9a-f]{24}\/card\.jpg$/);
  // The preview really shows the card the origin made (400×225 for the TV).
  expect(
    await eventually(
      () =>
        preview.evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]),
      (s) => s[0] !== 0,
      10_000,
      'card loaded',
    ),
  ).toEqual([400, 225]);
  await shot(page, 'directs-poster');
  await form.getByTestId('save').click();
  await said(page, 'Événement modifié : Concert de l’Harmonie');
  const event = (await publicGet<LiveEvent>(rig, `/events/${ids.concert}`)).body;
  expect(event.poster).toBe(uploaded);
  const image = await fetch(rig.stack.edgeUrl + event.poster);
  expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
}, 60_000);

test('a long replay’s chapters in h:mm:ss, typed out of order, published sorted; one after the end refused', async () => {
  const { page } = rig;
  await logIn(rig, 'replays');
  const row = page.locator(`[data-testid="replay-row"][data-replay-id="${REPLAY_ID}"]`);
  await row.getByTestId('edit').click();
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'replay-edit-title',
    5000,
    'focus in the form',
  );
  await page
    .getByTestId('chapters')
    .fill(
      '1:45:30 Questions du public\n0:00 Ouverture de la séance\n58:40 Tarifs de la cantine\n\n12:05 Budget participatif',
    );
  await page.getByTestId('save').click();
  await said(page, /^Replay modifié/);
  const sorted = [
    { title: 'Ouverture de la séance', start: 0 },
    { title: 'Budget participatif', start: 12 * 60 + 5 },
    { title: 'Tarifs de la cantine', start: 58 * 60 + 40 },
    { title: 'Questions du public', start: 3600 + 45 * 60 + 30 },
  ];
  expect((await publicGet<Replay>(rig, `/replays/${REPLAY_ID}`)).body.chapters).toEqual(sorted);
  expect((await row.getByTestId('replay-chapters').innerText()).trim()).toBe(
    '0:00 Ouverture de la séance\n12:05 Budget participatif\n58:40 Tarifs de la cantine\n1:45:30 Questions du public',
  );

  // After the end (2:40:00; the API knows the duration): its reason in the alert, the form stays open.
  await row.getByTestId('edit').click();
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'replay-edit-title',
    5000,
    'focus in the form',
  );
  expect(await page.getByTestId('chapters').inputValue()).toBe(
    '0:00 Ouverture de la séance\n12:05 Budget participatif\n58:40 Tarifs de la cantine\n1:45:30 Questions du public',
  );
  await page.getByTestId('chapters').fill('0:00 Ouverture de la séance\n2:45:00 Clôture');
  await page.getByTestId('save').click();
  expect(await alerted(page, /commence après la fin/)).toBe(
    `Le chapitre « Clôture » commence après la fin du replay (${COUNCIL_SECONDS} s)`,
  );
  expect(await page.getByTestId('replay-form').count()).toBe(1);
  await shot(page, 'replays-refused');
  expect((await publicGet<Replay>(rig, `/replays/${REPLAY_ID}`)).body.chapters).toEqual(sorted);
  noPageErrors(rig);
}, 60_000);
