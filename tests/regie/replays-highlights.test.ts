// « Replays » and « Résumés » in the typed régie, in Chromium on real servers: edit a published
// replay (title, description, chapters typed « m:ss Titre », a poster uploaded from a file), a
// chapter past the end refused with the API's reason in the alert; then cut a highlight from it
// with in/out typed as m:ss, a malformed one refused in the page; each checked on the page and
// in the public API the TVs read through the edge.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Highlight, Page as ApiPage, Replay } from '../../shared/catalog/types.ts';
import { eventually } from '../support/browser.ts';
import { alerted, focusedTestId, logIn, noPageErrors, publicGet, said, shot, useRegie } from './regie-page.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'regie-poster-'));
  execFileSync('/usr/bin/ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720',
    '-frames:v',
    '1',
    '-y',
    join(dir, 'affiche.jpg'),
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rig = useRegie();

test('Replays: edit title, description, chapters and poster; Résumés: cut with in/out as m:ss, listed and public', async () => {
  const { page } = rig;
  const newest = itemAt((await publicGet<ApiPage<Replay>>(rig, '/replays?limit=1')).body.items, 0);
  await logIn(rig, 'replays');
  expect(await page.getByTestId('page-title').innerText()).toBe('Replays');
  const row = page.locator(`[data-testid="replay-row"][data-replay-id="${newest.id}"]`);
  await row.waitFor();
  expect(await row.getByTestId('replay-title').innerText()).toBe(newest.title);

  // « Modifier », by keyboard: the form opens with the focus in it.
  await row.getByTestId('edit').focus();
  await page.keyboard.press('Enter');
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'replay-edit-title',
    5000,
    'focus in the form',
  );
  await page.getByTestId('replay-edit-title').fill('Le replay, retitré');
  await page.getByTestId('replay-edit-description').fill('Revoir la soirée en entier.');
  // A chapter after the end: the API refuses it, its reason in the alert; the form stays open.
  await page.getByTestId('chapters').fill('0:00 Début\n9:59:00 Trop tard');
  await page.getByTestId('save').click();
  await alerted(page, /Trop tard.*commence après la fin du replay/);
  expect(await page.getByTestId('replay-form').count()).toBe(1);
  await page.getByTestId('chapters').fill('0:10 Suite\n0:00 Début');
  await page.getByTestId('poster-file').setInputFiles(join(dir, 'affiche.jpg'));
  await said(page, 'Affiche envoyée : enregistrez pour l’utiliser.');
  const preview = await page.getByTestId('poster-preview').getAttribute('src');
  expect(preview).toMatch(/^\/images\/uploads\/[0-9a-f]{24}\/card\.jpg$/);
  await page.getByTestId('save').click();
  await said(page, 'Replay modifié : Le replay, retitré');
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'edit',
    5000,
    'focus back on the row',
  );
  expect(await row.getByTestId('replay-title').innerText()).toBe('Le replay, retitré');
  expect((await row.getByTestId('replay-chapters').innerText()).trim()).toBe('0:00 Début\n0:10 Suite');
  const replay = (await publicGet<Replay>(rig, `/replays/${newest.id}`)).body;
  expect(replay).toMatchObject({
    title: 'Le replay, retitré',
    description: 'Revoir la soirée en entier.',
    poster: preview,
  });
  expect(replay.chapters).toEqual([
    { title: 'Début', start: 0 },
    { title: 'Suite', start: 10 },
  ]);
  expect((await fetch(`${rig.stack.edgeUrl}${preview}`)).headers.get('content-type')).toBe('image/jpeg');
  await shot(page, 'replays');

  // « Couper un résumé » from the row: the « Résumés » page with this replay chosen.
  await row.getByTestId('cut-link').click();
  await eventually(
    () => page.getByTestId('page-title').innerText(),
    (t) => t === 'Résumés',
    5000,
    'résumés page',
  );
  // The focus follows the page change (the title is drawn first, the focus moves just after).
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'page-title',
    5000,
    'focus on the new page title',
  );
  await eventually(
    () => page.getByTestId('replay').inputValue(),
    (v) => v === newest.id,
    10_000,
    'replay chosen',
  );
  await page.getByTestId('clip-title').fill('Les meilleurs moments');
  await page.getByTestId('clip-in').fill('0:02');
  await page.getByTestId('clip-out').fill('8');
  await page.getByTestId('clip-out').press('Enter');
  expect(await alerted(page, /^Sortie \(m:ss\) : « 8 »/)).toContain('attendu « m:ss »');
  await page.getByTestId('clip-out').fill('0:08');
  await page.getByTestId('clip-out').press('Enter');
  await said(page, 'Résumé publié : Les meilleurs moments (0:06)');
  const listed = page.getByTestId('highlight-row').filter({ hasText: 'Les meilleurs moments' });
  await listed.waitFor();
  expect(await listed.getByTestId('highlight-duration').innerText()).toBe('0:06');
  expect(await listed.innerText()).toContain('Le replay, retitré');
  const id = (await listed.getAttribute('data-highlight-id'))!;
  const highlight = (await publicGet<Highlight>(rig, `/highlights/${id}`)).body;
  expect(highlight).toMatchObject({ title: 'Les meilleurs moments', replayId: newest.id, duration: 6 });
  expect((await fetch(`${rig.stack.edgeUrl}${highlight.playbackUrl}`)).status).toBe(200);
  // Focus stays in the form for the next cut.
  expect(await focusedTestId(page)).toBe('clip-title');
  await shot(page, 'resumes');
  noPageErrors(rig);
}, 120_000);
