// « Écran géant » (issue #13) in Chromium on real servers: the contribution window set from the
// page is what a phone's sending obeys (refused before it opens, accepted once open), the phone's
// addresses and the venue screen's link; then the moderation queue fed by real multipart sendings
// of real JPEGs through the edge: pending oldest first without a reload, the photo served, an XSS
// message kept as text, A approves (the venue feed lists it), B bans after a confirmation (that
// device's next sending is refused), R rejects, each time the focus going on to the next pending
// item; a new arrival appears while the focus stays put; pin (the feed says pinned), delete asked
// first; trusted mode puts a sending straight on screen. And the whole way, as issue #13 asks: a
// phone (mobile Chromium) sends from the page the régie names, A on the régie, the venue screen
// (the TV app's test build, opened from the régie's link) shows it, the time measured (≤ 5 s).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Contribution,
  ContributionSettings,
  PublicContribution,
} from '../../edge-origin/src/origin/contributions/model.ts';
import type { OriginOptions } from '../../edge-origin/src/origin/options.ts';
import { buildApp } from '../e2e/harness.ts';
import { eventually, isVisible, openPage, textsIn } from '../support/browser.ts';
import { sendContribution, testJpeg } from '../support/contributions.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { alerted, logIn, nextDialog, noPageErrors, publicGet, said, shot, useRegie } from './regie-page.ts';

const mediaDir = mkdtempSync(join(tmpdir(), 'cite-tv-regie-contrib-'));
const origin: Partial<OriginOptions> = { contributions: { config: { mediaDir } } };
// The venue screen is the TV app's test build (its Lightning inspector mirror is what tests read).
beforeAll(() => {
  origin.appDir = buildApp('test');
}, MEDIA_TIMEOUT_MS);
afterAll(() => {
  rmSync(mediaDir, { recursive: true, force: true });
  if (origin.appDir) rmSync(origin.appDir, { recursive: true, force: true });
});
const rig = useRegie(origin);

/** The staff's view of an event's contributions (contributions/staff-routes.ts). */
interface ContributionQueue {
  settings: ContributionSettings | null;
  items: Pick<Contribution, 'id' | 'firstName' | 'state'>[];
}

const photo = testJpeg(640, 480);
/** A spectator's phone, as tests/contributions/phone-page.test.ts has it. */
const PHONE = {
  viewport: { width: 393, height: 851 },
  deviceScaleFactor: 2.75,
  isMobile: true,
  hasTouch: true,
  locale: 'fr-FR',
  timezoneId: 'Europe/Paris',
};
let eventId = '';
const ids: Record<string, string> = {};

const send = (firstName: string, message: string, deviceId: string) =>
  sendContribution(rig.stack.edgeUrl, eventId, { photo, firstName, message, deviceId });
const queue = async () => (await rig.staff<ContributionQueue>('GET', `/contributions/events/${eventId}`)).body;
const feed = async () =>
  (await publicGet<{ items: PublicContribution[] }>(rig, `/contributions/events/${eventId}/feed`)).body.items;
/** A datetime-local value `hours` from now, in the browser's zone (Paris). */
const localIn = (hours: number) =>
  rig.page.evaluate((h) => {
    const d = new Date(Date.now() + h * 3600_000);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  }, hours);
const pendingNames = () => rig.page.getByTestId('pending-item').getByTestId('first-name').allInnerTexts();
const pendingItem = (id: string) => rig.page.locator(`[data-testid="pending-item"][data-row="${id}"]`);
const focusedRow = () => rig.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.row ?? '');
const focusOn = (id: string, what: string) => eventually(focusedRow, (row) => row === id, 10_000, `focus on ${what}`);

async function makeEvent(title: string, startsInHours: number, channelId: string): Promise<string> {
  for (let i = 0; ; i++) {
    const made = await rig.staff<{ id: string }>('POST', '/events', {
      channelId,
      title,
      venue: 'Palais des sports',
      startsAt: new Date(Date.now() + startsInHours * 3600_000).toISOString(),
      endsAt: new Date(Date.now() + (startsInHours + 2) * 3600_000).toISOString(),
    });
    if (made.status === 201) return made.body.id;
    // The catalog's channels are seeded in the background at start.
    if (i > 50) throw new Error(`event not created: ${JSON.stringify(made)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('the window set on the page is what a phone obeys; the phone and venue addresses', async () => {
  const { page } = rig;
  eventId = await makeEvent('Handball : Cité contre Port', 0.5, 'sport');
  const other = await makeEvent('Concert du Conservatoire', 30, 'culture');
  // From its row in « Directs », to its big screen.
  await logIn(rig, 'directs');
  await page.locator(`[data-testid="event-row"][data-event-id="${eventId}"]`).getByTestId('screen-link').click();
  await eventually(
    () => page.getByTestId('page-title').innerText(),
    (t) => t === 'Écran géant',
    10_000,
    'title',
  );
  expect(await page.getByTestId('screen-event').inputValue()).toBe(eventId);
  // Lives first (the demo catalog's), then the upcoming ones, soonest first.
  const options = await page.getByTestId('screen-event').locator('option').allInnerTexts();
  const live = options.map((o) => o.startsWith('● EN DIRECT — '));
  expect(live).toEqual([...live].sort((a, b) => Number(b) - Number(a)));
  const handball = options.findIndex((o) => o.startsWith('Handball : Cité contre Port ('));
  const concert = options.findIndex((o) => o.startsWith('Concert du Conservatoire ('));
  expect(handball).toBeGreaterThanOrEqual(0);
  expect(concert).toBeGreaterThan(handball);
  await page.getByTestId('screen-event').selectOption(other);
  await eventually(
    () => page.evaluate(() => location.hash),
    (h) => h === `#/ecran?event=${other}`,
    5000,
    'hash',
  );
  await page.getByTestId('screen-event').selectOption(eventId);
  expect(await page.getByTestId('window-state').innerText()).toBe(
    'Aucune fenêtre : les spectateurs ne peuvent rien envoyer.',
  );
  expect(await page.getByTestId('short-url-later').count()).toBe(1);
  const none = await send('Léa', 'Allez Cité !', 'phone-lea-0001');
  expect([none.status, none.body.error?.code]).toEqual([403, 'window_closed']);

  // Closing before it opens: the API's refusal in the alert, nothing stored.
  await page.getByTestId('window-opens').fill(await localIn(2));
  await page.getByTestId('window-closes').fill(await localIn(1));
  await page.getByTestId('save-window').click();
  expect(await alerted(page, /fermeture/)).toBe('La fermeture doit venir après l’ouverture.');
  expect((await queue()).settings).toBeNull();

  // Opening in an hour: a sending now is refused, saying when.
  await page.getByTestId('window-opens').fill(await localIn(1));
  await page.getByTestId('window-closes').fill(await localIn(2));
  await page.getByTestId('save-window').click();
  await said(page, /^Fenêtre d’envoi enregistrée pour Handball : Cité contre Port : /);
  await eventually(
    () => page.getByTestId('window-state').innerText(),
    (t) => t.startsWith('Fermés : les envois ouvrent le '),
    10_000,
    'window state',
  );
  const early = await send('Léa', 'Allez Cité !', 'phone-lea-0001');
  expect(early.status).toBe(403);
  expect(early.body.error?.message).toMatch(/^Les envois ouvrent le /);

  // Open since an hour ago, for three hours: the phone's sending passes.
  const opens = await localIn(-1);
  const closes = await localIn(3);
  await page.getByTestId('window-opens').fill(opens);
  await page.getByTestId('window-closes').fill(closes);
  await page.getByTestId('save-window').click();
  await said(page, /^Fenêtre d’envoi enregistrée pour Handball : Cité contre Port : /);
  const settings = (await queue()).settings as ContributionSettings;
  // What was typed in Paris time is the stored instant.
  const typed = await page.evaluate(
    ([o, c]) => [new Date(o!).toISOString(), new Date(c!).toISOString()],
    [opens, closes],
  );
  expect([settings.opensAt, settings.closesAt, settings.trusted]).toEqual([...typed, false]);
  await eventually(
    () => page.getByTestId('window-state').innerText(),
    (t) => t.startsWith('Ouverts jusqu’au '),
    10_000,
    'window open',
  );
  const sent = await send('Léa', 'Allez Cité !', 'phone-lea-0001');
  expect(sent.status).toBe(201);
  ids.Léa = sent.body.id!;

  // The phone page's address, the short one under the QR code (it leads there), the venue screen.
  const edge = rig.stack.edgeUrl;
  expect(await page.getByTestId('phone-url').innerText()).toBe(`${edge}/participer/${eventId}`);
  await eventually(
    () => page.getByTestId('short-url').count(),
    (n) => n === 1,
    10_000,
    'short url',
  );
  expect(await page.getByTestId('short-url').innerText()).toBe(`${edge}/p/${settings.shortCode}`);
  const short = await fetch(`${edge}/p/${settings.shortCode}`, { redirect: 'manual' });
  expect([short.status, short.headers.get('location')]).toEqual([302, `/participer/${eventId}`]);
  expect(await page.getByTestId('venue-link').getAttribute('href')).toBe(`${edge}/?venue=${eventId}`);
  await shot(page, 'ecran-window');
}, 120_000);

test('the queue by keyboard: A approves, B bans, R rejects, the focus goes on; arrivals, pin, delete', async () => {
  const { page } = rig;
  const xss = '<img src=x onerror="window.__xss=1">Bravo !';
  for (const [name, message, device] of [
    ['Hugo', xss, 'phone-hugo-0002'],
    ['Inès', 'Coucou maman', 'phone-ines-0003'],
    ['Zoé', 'On est en tribune B', 'phone-zoe-0004'],
  ] as const) {
    const sent = await send(name, message, device);
    expect(sent.status).toBe(201);
    ids[name] = sent.body.id!;
  }
  // The page, open since the first test, shows them without a reload, oldest first.
  await eventually(pendingNames, (n) => n.join() === 'Léa,Hugo,Inès,Zoé', 15_000, 'pending queue');
  await eventually(
    () =>
      pendingItem(ids.Léa!)
        .getByTestId('photo')
        .evaluate((img) => (img as HTMLImageElement).naturalWidth),
    (w) => w === 640,
    10_000,
    'photo loaded',
  );
  // The message is text: shown as typed, nothing of it run or made an element.
  const hugo = pendingItem(ids.Hugo!);
  expect(await hugo.getByTestId('message-text').innerText()).toBe(xss);
  expect(await hugo.getByTestId('message-text').locator('img').count()).toBe(0);
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.getByTestId('keys-help').innerText()).toMatch(
    /A R B ↑ ↓ — .*A approuve, R refuse, B bannit.*↑ et ↓ passent/,
  );
  await shot(page, 'ecran-queue');

  // A on Léa: approved, on the venue feed; the focus goes to Hugo.
  await pendingItem(ids.Léa!).focus();
  await page.keyboard.press('a');
  await said(page, 'Approuvée : Léa (part sur l’écran)');
  expect((await feed()).map((c) => c.firstName)).toEqual(['Léa']);
  await focusOn(ids.Hugo!, 'Hugo');

  // B on Hugo: asked first, then his device is banned: his next sending is refused.
  const question = nextDialog(page, true);
  await page.keyboard.press('b');
  expect(await question).toMatch(/^Bannir l’appareil qui a envoyé la photo de « Hugo » \?/);
  await said(page, 'Appareil de Hugo banni : 1 envoi refusé');
  const again = await send('Hugo', 'Encore moi', 'phone-hugo-0002');
  expect([again.status, again.body.error?.code]).toEqual([403, 'device_banned']);
  await focusOn(ids.Inès!, 'Inès');

  // R on Inès: rejected, not on the feed; the focus goes to Zoé.
  await page.keyboard.press('r');
  await said(page, 'Refusée : Inès');
  await focusOn(ids.Zoé!, 'Zoé');
  expect((await feed()).map((c) => c.firstName)).toEqual(['Léa']);

  // A new sending appears within a few seconds; the focus stays on Zoé all along.
  const noe = await send('Noé', 'Premier match !', 'phone-noe-0005');
  expect(noe.status).toBe(201);
  ids.Noé = noe.body.id!;
  await eventually(pendingNames, (n) => n.join() === 'Zoé,Noé', 15_000, 'new arrival');
  expect(await focusedRow()).toBe(ids.Zoé);
  // ↓ and ↑ move between pending items.
  await page.keyboard.press('ArrowDown');
  await focusOn(ids.Noé!, 'Noé');
  await page.keyboard.press('ArrowUp');
  await focusOn(ids.Zoé!, 'Zoé again');
  expect(await page.getByTestId('queue-counts').innerText()).toBe('2 en attente · 1 approuvée · 2 refusées');
  // The rejected are in their own view (tests/regie/screen-rejected.test.ts); back to the queue.
  await page.getByTestId('view-rejected').click();
  expect(await page.getByTestId('rejected-item').getByTestId('first-name').allInnerTexts()).toEqual(
    expect.arrayContaining(['Hugo', 'Inès']),
  );
  await page.getByTestId('view-queue').click();

  // Pin Léa: the feed says pinned, the page shows it.
  const lea = page.locator(`[data-testid="approved-item"][data-row="${ids.Léa}"]`);
  await lea.getByTestId('pin').click();
  await said(page, 'Épinglée : Léa (reste sur l’écran)');
  expect((await feed()).find((c) => c.id === ids.Léa)?.pinned).toBe(true);
  expect(await lea.getByTestId('pinned').innerText()).toBe('épinglée');
  expect(await lea.getByTestId('pin').innerText()).toBe('Désépingler');

  // Delete Zoé: « Annuler » keeps her; confirmed, she is gone with her photo.
  let asked = nextDialog(page, false);
  await pendingItem(ids.Zoé!).getByTestId('delete').click();
  expect(await asked).toMatch(/^Supprimer définitivement la contribution de « Zoé »/);
  expect((await queue()).items.map((c) => c.id)).toContain(ids.Zoé);
  asked = nextDialog(page, true);
  await pendingItem(ids.Zoé!).getByTestId('delete').click();
  await asked;
  await said(page, 'Contribution supprimée : Zoé');
  expect((await queue()).items.map((c) => c.id)).not.toContain(ids.Zoé);
  expect((await fetch(`${rig.stack.edgeUrl}/contributions/photos/${ids.Zoé}.jpg`)).status).toBe(404);
  expect(await pendingNames()).toEqual(['Noé']);
  await shot(page, 'ecran-moderated');
  noPageErrors(rig);
}, 120_000);

test('trusted mode: a sending goes straight to the screen', async () => {
  const { page } = rig;
  await page.getByTestId('window-trusted').check();
  await page.getByTestId('save-window').click();
  await said(page, /\(mode de confiance : approuvé d’office\)$/);
  await page.getByTestId('trusted-on').waitFor();
  const sent = await send('Club', 'Bienvenue au Palais !', 'phone-club-0006');
  expect([sent.status, sent.body.state]).toEqual([201, 'approved']);
  expect((await feed()).map((c) => c.firstName)).toContain('Club');
  await eventually(
    () => page.getByTestId('approved-item').getByTestId('first-name').allInnerTexts(),
    (n) => n.includes('Club'),
    15_000,
    'trusted item listed as approved',
  );
  noPageErrors(rig);
}, 60_000);

test('the whole way: a phone sends, A on the régie, the venue screen shows it within 5 s', async () => {
  const { page } = rig;
  await page.getByTestId('window-trusted').uncheck();
  await page.getByTestId('save-window').click();
  await said(page, /^Fenêtre d’envoi enregistrée pour Handball : Cité contre Port : [^(]+$/);

  // The venue's wall, from the link the page gives (the TV app's `?venue=` mode).
  const wall = await openPage(rig.tv.browser, { viewport: { width: 1920, height: 1080 }, locale: 'fr-FR' });
  await wall.page.goto((await page.getByTestId('venue-link').getAttribute('href')) ?? '');

  // A spectator's phone: the page the régie names, a photo from the library, a first name, sent.
  const phone = await openPage(rig.tv.browser, PHONE);
  await phone.page.goto(await page.getByTestId('phone-url').innerText());
  await phone.page.locator('#title', { hasText: 'Handball' }).waitFor();
  await phone.page.setInputFiles('#library', {
    name: 'tribune.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from(photo),
  });
  await phone.page.locator('#preview').waitFor({ state: 'visible' });
  await phone.page.fill('#firstName', 'Jade');
  await phone.page.fill('#message', 'Coucou de la tribune Est');
  await phone.page.check('#terms');
  await phone.page.click('#send');
  await phone.page.locator('#sent-title').waitFor({ state: 'visible' });

  // It comes to the queue by itself; A on it; the wall shows it.
  const jade = await eventually(
    async () => (await queue()).items.find((c) => c.firstName === 'Jade' && c.state === 'pending')?.id ?? '',
    (id) => id !== '',
    10_000,
    'Jade pending',
  );
  await pendingItem(jade).waitFor({ timeout: 10_000 });
  await pendingItem(jade).focus();
  const approvedAt = Date.now();
  await page.keyboard.press('a');
  // Polled in the wall's page itself (every frame), so the time is the wall's, not the poll's.
  await wall.page.waitForFunction(
    (id) =>
      Array.from(document.querySelectorAll(`[data-testid="venue-card-${id}"] [texture-text]`)).some(
        (e) => e.getAttribute('texture-text') === 'Jade',
      ),
    jade,
    { timeout: 10_000, polling: 'raf' },
  );
  const seconds = (Date.now() - approvedAt) / 1000;
  process.stderr.write(`A pressed on the régie → picture on the venue screen: ${seconds.toFixed(2)} s\n`);
  expect(seconds).toBeLessThanOrEqual(5);
  expect(await isVisible(wall.page, `venue-card-${jade}`)).toBe(true);
  expect(await textsIn(wall.page, `venue-card-${jade}`)).toEqual(
    expect.arrayContaining(['Jade', 'Coucou de la tribune Est']),
  );
  await said(page, 'Approuvée : Jade (part sur l’écran)');
  await shot(wall.page, 'ecran-venue-wall');
  await shot(phone.page, 'ecran-phone-sent');
  await wall.context.close();
  await phone.context.close();
  noPageErrors(rig);
}, 120_000);
