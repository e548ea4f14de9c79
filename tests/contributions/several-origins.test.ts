// Two origins on one real Redis (the store, the limits, the screens' feed as a Redis stream per
// event, the photo folder's byte tally) and one shared photo folder, as two replicas behind a
// balancer: a venue screen on origin B sees an approval made on origin A within 5 s; a screen
// cut off from B resumes on A with Last-Event-ID and gets exactly what it missed (no snapshot),
// while an id it cannot place gets a snapshot; the folder's bound counts what both wrote and
// what either deleted; a screen left open while Redis restarts hears approvals again after.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContributionsConfig } from '../../edge-origin/src/origin/contributions/config.ts';
import { RedisLimiter } from '../../edge-origin/src/origin/contributions/limiter.ts';
import { RedisByteTally } from '../../edge-origin/src/origin/contributions/media-folder.ts';
import type { PublicContribution } from '../../edge-origin/src/origin/contributions/model.ts';
import { processPhoto } from '../../edge-origin/src/origin/contributions/photo.ts';
import { RedisFeed } from '../../edge-origin/src/origin/contributions/redis-feed.ts';
import { RedisRecordStore } from '../../edge-origin/src/origin/store/redis-record-store.ts';
import { openSse, sendContribution, testJpeg } from '../support/contributions.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { staffClient } from '../support/staff-api.ts';

const ADMIN = 'several-origins-admin-token-0123456789';
const iso = (ms: number) => new Date(ms).toISOString();
const photo = testJpeg(640, 480);

let redis: TestRedis;
let dir: string;
let eventId = '';
/** One re-encoded photo's bytes (the same picture always gives the same JPEG). */
let photoBytes = 0;
const closers: { close(): Promise<void> }[] = [];
const origins: Record<'A' | 'B', TestOrigin> = {} as Record<'A' | 'B', TestOrigin>;
const staffA = staffClient(() => origins.A.url, ADMIN);
const staffB = staffClient(() => origins.B.url, ADMIN);

/** One origin process's Redis parts, as createContributions makes them from REDIS_URL. */
async function startReplica(prefix: string, mediaMaxBytes: number): Promise<TestOrigin> {
  const store = new RedisRecordStore({ url: redis.url, prefix, log: () => {} });
  await store.ready();
  const limiter = new RedisLimiter({ url: redis.url, prefix: `${prefix}contrib:rate:` });
  const feed = new RedisFeed({ url: redis.url, prefix: `${prefix}contrib:feed:`, backlog: 500, ttlSeconds: 3600 });
  const mediaTally = new RedisByteTally({ url: redis.url, key: `${prefix}contrib:media-bytes` });
  const origin = await startOrigin({
    store,
    staffAdminToken: ADMIN,
    contributions: {
      limiter,
      feed,
      mediaTally,
      config: { mediaDir: join(dir, 'media'), mediaMaxBytes, perAddressLimit: 1000 },
    },
  });
  closers.push(origin, feed, mediaTally, limiter, store);
  return origin;
}

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'cite-tv-two-origins-'));
  photoBytes = (await processPhoto(photo, loadContributionsConfig({ overrides: { mediaDir: dir } }))).jpeg.length;
  // Room for four photos and a half: the fifth is refused whichever origin it reaches.
  const bound = Math.floor(4.5 * photoBytes);
  const prefix = `two-${Date.now()}:`;
  origins.A = await startReplica(prefix, bound);
  origins.B = await startReplica(prefix, bound);
  for (let i = 0; !eventId; i++) {
    const made = await staffA<{ id: string }>('POST', '/events', {
      channelId: 'sport',
      title: 'Handball : Cité contre Port',
      venue: 'Palais des sports',
      startsAt: iso(Date.now() + 600_000),
      endsAt: iso(Date.now() + 7_200_000),
    });
    if (made.status === 201) eventId = made.body.id;
    // The catalog's channels are seeded in the background at start.
    else if (i > 50) throw new Error(`event not created: ${JSON.stringify(made)}`);
    else await new Promise((r) => setTimeout(r, 200));
  }
  const window = await staffA('PUT', `/contributions/events/${eventId}/settings`, {
    opensAt: iso(Date.now() - 60_000),
    closesAt: iso(Date.now() + 3_600_000),
  });
  expect(window.status).toBe(200);
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  for (const c of closers.reverse()) await c.close().catch(() => undefined);
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const stream = (on: 'A' | 'B', lastEventId?: string) =>
  openSse(`${origins[on].url}/api/v1/contributions/events/${eventId}/stream`, lastEventId);

async function send(on: 'A' | 'B', firstName: string, deviceId: string) {
  return sendContribution(origins[on].url, eventId, { photo, firstName, message: `Bonjour de ${firstName}`, deviceId });
}

async function pending(on: 'A' | 'B', firstName: string, deviceId: string): Promise<string> {
  const sent = await send(on, firstName, deviceId);
  expect([sent.status, sent.body.state]).toEqual([201, 'pending']);
  return sent.body.id as string;
}

const approveOn = async (staff: typeof staffA, id: string) =>
  expect((await staff('POST', `/contributions/${id}/approve`)).status).toBe(200);

let lastSeenOnB = '';
const ids: Record<string, string> = {};

describe('two origins on one Redis', () => {
  test('a screen on origin B sees an approval made on origin A within 5 s', async () => {
    const screen = stream('B');
    const snapshot = await screen.next('snapshot');
    expect((snapshot.data as { items: unknown[] }).items).toEqual([]);
    ids.Léa = await pending('A', 'Léa', 'device-two-0001');
    const before = screen.messages.length;
    const at = performance.now();
    await approveOn(staffA, ids.Léa);
    const approved = await screen.next('approved', before, 5000);
    const seconds = (approved.at - at) / 1000;
    process.stderr.write(`approved on A → on B's screen: ${seconds.toFixed(3)} s\n`);
    expect(seconds).toBeLessThanOrEqual(5);
    expect((approved.data as { item: PublicContribution }).item).toMatchObject({
      id: ids.Léa,
      firstName: 'Léa',
      message: 'Bonjour de Léa',
    });
    // An id both origins can place: the Redis stream's.
    expect(approved.id).toMatch(/^\d+-\d+$/);
    lastSeenOnB = approved.id;
    // The photo the item names is served by either origin (one folder).
    for (const on of ['A', 'B'] as const)
      expect((await fetch(`${origins[on].url}/contributions/photos/${ids.Léa}.jpg`)).status).toBe(200);
    await screen.close();
  }, 30_000);

  test('cut off from B, the screen resumes on A with Last-Event-ID: exactly what it missed', async () => {
    // While no screen listens: two approvals (one on each origin) and a removal.
    ids.Hugo = await pending('B', 'Hugo', 'device-two-0002');
    ids.Inès = await pending('A', 'Inès', 'device-two-0003');
    await approveOn(staffB, ids.Hugo);
    await approveOn(staffA, ids.Inès);
    expect((await staffB('POST', `/contributions/${ids.Léa}/reject`)).status).toBe(200);

    const resumed = stream('A', lastSeenOnB);
    const removed = await resumed.next('removed');
    expect(
      resumed.messages.map((m) => [m.event, (m.data as { item?: { firstName: string } }).item?.firstName]),
    ).toEqual([
      ['approved', 'Hugo'],
      ['approved', 'Inès'],
      ['removed', undefined],
    ]);
    expect(removed.data).toEqual({ type: 'removed', id: ids.Léa });
    // Live again after the backlog: a pin made on B reaches the screen on A.
    const before = resumed.messages.length;
    expect((await staffB('POST', `/contributions/${ids.Inès}/pin`, { pinned: true })).status).toBe(200);
    const pinned = await resumed.next('pinned', before, 5000);
    expect((pinned.data as { item: PublicContribution }).item.id).toBe(ids.Inès);
    await resumed.close();

    // An id it cannot place (an old process's memory id, or past the stream's end): a snapshot.
    for (const unknown of ['k3x9a1.4', '99999999999999-0']) {
      const fresh = stream('B', unknown);
      const snapshot = await fresh.next('snapshot');
      expect((snapshot.data as { items: PublicContribution[] }).items.map((c) => c.firstName)).toEqual([
        'Inès',
        'Hugo',
      ]);
      await fresh.close();
    }
  }, 30_000);

  test('the photo folder’s bound counts what both origins wrote and deleted', async () => {
    // Three photos stored (Léa, Hugo, Inès); a fourth through B fits in four and a half.
    ids.Zoé = (await send('B', 'Zoé', 'device-two-0004')).body.id as string;
    expect(ids.Zoé).toBeDefined();
    // A fifth through A would pass the bound: refused, though A itself wrote only two of them.
    const refused = await send('A', 'Noé', 'device-two-0005');
    expect([refused.status, refused.body.error?.code]).toEqual([507, 'storage_full']);
    // Deleted through B: A has room again.
    expect((await staffB('DELETE', `/contributions/${ids.Zoé}`)).status).toBe(204);
    const again = await send('A', 'Noé', 'device-two-0006');
    expect(again.status).toBe(201);
    ids.Noé = again.body.id as string;
  }, 30_000);
});

describe('Redis restarted under the screens', () => {
  test('a screen left open on B hears approvals again once Redis is back', async () => {
    const screen = stream('B');
    await screen.next('snapshot');
    // Noé, still pending from the test above (the folder is full).
    const id = ids.Noé as string;
    await redis.restart();
    // The origins reconnect by themselves; the screen's connection to B stayed open.
    const before = screen.messages.length;
    await new Promise((r) => setTimeout(r, 1000));
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await staffA('POST', `/contributions/${id}/approve`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 300));
    }
    expect(status).toBe(200);
    const approved = await screen.next('approved', before, 5000);
    expect((approved.data as { item: PublicContribution }).item.firstName).toBe('Noé');
    await screen.close();
  }, 60_000);
});
