// RFC 5861 stale-if-error end to end (issue #14): the origin says how long its TV API and
// playlists may be served stale while it fails, and the edge serves what it had instead of
// passing an error on to every TV. Real parts: a redis-server, the origin on it, an edge in front
// (its clock moved by the test). Two failures: the origin answering 503 (Redis down past the
// store's bound) and the origin unreachable.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { HomeResponse } from '../../shared/catalog/types.ts';
import { RedisRecordStore } from '../../edge-origin/src/origin/store/redis-record-store.ts';
import { startEdge, manualClock, type StartedEdge } from '../support/edge.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

let redis: TestRedis;
let store: RedisRecordStore;
/** Closed by the second test (the origin unreachable). */
let origin: TestOrigin | undefined;
let originUrl = '';
let edge: StartedEdge;
const edgeClock = manualClock();

beforeAll(async () => {
  redis = await startRedis();
  // Reads from the store's last good copy for a second only: then the origin answers 503.
  store = new RedisRecordStore({ url: redis.url, log: () => {}, config: { staleReadsMaxSeconds: 1 } });
  origin = await startOrigin({ store });
  originUrl = origin.url;
  edge = await startEdge({ upstreamUrl: originUrl }, { now: edgeClock.now });
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await edge?.close();
  await origin?.close();
  await store?.close();
  await redis?.stop();
});

async function read(url: string): Promise<{ status: number; cache: string | null; text: string }> {
  const response = await fetch(url);
  return { status: response.status, cache: response.headers.get('x-cache'), text: await response.text() };
}

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}`);
}

test('origin 503 past max-age: the edge serves the TV API it had (stale-if-error), not the 503', async () => {
  await eventually('the origin seeded Redis', async () => (await read(`${originUrl}/api/v1/home`)).status === 200);
  const home = await read(`${edge.url}/api/v1/home`);
  const replayId = (JSON.parse(home.text) as HomeResponse).channels.flatMap((c) => c.replays)[0]!.id;
  const paths = ['/api/v1/home', '/api/v1/channels/sport', `/api/v1/replays/${replayId}`];
  const before = await Promise.all(paths.map((p) => read(edge.url + p)));
  expect(before.map((r) => r.status)).toEqual([200, 200, 200]);

  await redis.crash();
  await eventually(
    'the origin past its bound answers 503',
    async () => (await read(`${originUrl}/api/v1/home`)).status === 503,
  );

  edgeClock.advance(25); // past max-age (10 s) and stale-while-revalidate (10 s)
  const during = await Promise.all(paths.map((p) => read(edge.url + p)));
  expect(during.map((r) => [r.status, r.cache])).toEqual(paths.map(() => [200, 'STALE']));
  expect(during.map((r) => r.text)).toEqual(before.map((r) => r.text));
}, 60_000);

test('origin unreachable: live playlists stale within their window (three target durations), then the error; the API for a day', async () => {
  // The edge's clock back on real time, so fresh answers' Date agrees with it.
  edgeClock.advance(Date.now() / 1000 - edgeClock.now());
  const live = '/hls/live/sport/v240/index.m3u8';
  const master = '/hls/live/sport/master.m3u8';
  const before = { live: await read(edge.url + live), master: await read(edge.url + master) };
  expect([before.live.status, before.master.status]).toEqual([200, 200]);
  await origin?.close();
  origin = undefined;

  edgeClock.advance(4); // past max-age (1 s) and stale-while-revalidate (2 s), within stale-if-error (6 s)
  const stale = await read(edge.url + live);
  expect([stale.status, stale.cache, stale.text]).toEqual([200, 'STALE', before.live.text]);
  expect((await read(edge.url + master)).text).toBe(before.master.text);

  edgeClock.advance(10); // past stale-if-error: a live playlist that old is no longer the truth
  expect((await read(edge.url + live)).status).toBeGreaterThanOrEqual(500);
  edgeClock.advance(3600); // an hour without an origin: the TVs still get their home
  const home = await read(`${edge.url}/api/v1/home`);
  expect([home.status, home.cache]).toEqual([200, 'STALE']);
}, 60_000);
