// Issue #14, "Redis stopped after a busy day", reproduced on real parts: a redis-server, the
// origin on it and an edge in front, as the city runs them. A live is scheduled, started, stopped
// and published, a highlight cut; the origin restarts on the same Redis (a new process: nothing
// read yet); a TV reads the new replay; Redis stops. Before the fix the home and that replay's
// details answered 503 at the origin, and the edge passed the 503 on once their max-age had run
// out. Now: the last good data, at the origin and through the edge; writes 503; Redis back,
// writes work and nothing written before the outage is lost.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { ApiError, Highlight, HomeResponse, Replay } from '../../shared/catalog/types.ts';
import { RedisRecordStore } from '../../edge-origin/src/origin/store/redis-record-store.ts';
import { startEdge, manualClock, type StartedEdge } from '../support/edge.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { publishLiveReplay, staffClient } from '../support/staff-api.ts';
import { useTestImages } from '../support/test-images.ts';
import { readFileSync } from 'node:fs';

const ADMIN = 'redis-outage-admin-token-0123';
let redis: TestRedis;
const stores: RedisRecordStore[] = [];
let origin: TestOrigin;
let edge: StartedEdge;
// The origin's clock (live time moves while the live records); the edge's, moved past max-age.
let clockMs = Date.now();
const edgeClock = manualClock();

const openStore = () => {
  const store = new RedisRecordStore({ url: redis.url, log: () => {} });
  stores.push(store);
  return store;
};
const originOn = (store: RedisRecordStore, port?: number) =>
  startOrigin({ store, staffAdminToken: ADMIN, now: () => clockMs }, port ? { port } : {});

beforeAll(async () => {
  redis = await startRedis();
  origin = await originOn(openStore());
  edge = await startEdge({ upstreamUrl: origin.url }, { now: edgeClock.now });
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await edge?.close();
  await origin?.close();
  for (const store of stores) await store.close();
  await redis?.stop();
});

const staff = staffClient(() => origin.url, ADMIN);
const images = useTestImages({ 'affiche.jpg': '1280x720' });

async function read(url: string): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The origin seeds Redis in the background at its first start: the home answers once it has. */
async function seeded(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await fetch(`${origin.url}/api/v1/home`)).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the origin never seeded Redis');
}

test('Redis stopped after a busy day and an origin restart: the TVs keep the catalog; writes 503, then work; nothing lost', async () => {
  await seeded();
  // A busy day: a live scheduled, started, stopped and published; a highlight cut from it.
  const replay = await publishLiveReplay(
    staff,
    { channelId: 'sport', title: 'Finale du tournoi', nowMs: clockMs },
    () => {
      clockMs += 20_000; // ten segments on air
    },
  );
  const cut = await staff<Highlight>('POST', '/highlights', { replayId: replay.id, title: 'Le but', in: 2, out: 8 });
  expect(cut.status).toBe(201);
  const highlight = cut.body;
  const upload = await fetch(`${origin.url}/api/v1/staff/posters`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'image/jpeg' },
    body: readFileSync(images.path('affiche.jpg')),
  });
  expect(upload.status).toBe(201);
  const poster = ((await upload.json()) as { poster: string }).poster;
  // TVs read the home through the edge (it keeps it, max-age 10 s).
  const homeBefore = await read(`${edge.url}/api/v1/home`);
  expect(homeBefore.status).toBe(200);
  expect(homeBefore.text).toContain(replay.id);
  expect(homeBefore.text).toContain(highlight.id);

  // The origin restarts on the same Redis, where the edge expects it: a new process, nothing read yet.
  const port = Number(new URL(origin.url).port);
  await origin.close();
  const store = openStore();
  origin = await originOn(store, port);
  await store.ready();
  const replayBefore = await read(`${edge.url}/api/v1/replays/${replay.id}`);
  expect(replayBefore.status).toBe(200);

  await redis.crash();

  // A write answers 503 at once, saying nothing was recorded.
  const refused = await staff<ApiError>('POST', '/events', {
    channelId: 'culture',
    title: 'Pendant la panne',
    startsAt: new Date(clockMs + 3_600_000).toISOString(),
    endsAt: new Date(clockMs + 7_200_000).toISOString(),
  });
  expect(refused.status).toBe(503);
  expect(refused.body.error.code).toBe('store_unavailable');

  // The origin answers every catalog read the TV makes from the last good data, and says so;
  // the home and the highlight were never read by this process.
  const home = await read(`${origin.url}/api/v1/home`);
  expect(home.status).toBe(200);
  expect(JSON.parse(home.text) as HomeResponse).toEqual(JSON.parse(homeBefore.text) as HomeResponse);
  expect(home.headers.get('x-store-stale')).toMatch(/^\d+$/);
  expect(home.headers.get('cache-control')).toContain('stale-if-error');
  const replayNow = await read(`${origin.url}/api/v1/replays/${replay.id}`);
  expect([replayNow.status, JSON.parse(replayNow.text) as Replay]).toEqual([200, JSON.parse(replayBefore.text)]);
  const details = await Promise.all(
    [
      `/api/v1/highlights/${highlight.id}`,
      `/api/v1/events/${replay.eventId}`,
      '/api/v1/channels/sport',
      '/api/v1/channels',
      '/api/v1/schedule',
      `/api/v1/search?q=${encodeURIComponent('finale')}`,
    ].map(async (path) => [path, (await read(origin.url + path)).status]),
  );
  expect(details).toEqual(details.map(([path]) => [path, 200]));
  const found = await read(`${origin.url}/api/v1/search?q=${encodeURIComponent('finale')}`);
  expect(found.text).toContain(replay.id);
  // The playlists that read the store: the replay's and the highlight's (never read either), the live's.
  for (const path of [
    replay.playbackUrl,
    replay.playbackUrl.replace('master.m3u8', 'v240/index.m3u8'),
    highlight.playbackUrl.replace('master.m3u8', 'v240/index.m3u8'),
    '/hls/live/sport/v240/index.m3u8',
  ]) {
    const playlist = await read(origin.url + path);
    expect([path, playlist.status, playlist.text.startsWith('#EXTM3U')]).toEqual([path, 200, true]);
  }

  // The poster uploaded that day, never read by this process either (an edge that lacks it asks).
  const posterNow = await fetch(origin.url + poster);
  const posterBytes = new Uint8Array(await posterNow.arrayBuffer());
  expect([posterNow.status, posterNow.headers.get('content-type'), posterBytes[0], posterBytes[1]]).toEqual([
    200,
    'image/jpeg',
    0xff,
    0xd8,
  ]);

  // Through the edge, once max-age and stale-while-revalidate have run out: the same content.
  edgeClock.advance(30);
  const edgeHome = await read(`${edge.url}/api/v1/home`);
  expect(edgeHome.status).toBe(200);
  expect(JSON.parse(edgeHome.text)).toEqual(JSON.parse(homeBefore.text));
  const edgeReplay = await read(`${edge.url}/api/v1/replays/${replay.id}`);
  expect([edgeReplay.status, JSON.parse(edgeReplay.text)]).toEqual([200, JSON.parse(replayBefore.text)]);

  // Redis back: the origin reconnects by itself; writes work, nothing written before is lost.
  await redis.restart();
  await store.ready(15_000);
  const created = await staff<{ id: string }>('POST', '/events', {
    channelId: 'culture',
    title: 'Après la panne',
    startsAt: new Date(clockMs + 3_600_000).toISOString(),
    endsAt: new Date(clockMs + 7_200_000).toISOString(),
  });
  expect(created.status).toBe(201);
  const fresh = await read(`${origin.url}/api/v1/replays/${replay.id}`);
  expect([fresh.status, fresh.headers.get('x-store-stale')]).toEqual([200, null]);
  expect((await read(`${origin.url}/api/v1/highlights/${highlight.id}`)).status).toBe(200);
  expect(new Uint8Array(await (await fetch(origin.url + poster)).arrayBuffer())).toEqual(posterBytes);
  expect((await read(`${origin.url}/api/v1/events/${created.body.id}`)).status).toBe(200);
  const events = await staff<{ events: { id: string }[] }>('GET', '/events');
  expect(events.body.events.map((e) => e.id)).toEqual(expect.arrayContaining([replay.eventId, created.body.id]));
}, 120_000);
