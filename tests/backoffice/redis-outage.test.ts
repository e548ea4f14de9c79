// The origin started while Redis is down: it runs, says 503 (with a message) rather than
// crashing, and once Redis appears, however late, it seeds it (the catalog and the demo's sponsors
// and campaigns) and serves the catalog without a restart.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { ApiError, HomeResponse } from '../../shared/catalog/types.ts';
import { RedisRecordStore } from '../../edge-origin/src/origin/store/redis-record-store.ts';
import { StoreClosedError } from '../../edge-origin/src/origin/store/records.ts';
import { whenStoreUp } from '../../edge-origin/src/origin/store/seeding.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

let redis: TestRedis;
let store: RedisRecordStore;
let origin: TestOrigin;

beforeAll(async () => {
  redis = await startRedis();
  await redis.crash(); // the port is known, nothing listens on it
  store = new RedisRecordStore({ url: redis.url, log: () => {} });
  origin = await startOrigin({ store, staffAdminToken: 'admin' });
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await origin?.close();
  await store?.close();
  await redis?.stop();
});

/** Longer than the demo ads' seed used to retry (20 × 500 ms) before giving up for good. */
const OUTAGE_MS = 12_000;

test('Redis down at start: 503 with a message on reads and writes; Redis back after 12 s: seeded (catalog and demo ads) and served', async () => {
  const downSince = Date.now();
  const home = await fetch(`${origin.url}/api/v1/home`);
  expect(home.status).toBe(503);
  expect(((await home.json()) as ApiError).error.code).toBe('store_unavailable');
  expect(home.headers.get('cache-control')).toBe('no-store');

  const write = await fetch(`${origin.url}/api/v1/staff/events`, {
    method: 'POST',
    headers: { authorization: 'Bearer admin', 'content-type': 'application/json' },
    body: JSON.stringify({
      channelId: 'sport',
      title: 'Pendant la panne',
      startsAt: '2026-12-01T20:00:00Z',
      endsAt: '2026-12-01T22:00:00Z',
    }),
  });
  expect(write.status).toBe(503);
  expect(((await write.json()) as ApiError).error.message).toMatch(/Redis est injoignable.*Rien n’a été enregistré/);

  await new Promise((r) => setTimeout(r, downSince + OUTAGE_MS - Date.now()));
  await redis.restart();
  await store.ready(15_000);
  let body: HomeResponse | undefined;
  for (let i = 0; i < 50 && !body; i++) {
    const response = await fetch(`${origin.url}/api/v1/home`);
    if (response.status === 200) body = (await response.json()) as HomeResponse;
    else await new Promise((r) => setTimeout(r, 200));
  }
  expect(body!.channels.map((c) => c.channel.id)).toEqual(['sport', 'culture', 'business', 'agglo']);
  expect(await store.get('meta', 'seeded')).not.toBeNull();
  // The demo ads' seed waited for Redis too (it retries every 2 s: give it one period).
  let sponsors: unknown[] = [];
  for (let i = 0; i < 30 && sponsors.length === 0; i++) {
    sponsors = await store.list('sponsors');
    if (sponsors.length === 0) await new Promise((r) => setTimeout(r, 200));
  }
  expect(sponsors.length).toBe(2);
  expect((await store.list('campaigns')).length).toBe(2);
  expect(await store.get('meta', 'ads-seeded')).not.toBeNull();
}, 90_000);

test('a seed waiting for Redis stops once its store is closed: nothing runs on after its origin', async () => {
  const down = await startRedis();
  await down.crash(); // nothing listens: the store never comes up
  const closing = new RedisRecordStore({ url: down.url, log: () => {} });
  let tries = 0;
  const seeding = whenStoreUp(
    closing,
    () => {
      tries++;
      return closing.commit({ put: [{ collection: 'meta', id: 'probe', value: { value: 'x' } }] });
    },
    { retryMs: 200 },
  );
  const outcome = seeding.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  await new Promise((r) => setTimeout(r, 1000));
  expect(tries).toBeGreaterThan(1); // it waits for the store, trying again
  await closing.close();
  expect(await outcome).toBeInstanceOf(StoreClosedError);
  const atClose = tries;
  await new Promise((r) => setTimeout(r, 1000));
  expect(tries).toBe(atClose);
  await down.stop();
}, 30_000);
