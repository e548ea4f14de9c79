// « Jetons » and « Journal » in the typed régie (admins), in Chromium on real servers: create a
// token (its secret shown once, and it works on the staff API), an editor's régie has no admin
// pages, « Révoquer » asks first and then the API refuses the token; the journal shows the writes,
// newest first, 50 a page.
import { expect, test } from '@jest/globals';
import { eventually } from '../support/browser.ts';
import { focusedTestId, logIn, nextDialog, noPageErrors, said, shot, useRegie } from './regie-page.ts';

const rig = useRegie();

const staffStatus = async (token: string) =>
  (await fetch(`${rig.stack.originUrl}/api/v1/staff/events`, { headers: { authorization: `Bearer ${token}` } })).status;

test('Jetons: create (secret once), an editor sees no admin pages, revoke (confirmed); Journal: newest first, paged', async () => {
  const { page } = rig;
  await logIn(rig, 'jetons');
  expect(await page.getByTestId('page-title').innerText()).toBe('Jetons');
  await page.getByTestId('token-label').fill('Régie de nuit');
  await page.getByTestId('token-role').selectOption('editor');
  await page.getByTestId('token-label').press('Enter');
  await said(page, 'Jeton créé : Régie de nuit');
  const secret = await page.getByTestId('new-token').innerText();
  expect(secret).toMatch(/^\S{20,}$/);
  await eventually(
    () => focusedTestId(page),
    (t) => t === 'new-token',
    5000,
    'focus on the secret',
  );
  const row = page.getByTestId('token-row').filter({ hasText: 'Régie de nuit' });
  expect(await row.getByTestId('token-state').innerText()).toBe('actif');
  expect(await staffStatus(secret)).toBe(200);
  await shot(page, 'jetons');

  // The editor's régie: no « Jetons » nor « Journal » in the nav.
  await page.getByTestId('logout').click();
  await logIn(rig, 'directs', secret);
  await page.getByTestId('nav-directs').waitFor();
  expect(await page.getByTestId('nav-jetons').count()).toBe(0);
  expect(await page.getByTestId('nav-journal').count()).toBe(0);
  await page.getByTestId('logout').click();

  // « Révoquer » asks first; declining keeps the token working.
  await logIn(rig, 'jetons');
  await row.waitFor();
  let question = nextDialog(page, false);
  await row.getByTestId('revoke').focus();
  await page.keyboard.press('Enter');
  expect(await question).toBe('Révoquer le jeton « Régie de nuit » ? Qui l’utilise ne pourra plus rien faire.');
  expect(await staffStatus(secret)).toBe(200);
  question = nextDialog(page, true);
  await page.keyboard.press('Enter');
  await question;
  await said(page, 'Jeton révoqué : Régie de nuit');
  expect(await row.getByTestId('token-state').innerText()).toMatch(/^révoqué le /);
  expect(await row.getByTestId('revoke').count()).toBe(0);
  expect(await staffStatus(secret)).toBe(401);

  // The journal: the revocation first; more than a page of writes, paged by 50.
  for (let i = 0; i < 50; i++)
    expect((await rig.staff('POST', '/tokens', { label: `Jeton ${i}`, role: 'editor' })).status).toBe(201);
  await page.getByTestId('nav-journal').click();
  await eventually(
    () => page.getByTestId('page-title').innerText(),
    (t) => t === 'Journal',
    5000,
    'journal page',
  );
  const total = Number(
    /sur (\d+)/.exec(
      await eventually(
        () => page.getByTestId('audit-range').innerText(),
        (t) => /^Entrées 1 à 50 sur \d+/.test(t),
        10_000,
        'range',
      ),
    )![1],
  );
  expect(total).toBeGreaterThanOrEqual(52);
  expect(await page.getByTestId('audit-row').count()).toBe(50);
  expect(await page.getByTestId('audit-action').first().innerText()).toBe('token.create');
  expect(await page.getByTestId('audit-newer').isDisabled()).toBe(true);
  await page.getByTestId('audit-older').click();
  await eventually(
    () => page.getByTestId('audit-range').innerText(),
    (t) => t === `Entrées 51 à ${total} sur ${total}, les plus récentes d’abord`,
    10_000,
    'second page',
  );
  const actions = await page.getByTestId('audit-action').allInnerTexts();
  expect(actions.slice(0, total - 50).includes('token.revoke')).toBe(true);
  expect(await page.getByTestId('audit-older').isDisabled()).toBe(true);
  await shot(page, 'journal');
  noPageErrors(rig);
}, 90_000);
