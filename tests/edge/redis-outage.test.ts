// The edge's own Redis stopped and restarted (issue #14): the workers' bus and the audience sink
// lose it while TVs keep polling a live. On real parts: a redis-server, the origin, an edge on
// that Redis counting viewers (its audience clock driven by the test, 10 s a step). The edge keeps
// serving, reconnects by itself, shares objects again, and only the outage's figures are lost.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createClient } from 'redis';
import { AudienceObserver } from '../../edge-origin/src/edge/audience/observer.ts';
import { RedisAudienceSink } from '../../edge-origin/src/edge/audience/redis-sink.ts';
import { AUDIENCE_PREFIX, audienceKeys, utcDay } from '../../shared/audience/keys.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const VIEWERS = ['tv-salon', 'tv-cuisine', 'box-chambre'];
const STEP_MS = 10_000;
const LIVE = '/hls/live/sport/v240/index.m3u8';

let redis: TestRedis;
let origin: TestOrigin;
let edge: StartedEdge;
let observer: AudienceObserver;
const logs: Record<string, unknown>[] = [];
let simNow = Math.floor(Date.now() / STEP_MS) * STEP_MS;
const days = new Set<string>();

beforeAll(async () => {
  redis = await startRedis();
  origin = await startOrigin();
  observer = new AudienceObserver({
    sink: new RedisAudienceSink({ url: redis.url }),
    now: () => simNow,
    flushMs: 0,
    log: (line) => logs.push(line),
  });
  edge = await startEdge({ upstreamUrl: origin.url, redisUrl: redis.url }, { audience: observer });
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await edge?.close();
  await observer?.close();
  await origin?.close();
  await redis?.stop();
});

/** Ten seconds on: every TV polls the live through the edge, then the edge flushes its sightings. */
async function step(): Promise<number[]> {
  simNow += STEP_MS;
  days.add(utcDay(simNow));
  const statuses = await Promise.all(
    VIEWERS.map(async (sid) => {
      const response = await fetch(edge.url + LIVE, { headers: { 'cmcd-session': `sid="${sid}"` } });
      await response.arrayBuffer();
      return response.status;
    }),
  );
  await observer.flush();
  return statuses;
}

/** What the staff's figures are made of: who was last seen when, and the ms watched. */
async function figures(): Promise<{ lastSeen: number[]; watchedMs: number }> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    const live = await client.zRangeWithScores(audienceKeys.live(AUDIENCE_PREFIX, 'sport'), 0, -1);
    let watchedMs = 0;
    for (const day of days)
      for (const ms of Object.values(await client.hGetAll(audienceKeys.watched(AUDIENCE_PREFIX, 'sport', day))))
        watchedMs += Number(ms);
    return { lastSeen: live.map((v) => v.score), watchedMs };
  } finally {
    await client.close();
  }
}

/** Segments of the live the edge has not served yet: older ones, still within the origin's retention. */
let older = 10;
async function newSegment(): Promise<string> {
  // From the origin: a request to the edge would count as a viewer.
  const playlist = await (await fetch(origin.url + LIVE)).text();
  const first = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)![1]);
  return `/hls/live/sport/v240/${first - older++}.ts`;
}

async function sharedThroughRedis(path: string): Promise<boolean> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    return (await client.keys('edge:obj:*')).some((k) => k.includes(path));
  } finally {
    await client.close();
  }
}

test('Redis stopped then restarted under the edge: viewers served throughout, sharing and counting resume, only the outage is lost', async () => {
  for (let i = 0; i < 3; i++) expect(await step()).toEqual([200, 200, 200]);
  const before = await figures();
  // Three viewers, two 10 s gaps each.
  expect([before.lastSeen, before.watchedMs]).toEqual([VIEWERS.map(() => simNow), 3 * 2 * STEP_MS]);
  const sharedBefore = await newSegment();
  expect((await fetch(edge.url + sharedBefore)).status).toBe(200);
  expect(await sharedThroughRedis(sharedBefore)).toBe(true);

  await redis.crash();
  for (let i = 0; i < 3; i++) expect(await step()).toEqual([200, 200, 200]);
  const alone = await fetch(edge.url + (await newSegment()));
  expect([alone.status, new Uint8Array(await alone.arrayBuffer())[0]]).toEqual([200, 0x47]);
  // Said once for the outage, not at every flush.
  expect(logs.map((l) => l.msg)).toEqual(['audience: sink unavailable, sightings dropped']);

  await redis.restart();
  // The edge reconnects by itself (backing off up to 3 s): TVs go on polling until it has.
  const outageEnd = simNow;
  let back = false;
  for (let i = 0; i < 40 && !back; i++) {
    expect(await step()).toEqual([200, 200, 200]);
    back = (await figures()).lastSeen.every((seen) => seen === simNow);
    if (!back) await new Promise((r) => setTimeout(r, 300));
  }
  expect(back).toBe(true);
  // Every viewer's sightings from the three steps of the outage and the steps before the edge was back.
  const failedSteps = 3 + (simNow - outageEnd) / STEP_MS - 1;
  expect(logs.at(-1)).toEqual({ level: 'info', msg: 'audience: sink back', dropped: VIEWERS.length * failedSteps });
  for (let i = 0; i < 2; i++) expect(await step()).toEqual([200, 200, 200]);
  const after = await figures();
  // Before the outage: kept (Redis's append-only file). From the outage until the edge was back,
  // a gap over the 30 s active window: not counted. Since: two more 10 s gaps per viewer.
  expect(after.watchedMs).toBe(before.watchedMs + 3 * 2 * STEP_MS);

  let shared = false;
  for (let i = 0; i < 20 && !shared; i++) {
    const path = await newSegment();
    expect((await fetch(edge.url + path)).status).toBe(200);
    shared = await sharedThroughRedis(path);
    if (!shared) await new Promise((r) => setTimeout(r, 300));
  }
  expect(shared).toBe(true);
}, 120_000);

test('a purge made while Redis is down is done on Redis once it is back: the purged copy never comes back from it', async () => {
  const token = 'edge-outage-purge-token';
  const purging = await startEdge({ upstreamUrl: origin.url, redisUrl: redis.url, adminToken: token });
  const other = await startEdge({ upstreamUrl: origin.url, redisUrl: redis.url });
  try {
    const path = await newSegment();
    expect((await fetch(purging.url + path)).status).toBe(200);
    expect(await sharedThroughRedis(path)).toBe(true);

    await redis.crash();
    const purge = await fetch(`${purging.url}/_edge/purge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: path }),
    });
    expect(purge.status).toBe(200);

    await redis.restart(); // its append-only file still holds the shared copy
    let gone = false;
    for (let i = 0; i < 40 && !gone; i++) {
      gone = !(await sharedThroughRedis(path));
      if (!gone) await new Promise((r) => setTimeout(r, 300));
    }
    expect(gone).toBe(true);
    // A worker that never had it goes to the origin for it, not to a purged copy.
    const asked = origin.requests.count(path);
    expect((await fetch(other.url + path)).status).toBe(200);
    expect(origin.requests.count(path)).toBe(asked + 1);
  } finally {
    await purging.close();
    await other.close();
  }
}, 120_000);
