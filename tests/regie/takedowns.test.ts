// What the régie takes back, in Chromium on real servers (origin + edge, purged after each write):
// « Dépublier » a replay (asked first, naming its highlight; declining keeps it), « Modifier » a
// highlight (title, in/out typed m:ss; a malformed one refused in the page) and « Supprimer » it
// (asked first). Each checked on the page (message, rows, focus) and where the TVs read, the edge.
import { expect, test } from '@jest/globals';
import type { Highlight, LiveEvent, Page as ApiPage, Replay } from '../../shared/catalog/types.ts';
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

test('Résumés: edit (title, in/out m:ss) and delete (confirmed); Replays: unpublish (confirmed) with its highlights', async () => {
  const { page } = rig;
  const cut = await rig.staff<Highlight>('POST', '/highlights', {
    replayId: 'replay-hbc-montpellier',
    title: 'Le premier but',
    in: 0,
    out: 6,
  });
  const other = await rig.staff<Highlight>('POST', '/highlights', {
    replayId: 'replay-hbc-montpellier',
    title: 'La parade du gardien',
    in: 20,
    out: 26,
  });
  await logIn(rig, 'resumes');
  const row = (id: string) => page.locator(`[data-testid="highlight-row"][data-highlight-id="${id}"]`);
  await row(cut.body.id).waitFor();
  expect(await row(cut.body.id).getByTestId('highlight-in-out').innerText()).toBe('0:00 → 0:06');

  // « Modifier », by keyboard: a malformed out is refused in the page, then a re-cut 0:04 → 0:14.
  await row(cut.body.id).getByTestId('edit').focus();
  await page.keyboard.press('Enter');
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'highlight-edit-title',
    5000,
    'focus in the form',
  );
  await page.getByTestId('highlight-edit-title').fill('Le premier but, en entier');
  await page.getByTestId('highlight-edit-in').fill('0:04');
  await page.getByTestId('highlight-edit-out').fill('14');
  await page.getByTestId('highlight-edit-out').press('Enter');
  expect(await alerted(page, /^Sortie \(m:ss\) : « 14 »/)).toContain('attendu « m:ss »');
  expect((await publicGet<Highlight>(rig, `/highlights/${cut.body.id}`)).body.title).toBe('Le premier but');
  await page.getByTestId('highlight-edit-out').fill('0:14');
  await shot(page, 'resumes-edit');
  await page.getByTestId('highlight-edit-out').press('Enter');
  await said(page, 'Résumé modifié : Le premier but, en entier (0:10)');
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'edit',
    5000,
    'focus back on the row',
  );
  expect(await row(cut.body.id).getByTestId('highlight-in-out').innerText()).toBe('0:04 → 0:14');
  expect((await publicGet<Highlight>(rig, `/highlights/${cut.body.id}`)).body).toMatchObject({
    title: 'Le premier but, en entier',
    inPoint: 4,
    outPoint: 14,
    duration: 10,
  });
  const media = await (await fetch(`${rig.stack.edgeUrl}/hls/vod/${cut.body.id}/v360/index.m3u8`)).text();
  expect(media.split('\n').filter((l) => l.endsWith('.ts'))).toHaveLength(5);

  // « Supprimer » asks first: declining keeps it; accepting takes it off the TVs.
  let question = nextDialog(page, false);
  await row(other.body.id).getByTestId('delete').click();
  expect(await question).toBe('Supprimer le résumé « La parade du gardien » ? Il disparaît des téléviseurs.');
  expect((await publicGet(rig, `/highlights/${other.body.id}`)).status).toBe(200);
  question = nextDialog(page, true);
  await row(other.body.id).getByTestId('delete').click();
  await question;
  await said(page, 'Résumé supprimé : La parade du gardien');
  expect(await row(other.body.id).count()).toBe(0);
  expect((await publicGet(rig, `/highlights/${other.body.id}`)).status).toBe(404);
  // The row is gone: the focus went to its neighbour, not to the page's body.
  expect(await focusedTestId(page)).toMatch(/^(edit|delete)$/);

  // « Dépublier » a replay published from a live, with a highlight cut from it.
  const soon = Date.now() + 60_000;
  const event = await rig.staff<LiveEvent>('POST', '/events', {
    channelId: 'agglo',
    title: 'Vœux du président',
    startsAt: new Date(soon).toISOString(),
    endsAt: new Date(soon + 3600_000).toISOString(),
  });
  await rig.staff('POST', `/events/${event.body.id}/start`, {});
  await rig.staff('POST', `/events/${event.body.id}/stop`, {});
  const replay = (await rig.staff<Replay>('POST', `/events/${event.body.id}/publish`, {})).body;
  const clip = (
    await rig.staff<Highlight>('POST', '/highlights', { replayId: replay.id, title: 'Les vœux', in: 0, out: 1 })
  ).body;
  await page.getByTestId('nav-replays').click();
  const replayRow = page.locator(`[data-testid="replay-row"][data-replay-id="${replay.id}"]`);
  await replayRow.waitFor({ timeout: 20_000 });
  question = nextDialog(page, false);
  await replayRow.getByTestId('unpublish').click();
  expect(await question).toBe(
    'Dépublier « Vœux du président » ? Il disparaît des téléviseurs, avec son résumé et ses coupures publicitaires. Son direct redevient « terminé » : il pourra être publié de nouveau.',
  );
  expect((await publicGet(rig, `/replays/${replay.id}`)).status).toBe(200);
  question = nextDialog(page, true);
  await replayRow.getByTestId('unpublish').click();
  await question;
  await said(page, 'Replay dépublié : Vœux du président (et 1 résumé)');
  expect(await replayRow.count()).toBe(0);
  expect((await publicGet(rig, `/replays/${replay.id}`)).status).toBe(404);
  expect((await publicGet(rig, `/highlights/${clip.id}`)).status).toBe(404);
  expect((await publicGet<ApiPage<Replay>>(rig, '/replays?limit=100')).body.items.map((r) => r.id)).not.toContain(
    replay.id,
  );
  expect((await publicGet<LiveEvent>(rig, `/events/${event.body.id}`)).body.status).toBe('ended');
  await shot(page, 'replays-unpublished');

  // Its live is « terminé » again in « Directs », with « Publier le replay ».
  await page.getByTestId('nav-directs').click();
  const eventRow = page.locator(`[data-testid="event-row"][data-event-id="${event.body.id}"]`);
  await eventRow.getByTestId('publish').waitFor({ timeout: 10_000 });
  expect(await eventRow.getByTestId('status').innerText()).toBe('terminé');
  noPageErrors(rig);
}, 120_000);

test('the former consoles’ addresses lead to the régie', async () => {
  const location = async (path: string) => {
    const response = await fetch(rig.stack.originUrl + path, { redirect: 'manual' });
    return [response.status, response.headers.get('location')];
  };
  expect(await location('/staff/')).toEqual([301, '/regie/']);
  expect(await location('/staff')).toEqual([301, '/regie/']);
  expect(await location('/staff/ads/')).toEqual([301, '/regie/#/publicite']);
  // A bookmark of the old page, followed by the browser, opens the régie's login.
  await rig.page.goto(`${rig.stack.edgeUrl}/staff/ads/`);
  await rig.page.locator('[data-testid="token"], [data-testid="page-title"]').first().waitFor();
  expect(new URL(rig.page.url()).pathname).toBe('/regie/');
});
