// « Publicité » and « Audience » in the typed régie, in Chromium on real servers: « Lancer la
// coupure » in a live asks first (declining launches nothing), then the break is listed and in
// the API; the sponsor report of that event is shown and its JSON downloaded by the page.
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { LiveEvent } from '../../shared/catalog/types.ts';
import { eventually } from '../support/browser.ts';
import { logIn, nextDialog, noPageErrors, said, shot, useRegie } from './regie-page.ts';

const rig = useRegie();

test('Publicité: « Lancer la coupure » confirmed, listed; Audience: the report and its JSON download', async () => {
  const { page } = rig;
  const event = await rig.staff<LiveEvent>('POST', '/events', {
    channelId: 'sport',
    title: 'Derby de futsal',
    venue: 'Gymnase',
    startsAt: new Date(Date.now() + 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 7200_000).toISOString(),
  });
  expect((await rig.staff('POST', `/events/${event.body.id}/start`, {})).status).toBe(200);
  const breaks = async () =>
    (await rig.staff<{ breaks: { target: { eventId?: string } }[] }>('GET', '/ads/breaks')).body.breaks.filter(
      (b) => b.target.eventId === event.body.id,
    );

  await logIn(rig, 'publicite');
  expect(await page.getByTestId('page-title').innerText()).toBe('Publicité');
  await eventually(
    () => page.getByTestId('break-event').locator('option').allInnerTexts(),
    (o) => o.includes('C’Sport — Derby de futsal'),
    10_000,
    'live listed',
  );
  await page.getByTestId('break-event').selectOption(event.body.id);
  await page.getByTestId('break-duration').fill('20');
  let question = nextDialog(page, false);
  await page.getByTestId('launch-break').click();
  expect(await question).toBe(
    'Lancer une coupure de 20 s dans « Derby de futsal » maintenant ? Les téléspectateurs la verront au prochain segment.',
  );
  expect(await breaks()).toEqual([]);
  question = nextDialog(page, true);
  await page.getByTestId('launch-break').click();
  await question;
  await said(page, /^Coupure lancée dans Derby de futsal à \d\d:\d\d:\d\d$/);
  expect(await breaks()).toHaveLength(1);
  expect(await page.getByTestId('break-row').count()).toBeGreaterThanOrEqual(1);
  await shot(page, 'publicite');

  // Audience: the report of that event, and its JSON saved by the page.
  await page.getByTestId('nav-audience').click();
  await eventually(
    () => page.getByTestId('report-event').locator('option').allInnerTexts(),
    (o) => o.includes('C’Sport — Derby de futsal'),
    10_000,
    'event listed',
  );
  await page.getByTestId('report-event').selectOption(event.body.id);
  await page.getByTestId('show-report').click();
  await said(page, 'Rapport : Derby de futsal');
  expect(await page.getByTestId('report-peak').innerText()).toMatch(/^\d+$/);
  const download = page.waitForEvent('download');
  await page.getByTestId('report-json').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`rapport-${event.body.id}.json`);
  const json = JSON.parse(readFileSync((await file.path())!, 'utf8')) as { event: { id: string; title: string } };
  expect(json.event).toMatchObject({ id: event.body.id, title: 'Derby de futsal' });
  await shot(page, 'audience');
  noPageErrors(rig);
}, 90_000);
