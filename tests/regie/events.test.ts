// « Directs » in the typed régie, in Chromium on real servers (origin + edge, purged after each
// write): schedule, edit, reschedule, start, « Arrêter le direct » (confirmed), publish with
// chapters typed « m:ss Titre », « Annuler » (confirmed) — each checked on the page (message,
// row, where the focus is) and then in the public API the TVs read through the edge.
import { expect, test } from '@jest/globals';
import type { LiveEvent, Replay } from '../../shared/catalog/types.ts';
import { eventually } from '../support/browser.ts';
import {
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

const rig = useRegie();

const TITLE = 'Gala des sportifs de l’année';
/** A datetime-local value `hours` from now, in the browser's zone (Paris). */
const localIn = (hours: number) =>
  rig.page.evaluate((h) => {
    const d = new Date(Date.now() + h * 3600_000);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  }, hours);

test('Directs: schedule, edit, reschedule, start, stop (confirmed), publish with chapters, cancel (confirmed)', async () => {
  const { page } = rig;
  await logIn(rig, 'directs');
  expect(await page.getByTestId('page-title').innerText()).toBe('Directs');
  expect(await page.getByTestId('nav-directs').getAttribute('aria-current')).toBe('page');

  // Schedule, by keyboard.
  await page.getByTestId('channel').selectOption('business');
  await page.getByTestId('title').fill(TITLE);
  await page.getByTestId('venue').fill('Salle des fêtes');
  await page.getByTestId('starts').fill(await localIn(2));
  await page.getByTestId('ends').fill(await localIn(3));
  await page.getByTestId('description').fill('Les clubs de la ville récompensés.');
  await page.getByTestId('description').press('Tab');
  await page.keyboard.press('Enter');
  await said(page, `Direct programmé : ${TITLE}`);
  // The row of the event just scheduled (a second attempt, jest's retry, finds the first's ended one too).
  let id = '';
  const row = () =>
    id
      ? page.locator(`[data-testid="event-row"][data-event-id="${id}"]`)
      : page
          .getByTestId('event-row')
          .filter({ hasText: TITLE })
          .filter({ has: page.getByTestId('status').getByText('programmé', { exact: true }) })
          .first();
  await row().waitFor();
  id = (await row().getAttribute('data-event-id'))!;
  let event = (await publicGet<LiveEvent>(rig, `/events/${id}`)).body;
  expect(event).toMatchObject({
    title: TITLE,
    venue: 'Salle des fêtes',
    channelId: 'business',
    status: 'scheduled',
    description: 'Les clubs de la ville récompensés.',
  });
  expect(Math.abs(Date.parse(event.startsAt) - (Date.now() + 2 * 3600_000))).toBeLessThan(120_000);
  expect(await row().getByTestId('status').innerText()).toBe('programmé');

  // Edit: the form opens under the row with the focus in it; saving closes it, focus back on the row.
  await row().getByTestId('edit').focus();
  await page.keyboard.press('Enter');
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'edit-title',
    5000,
    'focus in the form',
  );
  await page.getByTestId('edit-title').fill(`${TITLE} 2026`);
  await page.getByTestId('edit-venue').fill('Palais des sports');
  await page.getByTestId('edit-venue').press('Enter');
  await said(page, `Événement modifié : ${TITLE} 2026`);
  expect(await page.getByTestId('event-form').count()).toBe(0);
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'start',
    5000,
    'focus back on the row',
  );
  event = (await publicGet<LiveEvent>(rig, `/events/${id}`)).body;
  expect(event).toMatchObject({ title: `${TITLE} 2026`, venue: 'Palais des sports' });

  // Reschedule to tomorrow: the times shown and the public event move.
  await row().getByTestId('reschedule').click();
  await page.getByTestId('reschedule-starts').fill(await localIn(26));
  await page.getByTestId('reschedule-ends').fill(await localIn(28));
  await page.getByTestId('save').click();
  await said(page, new RegExp(`^Reporté : ${TITLE} 2026 \\(`));
  event = (await publicGet<LiveEvent>(rig, `/events/${id}`)).body;
  expect(Math.abs(Date.parse(event.startsAt) - (Date.now() + 26 * 3600_000))).toBeLessThan(120_000);
  expect(Date.parse(event.endsAt) - Date.parse(event.startsAt)).toBe(2 * 3600_000);

  // Start: « Démarrer » becomes « Arrêter le direct », and the focus moves onto it.
  await row().getByTestId('start').focus();
  await page.keyboard.press('Enter');
  await said(page, `Direct démarré : ${TITLE} 2026`);
  expect(await row().getByTestId('status').innerText()).toBe('EN DIRECT');
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'stop',
    5000,
    'focus on stop',
  );
  expect((await publicGet<LiveEvent>(rig, `/events/${id}`)).body.status).toBe('live');
  await shot(page, 'directs-live');

  // A few segments are recorded; « Arrêter le direct » asks first: declining keeps it on air.
  await new Promise((r) => setTimeout(r, 9000));
  let question = nextDialog(page, false);
  await page.keyboard.press('Enter');
  expect(await question).toMatch(/^Arrêter le direct « Gala des sportifs de l’année 2026 » \?/);
  await new Promise((r) => setTimeout(r, 500));
  expect((await publicGet<LiveEvent>(rig, `/events/${id}`)).body.status).toBe('live');
  question = nextDialog(page, true);
  await page.keyboard.press('Enter');
  await question;
  await said(page, `Direct arrêté : ${TITLE} 2026`);
  expect(await row().getByTestId('status').innerText()).toBe('terminé');
  expect((await publicGet<LiveEvent>(rig, `/events/${id}`)).body.status).toBe('ended');

  // Publish with chapters: a malformed line is refused in the page (alert), the form stays open.
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'publish',
    5000,
    'focus on publish',
  );
  // Opened, and straight into the chapters as soon as they show, as a quick user clicking there:
  // the form's own first focus (on its title, a moment after it opens) must not take the typing away.
  await page.evaluate(async () => {
    (document.activeElement as HTMLElement).click();
    const chapters = () => document.querySelector<HTMLElement>('[data-testid="chapters"]');
    for (let i = 0; i < 200 && !chapters(); i++) await new Promise((r) => setTimeout(r, 1));
    chapters()?.focus();
  });
  await new Promise((r) => setTimeout(r, 300));
  await page.keyboard.type('0:00 Ouverture\n4 Remise des prix');
  expect(await page.getByTestId('publish-title').inputValue()).toBe(`${TITLE} 2026`);
  // The list refreshes itself every 5 s: an open form keeps what was typed.
  await new Promise((r) => setTimeout(r, 5500));
  expect(await page.getByTestId('chapters').inputValue()).toBe('0:00 Ouverture\n4 Remise des prix');
  await page.getByTestId('save').click();
  expect(await alerted(page, /^Chapitres, ligne 2 : « 4 Remise des prix »/)).toContain('attendu « m:ss Titre »');
  expect(await page.getByTestId('event-form').count()).toBe(1);
  await page.getByTestId('chapters').fill('0:04 Remise des prix\n0:00 Ouverture');
  await page.getByTestId('publish-title').fill('Gala des sportifs : la soirée');
  await page.getByTestId('save').click();
  await said(page, 'Replay publié : Gala des sportifs : la soirée (2 chapitres)');
  expect(await row().getByTestId('status').innerText()).toBe('replay publié');
  event = (await publicGet<LiveEvent>(rig, `/events/${id}`)).body;
  expect(event.status).toBe('published');
  const replay = (await publicGet<Replay>(rig, `/replays/${event.replayId}`)).body;
  expect(replay.title).toBe('Gala des sportifs : la soirée');
  expect(replay.chapters).toEqual([
    { title: 'Ouverture', start: 0 },
    { title: 'Remise des prix', start: 4 },
  ]);
  expect(replay.duration).toBeGreaterThan(4);

  // « Annuler » asks first; declining keeps the event, accepting cancels it.
  const other = await rig.staff<LiveEvent>('POST', '/events', {
    channelId: 'culture',
    title: 'Lecture publique',
    venue: 'Médiathèque',
    startsAt: new Date(Date.now() + 5 * 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 6 * 3600_000).toISOString(),
  });
  const otherRow = page.getByTestId('event-row').filter({ hasText: 'Lecture publique' });
  await otherRow.waitFor({ timeout: 10_000 }); // the page refreshes itself
  question = nextDialog(page, false);
  await otherRow.getByTestId('cancel').click();
  expect(await question).toBe('Annuler « Lecture publique » ? Il disparaîtra du programme des téléspectateurs.');
  await new Promise((r) => setTimeout(r, 500));
  expect((await publicGet<LiveEvent>(rig, `/events/${other.body.id}`)).body.status).toBe('scheduled');
  question = nextDialog(page, true);
  await otherRow.getByTestId('cancel').click();
  await question;
  await said(page, 'Annulé : Lecture publique');
  expect(await otherRow.getByTestId('status').innerText()).toBe('annulé');
  expect(await otherRow.getByTestId('cancel').count()).toBe(0);
  const cancelled = await publicGet<LiveEvent>(rig, `/events/${other.body.id}`);
  expect(cancelled.status === 404 || cancelled.body.status === 'cancelled').toBe(true);
  await shot(page, 'directs');
  noPageErrors(rig);
}, 150_000);
