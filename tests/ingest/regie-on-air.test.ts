// The régie's « Antenne » page in Chromium, on real parts: the staff log in, watch a channel's
// feed arrive (state, input, bitrate, the preview playing through the edge), read and rotate the
// stream key (with a confirmation), and see the slate when the encoder dies.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { eventually, launchTv, screenshot } from '../support/browser.ts';
import type { TvBrowser } from '../support/browser.ts';
import { MEDIA_TIMEOUT_MS, ensureTestMedia } from '../support/media.ts';
import { ADMIN, eventOnAir, startTestIngest } from '../support/ingest.ts';
import type { TestIngest } from '../support/ingest.ts';
import { startStack } from '../support/stack.ts';
import type { Stack } from '../support/stack.ts';

let ingest: TestIngest;
let stack: Stack;
let browser: TvBrowser;
let page: Page;

beforeAll(async () => {
  ingest = await startTestIngest();
  stack = await startStack({ origin: { mediaDir: await ensureTestMedia(), ...ingest.originOptions } });
  browser = await launchTv();
  page = browser.page;
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await ingest?.close();
});

const text = (testId: string) => page.getByTestId(testId).innerText();

test('Antenne: log in, a feed arrives with its figures and preview, the key is shown and rotated, the slate when it drops', async () => {
  await page.goto(`${stack.edgeUrl}/regie/`);
  // A wrong token is refused, said in an alert.
  await page.getByTestId('token').fill('not-a-token');
  await page.getByTestId('token').press('Enter');
  await eventually(
    () => page.getByRole('alert').innerText(),
    (t) => t.startsWith('Jeton refusé : '),
    10_000,
    'refusal alert',
  );
  await page.getByTestId('token').fill(ADMIN);
  await page.getByTestId('token').press('Enter');
  await eventually(
    () => text('state-sport'),
    (t) => t === 'En attente du direct',
    10_000,
    'sport waiting',
  );
  expect(await page.locator('section.channel h2').allInnerTexts()).toEqual([
    'C’Sport',
    'C’Culture',
    'C’Business',
    'C’Agglo',
  ]);

  // An event on air, the encoder pushing: the card says so, with the feed's figures.
  await eventOnAir(stack.originUrl, 'sport', 'Finale régionale de handball');
  const encoder = await ingest.encoder('sport', { protocol: 'srt' });
  await eventually(
    () => text('state-sport'),
    (t) => t === 'Direct reçu',
    30_000,
    'sport receiving',
  );
  await eventually(
    () => text('event-sport'),
    (t) => t === 'À l’antenne : Finale régionale de handball',
    10_000,
    'event shown',
  );
  expect(await text('input-sport')).toBe('SRT · h264 640×360 25 i/s · aac');
  await eventually(
    () => text('bitrate-sport'),
    (t) => /^[1-9][\d\s\u202f]* kbit\/s$/.test(t),
    10_000,
    'bitrate',
  );
  // The preview plays the programme as viewers get it (through the edge).
  await eventually(
    () => page.getByTestId('preview-sport').evaluate((v: HTMLVideoElement) => v.currentTime),
    (t) => t > 2,
    40_000,
    'preview playing',
  );
  await screenshot(page, 'ingest/regie-on-air');

  // The key, by keyboard: shown, then rotated after a confirmation; focus stays on the button.
  const before = (
    (await (
      await fetch(`${stack.originUrl}/api/v1/staff/ingest/sport`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).json()) as { streamKey: string }
  ).streamKey;
  await page.getByTestId('show-key-sport').focus();
  await page.keyboard.press('Enter');
  await eventually(
    () => text('stream-key-sport'),
    (t) => t === before,
    10_000,
    'key shown',
  );
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.accept();
  });
  await page.getByTestId('rotate-key-sport').focus();
  await page.keyboard.press('Enter');
  await eventually(
    () => text('stream-key-sport'),
    (t) => t !== before && t.length === 32,
    10_000,
    'key rotated',
  );
  expect(asked).toMatch(/^Changer la clé de flux de C’Sport \?/);
  expect(await text('message')).toBe('Nouvelle clé de flux pour C’Sport.');
  await new Promise((r) => setTimeout(r, 2500)); // a refresh went by
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('rotate-key-sport');
  // Declining the confirmation changes nothing.
  const rotated = await text('stream-key-sport');
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.keyboard.press('Enter');
  await new Promise((r) => setTimeout(r, 1000));
  expect(await text('stream-key-sport')).toBe(rotated);
  // The feed on air carries on: rotation only affects the next connection.
  expect(await text('state-sport')).toBe('Direct reçu');

  // The encoder dies with the event on air: the slate.
  await encoder.kill();
  await eventually(
    () => text('state-sport'),
    (t) => t === 'Ardoise à l’antenne',
    30_000,
    'slate shown',
  );
  // The card says when and why: the SRT feed fell silent and was cut (SRT itself would wait 5 s).
  await eventually(
    () =>
      page
        .getByTestId('drop-sport')
        .innerText()
        .catch(() => ''),
    (t) => /^\d\d:\d\d:\d\d — Plus rien n’arrive depuis 1,5 s$/.test(t),
    10_000,
    'drop cause shown',
  );
  await screenshot(page, 'ingest/regie-slate');

  // A publisher with a wrong key on another channel: refused, and the card says why.
  const intruder = await ingest.encoder('culture', { protocol: 'rtmp', key: 'not-the-key-of-culture-0000' });
  await eventually(
    () =>
      page
        .getByTestId('refusal-culture')
        .innerText()
        .catch(() => ''),
    (t) => t.endsWith('— Clé de flux incorrecte'),
    30_000,
    'refusal shown',
  );
  await intruder.kill();
  expect(await text('state-culture')).toBe('En attente du direct');

  // Logging out forgets the token.
  await page.getByTestId('logout').click();
  await page.getByTestId('token').waitFor();
  expect(await page.evaluate(() => sessionStorage.getItem('citetv-staff-token'))).toBeNull();
}, 180_000);
