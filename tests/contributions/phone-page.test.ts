// The spectator's phone page in real Chromium with a phone's viewport (touch, 393×851 at 2.75×),
// against a real origin: pick a photo, a first name with HTML in it, a message (its counter), the
// terms, send (progress shown), then the answer and the deletion code; the photo deleted from the
// page; outside the window a clear sentence instead of the form. Screenshots in tests/artifacts/.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchTv, openPage, screenshot, type TvBrowser } from '../support/browser.ts';
import { testJpeg } from '../support/contributions.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { staffClient } from '../support/staff-api.ts';

const ADMIN = 'phone-page-admin-token-0123456789';
const PHONE = {
  viewport: { width: 393, height: 851 },
  deviceScaleFactor: 2.75,
  isMobile: true,
  hasTouch: true,
  locale: 'fr-FR',
  timezoneId: 'Europe/Paris',
  userAgent:
    'Mozilla/5.0 (Linux; Android 12; Pixel 5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Mobile Safari/537.36',
};
const iso = (ms: number) => new Date(ms).toISOString();

let dir: string;
let origin: TestOrigin;
let chromium: TvBrowser;
const staff = staffClient(() => origin.url, ADMIN);

async function newEvent(title: string): Promise<string> {
  for (let i = 0; ; i++) {
    const made = await staff<{ id: string }>('POST', '/events', {
      channelId: 'sport',
      title,
      venue: 'Palais des sports',
      startsAt: iso(Date.now() + 3_600_000),
      endsAt: iso(Date.now() + 7_200_000),
    });
    if (made.status === 201) return made.body.id;
    if (i > 50) throw new Error(`event not created: ${JSON.stringify(made)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cite-tv-phone-'));
  execFileSync(process.execPath, ['scripts/build-participer.mjs', '--out', join(dir, 'page')], { stdio: 'ignore' });
  origin = await startOrigin({
    staffAdminToken: ADMIN,
    contributions: { pageDir: `${join(dir, 'page')}/`, config: { mediaDir: join(dir, 'media') } },
  });
  chromium = await launchTv();
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await chromium?.close();
  await origin?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function phone(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  return openPage(chromium.browser, PHONE);
}

describe('the phone page', () => {
  test('sends a photo with a first name and a message, shows the answer and the code, and deletes it', async () => {
    const eventId = await newEvent('Handball : Cité contre Port');
    const window = await staff('PUT', `/contributions/events/${eventId}/settings`, {
      opensAt: iso(Date.now() - 60_000),
      closesAt: iso(Date.now() + 3_600_000),
    });
    expect(window.status).toBe(200);
    const photoFile = join(dir, 'tribune.jpg');
    writeFileSync(photoFile, testJpeg(1600, 1200));

    const { context, page, errors } = await phone();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await page.goto(`${origin.url}/participer/${eventId}`);
    await page.locator('#title', { hasText: 'Handball' }).waitFor();
    expect(await page.locator('#form').isVisible()).toBe(true);

    await page.setInputFiles('#library', photoFile);
    await page.locator('#preview').waitFor({ state: 'visible' });
    const name = '<img src=x onerror=__xss=1>Zoé';
    await page.fill('#firstName', name);
    await page.fill('#message', 'Allez la Cité ! 🎉<script>window.__xss=2</script>');
    expect(await page.textContent('#counter')).toBe('48 / 140');
    await screenshot(page, 'contributions-phone-form');

    // Sending without the terms is stopped on the phone, with the reason.
    await page.click('#send');
    expect(await page.textContent('#error')).toBe('Cochez la case pour accepter que la chaîne montre votre photo.');
    await page.check('#terms');
    await page.evaluate(() => {
      const w = window as unknown as { __progress: string[] };
      w.__progress = [];
      const button = document.getElementById('send') as HTMLElement;
      new MutationObserver(() => w.__progress.push(button.textContent ?? '')).observe(button, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await page.click('#send');
    await page.waitForFunction(
      () => !document.getElementById('sent')?.hidden || document.getElementById('error')?.textContent,
    );
    expect(await page.textContent('#error')).toBe('');
    expect(await page.textContent('#sent-title')).toBe('Envoyé ! Il sera peut-être bientôt sur l’écran géant');
    const code = (await page.textContent('#code')) ?? '';
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const progress = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    process.stderr.write(`phone page: send button said ${JSON.stringify(progress)}\n`);
    expect(progress.some((t) => /^Envoi… \d+ %$/.test(t))).toBe(true);
    await screenshot(page, 'contributions-phone-sent');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    // What the moderators get: the name and message as text, the photo re-encoded.
    const queue = await staff<{ items: { id: string; firstName: string; message: string; photo: string }[] }>(
      'GET',
      `/contributions/events/${eventId}?state=pending`,
    );
    expect(queue.body.items).toHaveLength(1);
    const [item] = queue.body.items;
    expect(item?.firstName).toBe(name);
    expect(item?.message).toBe('Allez la Cité ! 🎉<script>window.__xss=2</script>');
    const photoUrl = `${origin.url}${item?.photo}`;
    expect((await fetch(photoUrl)).status).toBe(200);

    await page.click('#delete');
    await page.locator('#sent-status', { hasText: 'Votre photo est supprimée.' }).waitFor();
    expect(dialogs).toEqual(['Supprimer votre photo ? Elle ne sera plus montrée.']);
    expect((await fetch(photoUrl)).status).toBe(404);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a 12-megapixel photo over an emulated 4G link on a CPU slowed 4×: shrunk on the phone, sent, answered (times reported)', async () => {
    const eventId = await newEvent('Basket : Cité contre Lac');
    await staff('PUT', `/contributions/events/${eventId}/settings`, {
      opensAt: iso(Date.now() - 60_000),
      closesAt: iso(Date.now() + 3_600_000),
    });
    const photoFile = join(dir, 'phone-photo.jpg');
    execFileSync('/usr/bin/ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=4000x3000,noise=alls=25:allf=t+u',
      '-frames:v',
      '1',
      '-q:v',
      '4',
      '-y',
      photoFile,
    ]);
    const originalBytes = statSync(photoFile).size;

    const { context, page, errors } = await phone();
    const cdp = await context.newCDPSession(page);
    // An uplink a full stand shares: 80 ms, 9 Mbit/s down, 3 Mbit/s up.
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 80,
      downloadThroughput: (9e6 / 8) | 0,
      uploadThroughput: (3e6 / 8) | 0,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    // What the page hands to XHR: the photo's size after the phone's shrink.
    await page.addInitScript(() => {
      const send = XMLHttpRequest.prototype.send;
      XMLHttpRequest.prototype.send = function (body) {
        const photo = body instanceof FormData ? body.get('photo') : null;
        if (photo instanceof Blob) (window as unknown as { __photoBytes: number }).__photoBytes = photo.size;
        return send.call(this, body);
      };
    });
    const opened = performance.now();
    await page.goto(`${origin.url}/participer/${eventId}`);
    await page.locator('#form').waitFor({ state: 'visible' });
    const readyMs = performance.now() - opened;
    await page.setInputFiles('#camera', photoFile);
    await page.fill('#firstName', 'Yanis');
    await page.fill('#message', 'Premier rang !');
    await page.check('#terms');
    const clicked = performance.now();
    await page.click('#send');
    await page.locator('#sent').waitFor({ state: 'visible', timeout: 120_000 });
    const sendMs = performance.now() - clicked;
    const uploaded = await page.evaluate(() => (window as unknown as { __photoBytes?: number }).__photoBytes ?? 0);
    process.stderr.write(
      `phone page on emulated 4G, CPU ÷4: form ready ${readyMs.toFixed(0)} ms; photo ${originalBytes} B on disk, ${uploaded} B sent; send → answer ${sendMs.toFixed(0)} ms\n`,
    );
    expect(uploaded).toBeGreaterThan(0);
    expect(uploaded).toBeLessThan(originalBytes);
    const queue = await staff<{ items: { width: number; height: number }[] }>(
      'GET',
      `/contributions/events/${eventId}`,
    );
    expect(queue.body.items.map((i) => [i.width, i.height])).toEqual([[1440, 1080]]);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  test('told the server is busy (503, Retry-After): the sentence, and the button waits that long', async () => {
    // A real origin whose photo line gives up at once: every sending is answered 503 busy.
    const busy = await startOrigin({
      staffAdminToken: ADMIN,
      contributions: {
        pageDir: `${join(dir, 'page')}/`,
        config: { mediaDir: join(dir, 'media-busy'), photoDeadlineSeconds: 0.001, busyRetryAfterSeconds: 3 },
      },
    });
    const busyStaff = staffClient(() => busy.url, ADMIN);
    const { context, page, errors } = await phone();
    try {
      let eventId = '';
      for (let i = 0; !eventId; i++) {
        const made = await busyStaff<{ id: string }>('POST', '/events', {
          channelId: 'sport',
          title: 'Match sous le déluge',
          venue: 'Palais des sports',
          startsAt: iso(Date.now() + 3_600_000),
          endsAt: iso(Date.now() + 7_200_000),
        });
        if (made.status === 201) eventId = made.body.id;
        else if (i > 50) throw new Error(`event not created: ${JSON.stringify(made)}`);
        else await new Promise((r) => setTimeout(r, 200));
      }
      await busyStaff('PUT', `/contributions/events/${eventId}/settings`, {
        opensAt: iso(Date.now() - 60_000),
        closesAt: iso(Date.now() + 3_600_000),
      });
      const photoFile = join(dir, 'deluge.jpg');
      writeFileSync(photoFile, testJpeg(800, 600));
      await page.goto(`${busy.url}/participer/${eventId}`);
      await page.locator('#title', { hasText: 'Match' }).waitFor();
      await page.setInputFiles('#library', photoFile);
      await page.fill('#firstName', 'Noé');
      await page.check('#terms');
      await page.click('#send');
      await page.locator('#error', { hasText: 'réessayez dans 3 secondes' }).waitFor();
      expect(await page.textContent('#error')).toBe(
        'Beaucoup de photos arrivent en même temps : rien n’a été envoyé, réessayez dans 3 secondes.',
      );
      // The button counts down instead of inviting an immediate retry, then comes back.
      await page.locator('#send', { hasText: /^Réessayer dans [1-3] s$/ }).waitFor();
      expect(await page.isDisabled('#send')).toBe(true);
      await screenshot(page, 'contributions-phone-busy');
      await page.locator('#send', { hasText: /^Envoyer$/ }).waitFor({ timeout: 30_000 });
      expect(await page.isDisabled('#send')).toBe(false);
      // Only the browser's own line about the 503: no script error.
      expect(errors.filter((e) => !/status of 503/.test(e))).toEqual([]);
    } finally {
      await context.close();
      await busy.close();
    }
  }, 120_000);

  test('outside the window: a clear sentence, no form; the short URL leads to the page', async () => {
    const eventId = await newEvent('Concert de clôture');
    const { context, page } = await phone();
    await page.goto(`${origin.url}/participer/${eventId}`);
    await page.locator('#closed', { hasText: 'Les envois ne sont pas ouverts pour cet événement.' }).waitFor();
    expect(await page.locator('#form').isVisible()).toBe(false);

    const settings = await staff<{ shortCode: string }>('PUT', `/contributions/events/${eventId}/settings`, {
      opensAt: iso(Date.now() + 2 * 3_600_000),
      closesAt: iso(Date.now() + 4 * 3_600_000),
    });
    await page.goto(`${origin.url}/p/${settings.body.shortCode}`);
    expect(new URL(page.url()).pathname).toBe(`/participer/${eventId}`);
    await page.locator('#closed', { hasText: /^Les envois ouvrent le .+ À tout à l’heure !$/ }).waitFor();
    await screenshot(page, 'contributions-phone-closed');
    await context.close();
  });
});
