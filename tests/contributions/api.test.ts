// The participative screen's backend on a real origin over HTTP, its store and rate limits on a
// real Redis: the window, a photo's journey (EXIF orientation applied, GPS gone from the served
// bytes), bad files, a flood from one device, XSS kept as text, moderation (audited) announced on
// the SSE feed with Last-Event-ID resumption, bans, and deletion by the spectator's code.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { RedisLimiter } from '../../edge-origin/src/origin/contributions/limiter.ts';
import { RedisRecordStore } from '../../edge-origin/src/origin/store/redis-record-store.ts';
import {
  hugePngHeader,
  openSse,
  renamedExecutable,
  sendContribution,
  testJpeg,
  withExifGps,
} from '../support/contributions.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { staffClient } from '../support/staff-api.ts';

const ADMIN = 'contributions-admin-token-0123456789';
/** An ISO BMFF file of brand `heic` (what an iPhone writes), its image data absent. */
const heicHeader = () =>
  new Uint8Array(
    Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64)]),
  );
const PER_DEVICE = 5;
let redis: TestRedis;
let store: RedisRecordStore;
let limiter: RedisLimiter;
let origin: TestOrigin;
let mediaDir: string;
let eventId: string;
const staff = staffClient(() => origin.url, ADMIN);
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  redis = await startRedis();
  const prefix = `contrib-${Date.now()}:`;
  store = new RedisRecordStore({ url: redis.url, prefix, log: () => {} });
  await store.ready();
  limiter = new RedisLimiter({ url: redis.url, prefix: `${prefix}rate:` });
  mediaDir = mkdtempSync(join(tmpdir(), 'cite-tv-contrib-'));
  origin = await startOrigin({
    store,
    staffAdminToken: ADMIN,
    contributions: { limiter, config: { mediaDir, perDeviceLimit: PER_DEVICE, perAddressLimit: 1000 } },
  });
  // The catalog is seeded in the background: wait for the channels, then make an event.
  for (let i = 0; ; i++) {
    const made = await staff<{ id: string }>('POST', '/events', {
      channelId: 'sport',
      title: 'Handball : Cité contre Port',
      venue: 'Palais des sports',
      startsAt: iso(Date.now() + 3_600_000),
      endsAt: iso(Date.now() + 7_200_000),
    });
    if (made.status === 201) {
      eventId = made.body.id;
      break;
    }
    if (i > 50) throw new Error(`event not created: ${JSON.stringify(made)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await origin?.close();
  await limiter?.close();
  await store?.close();
  await redis?.stop();
  if (mediaDir) rmSync(mediaDir, { recursive: true, force: true });
});

const openWindow = (trusted = false) =>
  staff('PUT', `/contributions/events/${eventId}/settings`, {
    opensAt: iso(Date.now() - 3_600_000),
    closesAt: iso(Date.now() + 3 * 3_600_000),
    trusted,
  });
let devices = 0;
const newDevice = () => `device-${Date.now().toString(36)}-${++devices}`;

describe('the contribution window', () => {
  test('outside it a sending is refused (403) with a sentence saying when', async () => {
    const none = await sendContribution(origin.url, eventId, { photo: testJpeg(320, 240), deviceId: newDevice() });
    expect([none.status, none.body.error?.code]).toEqual([403, 'window_closed']);

    const later = await staff('PUT', `/contributions/events/${eventId}/settings`, {
      opensAt: iso(Date.now() + 3_600_000),
      closesAt: iso(Date.now() + 7_200_000),
    });
    expect(later.status).toBe(200);
    const early = await sendContribution(origin.url, eventId, { photo: testJpeg(320, 240), deviceId: newDevice() });
    expect(early.status).toBe(403);
    expect(early.body.error?.message).toMatch(/^Les envois ouvrent le/);

    await staff('PUT', `/contributions/events/${eventId}/settings`, {
      opensAt: iso(Date.now() - 7_200_000),
      closesAt: iso(Date.now() - 3_600_000),
    });
    const late = await sendContribution(origin.url, eventId, { photo: testJpeg(320, 240), deviceId: newDevice() });
    expect(late.status).toBe(403);
    expect(late.body.error?.message).toMatch(/^Les envois sont fermés/);

    const page = (await (await fetch(`${origin.url}/api/v1/contributions/events/${eventId}`)).json()) as {
      window: { open: boolean };
    };
    expect(page.window.open).toBe(false);
    const backwards = await staff<{ error: { code: string } }>('PUT', `/contributions/events/${eventId}/settings`, {
      opensAt: iso(Date.now()),
      closesAt: iso(Date.now() - 1000),
    });
    expect([backwards.status, backwards.body.error.code]).toEqual([400, 'invalid_window']);
  });
});

describe('inside the window', () => {
  beforeAll(async () => {
    expect((await openWindow()).status).toBe(200);
  });

  test('a JPEG with EXIF GPS and orientation: stored turned upright, its metadata gone from the served bytes', async () => {
    const original = withExifGps(testJpeg(400, 300));
    const before = await sharp(original).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true); // the GPS pointer tag, little-endian

    const sent = await sendContribution(origin.url, eventId, { photo: original, deviceId: newDevice() });
    expect(sent.status).toBe(201);
    expect(sent.body.state).toBe('pending');
    expect(sent.body.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);

    const photo = await fetch(`${origin.url}/contributions/photos/${sent.body.id}.jpg`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const served = new Uint8Array(await photo.arrayBuffer());
    const after = await sharp(served).metadata();
    expect({
      width: after.width,
      height: after.height,
      orientation: after.orientation,
      exif: after.exif,
      xmp: after.xmp,
    }).toEqual({
      width: 300,
      height: 400,
      orientation: undefined,
      exif: undefined,
      xmp: undefined,
    });
    expect(Buffer.from(served).includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    expect(Buffer.from(served).equals(Buffer.from(original))).toBe(false);
  });

  test('bad files are refused with the reason and a fitting status', async () => {
    const jpeg = testJpeg(640, 480);
    const cases = [
      { what: 'a renamed executable', photo: renamedExecutable(), status: 415, code: 'unsupported_image' },
      { what: 'a 30,000 × 30,000 PNG', photo: hugePngHeader(), status: 413, code: 'too_many_pixels' },
      {
        what: 'a truncated JPEG',
        photo: jpeg.subarray(0, Math.floor(jpeg.length / 2)),
        status: 422,
        code: 'unreadable_image',
      },
      { what: 'over 10 MB', photo: new Uint8Array(10 * 1024 * 1024 + 1).fill(0xff), status: 413, code: 'too_large' },
      { what: 'a HEIC photo (no HEVC decoder here)', photo: heicHeader(), status: 415, code: 'unsupported_image' },
      { what: 'no photo', photo: undefined, status: 400, code: 'missing_photo' },
    ];
    const seen = [];
    for (const c of cases) {
      const r = await sendContribution(origin.url, eventId, {
        ...(c.photo ? { photo: c.photo } : {}),
        deviceId: newDevice(),
      });
      seen.push({ what: c.what, status: r.status, code: r.body.error?.code, field: r.body.error?.field });
      expect(r.body.error?.message).toMatch(/\S/);
    }
    expect(seen).toEqual(cases.map((c) => ({ what: c.what, status: c.status, code: c.code, field: 'photo' })));
    const heic = await sendContribution(origin.url, eventId, { photo: heicHeader(), deviceId: newDevice() });
    expect(heic.body.error?.message).toMatch(/^Les photos HEIC ne sont pas encore acceptées/);
    const noTerms = await sendContribution(origin.url, eventId, { photo: jpeg, terms: false, deviceId: newDevice() });
    expect([noTerms.status, noTerms.body.error?.field]).toEqual([400, 'terms']);
    const long = await sendContribution(origin.url, eventId, {
      photo: jpeg,
      message: 'é'.repeat(141),
      deviceId: newDevice(),
    });
    expect([long.status, long.body.error?.code]).toEqual([400, 'message_too_long']);
    const exact = await sendContribution(origin.url, eventId, {
      photo: jpeg,
      message: '👍🏽'.repeat(140),
      deviceId: newDevice(),
    });
    expect(exact.status).toBe(201);
  });

  test('XSS in the name and message is kept as inert text; control and direction characters are removed', async () => {
    const sent = await sendContribution(origin.url, eventId, {
      photo: testJpeg(320, 240),
      firstName: '  <img src=x onerror=alert(1)>\u0007 ',
      message: '<script>alert("x")</script>\u202Egnp.exe\n\tok',
      deviceId: newDevice(),
    });
    expect(sent.status).toBe(201);
    expect(sent.body.firstName).toBe('<img src=x onerror=alert(1)>');
    expect(sent.body.message).toBe('<script>alert("x")</script>gnp.exe ok');
    const queue = await staff<{ items: { id: string; firstName: string; message: string }[] }>(
      'GET',
      `/contributions/events/${eventId}?state=pending`,
    );
    expect(queue.body.items.find((i) => i.id === sent.body.id)?.message).toBe('<script>alert("x")</script>gnp.exe ok');
  });

  test('100 sendings in a minute from one device: the first ones pass, the rest get 429 with Retry-After', async () => {
    const device = newDevice();
    const photo = testJpeg(160, 120);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    let message = '';
    for (let i = 0; i < 100; i++) {
      const r = await sendContribution(origin.url, eventId, { photo, deviceId: device, message: `n° ${i}` });
      statuses.push(r.status);
      if (r.status === 429) {
        retryAfter = r.retryAfter;
        message = r.body.error?.message ?? '';
      }
    }
    expect(statuses.filter((s) => s === 201).length).toBe(PER_DEVICE);
    expect(statuses.filter((s) => s === 429).length).toBe(100 - PER_DEVICE);
    expect(statuses.slice(0, PER_DEVICE).every((s) => s === 201)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(message).toMatch(/^Vous avez beaucoup envoyé/);
    // Another phone is not slowed by that one.
    expect((await sendContribution(origin.url, eventId, { photo, deviceId: newDevice() })).status).toBe(201);
  });

  test('approve → the SSE feed announces it; pins and removals too; Last-Event-ID resumes without loss', async () => {
    const a = await sendContribution(origin.url, eventId, {
      photo: testJpeg(320, 240),
      firstName: 'Inès',
      deviceId: newDevice(),
    });
    const b = await sendContribution(origin.url, eventId, {
      photo: testJpeg(320, 240),
      firstName: 'Noé',
      deviceId: newDevice(),
    });
    const streamUrl = `${origin.url}/api/v1/contributions/events/${eventId}/stream`;
    const screen = openSse(streamUrl);
    const snapshot = await screen.next('snapshot');
    expect((snapshot.data as { items: { id: string }[] }).items.some((i) => i.id === a.body.id)).toBe(false);

    const asked = performance.now();
    const approved = await staff<{ state: string }>('POST', `/contributions/${a.body.id}/approve`, {});
    expect(approved.body.state).toBe('approved');
    const announced = await screen.next('approved');
    const ms = announced.at - asked;
    process.stderr.write(`contributions: approve → SSE "approved" in ${ms.toFixed(1)} ms\n`);
    expect(ms).toBeLessThan(5000);
    expect(announced.data).toMatchObject({
      type: 'approved',
      item: { id: a.body.id, firstName: 'Inès', photo: `/contributions/photos/${a.body.id}.jpg` },
    });

    // A network blip: the screen drops, meanwhile a pin and an approval; back with its last id.
    await screen.close();
    expect((await staff('POST', `/contributions/${a.body.id}/pin`, { pinned: true })).status).toBe(200);
    expect((await staff('POST', `/contributions/${b.body.id}/approve`, {})).status).toBe(200);
    const back = openSse(streamUrl, announced.id);
    const pinned = await back.next('pinned');
    const second = await back.next('approved');
    expect([pinned.data, second.data]).toMatchObject([
      { item: { id: a.body.id, pinned: true } },
      { item: { id: b.body.id } },
    ]);
    expect(back.messages.map((m) => m.event)).toEqual(['pinned', 'approved']);

    const rejected = await staff('POST', `/contributions/${a.body.id}/reject`, {});
    expect(rejected.status).toBe(200);
    expect((await back.next('removed')).data).toEqual({ type: 'removed', id: a.body.id });
    expect((await fetch(`${origin.url}/contributions/photos/${a.body.id}.jpg`)).status).toBe(404);
    await back.close();

    const feed = (await (await fetch(`${origin.url}/api/v1/contributions/events/${eventId}/feed`)).json()) as {
      items: { id: string }[];
    };
    expect(feed.items.map((i) => i.id)).toContain(b.body.id);
    expect(feed.items.map((i) => i.id)).not.toContain(a.body.id);

    const audit = await staff<{ items: { action: string; target: { id: string } }[] }>('GET', '/audit?limit=20');
    expect(audit.body.items.filter((e) => e.target.id === a.body.id).map((e) => e.action)).toEqual([
      'contribution.reject',
      'contribution.pin',
      'contribution.approve',
    ]);
  });

  test('a banned device is refused and its contributions leave the screen', async () => {
    const device = newDevice();
    const sent = await sendContribution(origin.url, eventId, { photo: testJpeg(320, 240), deviceId: device });
    expect((await staff('POST', `/contributions/${sent.body.id}/ban`, {})).status).toBe(200);
    const again = await sendContribution(origin.url, eventId, { photo: testJpeg(320, 240), deviceId: device });
    expect([again.status, again.body.error?.code]).toEqual([403, 'device_banned']);
    const rejected = await staff<{ items: { id: string }[] }>('GET', `/contributions/events/${eventId}?state=rejected`);
    expect(rejected.body.items.map((i) => i.id)).toContain(sent.body.id);
  });

  test('trusted mode: a sending is approved at once and announced', async () => {
    await openWindow(true);
    const screen = openSse(`${origin.url}/api/v1/contributions/events/${eventId}/stream`);
    await screen.next('snapshot');
    const sent = await sendContribution(origin.url, eventId, {
      photo: testJpeg(320, 240),
      firstName: 'Coach',
      deviceId: newDevice(),
    });
    expect(sent.body.state).toBe('approved');
    expect((await screen.next('approved')).data).toMatchObject({ item: { id: sent.body.id } });
    await screen.close();
    await openWindow(false);
  });

  test('the spectator deletes with the code: record, photo and code gone', async () => {
    const sent = await sendContribution(origin.url, eventId, { photo: testJpeg(320, 240), deviceId: newDevice() });
    const photoUrl = `${origin.url}/contributions/photos/${sent.body.id}.jpg`;
    expect((await fetch(photoUrl)).status).toBe(200);
    const del = (code: string) =>
      fetch(`${origin.url}/api/v1/contributions/delete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
    expect((await del('ZZZZ-ZZZZ')).status).toBe(404);
    expect((await del(String(sent.body.code).toLowerCase())).status).toBe(204);
    expect((await fetch(photoUrl)).status).toBe(404);
    expect((await del(String(sent.body.code))).status).toBe(404);
    const all = await staff<{ items: { id: string }[] }>('GET', `/contributions/events/${eventId}`);
    expect(all.body.items.map((i) => i.id)).not.toContain(sent.body.id);
  });
});
