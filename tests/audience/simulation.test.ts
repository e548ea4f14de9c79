// Audience counting through the edge, on a real Redis: a bounded simulation of 500 viewers on two
// edges (one Redis between them), on simulated time (10 s steps over 10 minutes, the edges'
// audience clock driven by the test): joins, leaves, comebacks, rendition switches, viewers
// bouncing between edges, TV players with a CMCD session id and clients without CMCD (told apart
// by address + user-agent). The staff report must give the exact concurrent count at every
// sample, the exact peak and average, and minutes watched within 2 %.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { AudienceObserver } from '../../edge-origin/src/edge/audience/observer.ts';
import { RedisAudienceSink } from '../../edge-origin/src/edge/audience/redis-sink.ts';
import { RedisAdLedger } from '../../edge-origin/src/origin/ads/ledger.ts';
import { RedisAudienceStore, sampleAllChannels } from '../../edge-origin/src/origin/audience/index.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const ADMIN = 'audience-admin-token-0123456789';
const VIEWERS = 500;
const STEP_MS = 10_000;
const STEPS = 60;
const WINDOW_MS = 30_000;

let redis: TestRedis;
let ledger: RedisAdLedger;
let store: RedisAudienceStore;
let origin: TestOrigin;
const edges: { edge: StartedEdge; observer: AudienceObserver }[] = [];
// Simulated time, in the recent past (inside the seeded handball live, which started 40 min ago).
const T0 = Math.floor((Date.now() - 15 * 60_000) / STEP_MS) * STEP_MS;
let simNow = T0;

beforeAll(async () => {
  redis = await startRedis();
  ledger = new RedisAdLedger({ url: redis.url });
  store = new RedisAudienceStore({ url: redis.url });
  origin = await startOrigin({
    staffAdminToken: ADMIN,
    ads: { ledger, demo: false, audience: { store, sampleEveryMs: 0 } },
  });
  for (let i = 0; i < 2; i++) {
    const observer = new AudienceObserver({
      sink: new RedisAudienceSink({ url: redis.url }),
      now: () => simNow,
      flushMs: 0,
    });
    edges.push({ observer, edge: await startEdge({ upstreamUrl: origin.url }, { audience: observer }) });
  }
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  for (const { edge, observer } of edges) {
    await edge.close();
    await observer.close();
  }
  await origin?.close();
  await store?.close();
  await ledger?.close();
  await redis?.stop();
});

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Viewer {
  id: number;
  channel: 'sport' | 'culture';
  cmcd: boolean;
  /** Inclusive step ranges it polls in. */
  sessions: [number, number][];
  twoRenditions: boolean;
}

function makeViewers(): Viewer[] {
  const random = rng(42);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  return Array.from({ length: VIEWERS }, (_, id) => {
    const first = int(0, STEPS - 2);
    const firstEnd = int(first, Math.min(STEPS - 1, first + 40));
    const sessions: [number, number][] = [[first, firstEnd]];
    // One in five comes back after a pause longer than the active window.
    if (random() < 0.2 && firstEnd + 7 < STEPS - 1) {
      const again = int(firstEnd + 7, STEPS - 1);
      sessions.push([again, int(again, STEPS - 1)]);
    }
    return {
      id,
      channel: random() < 0.8 ? 'sport' : 'culture',
      cmcd: random() < 0.8,
      sessions,
      twoRenditions: random() < 0.3,
    };
  });
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(itemAt(items, next++));
    }),
  );
}

test('500 viewers through two edges: exact concurrent counts, peak and average; minutes within 2 %', async () => {
  const viewers = makeViewers();
  const random = rng(7);
  const active = (v: Viewer, step: number) => v.sessions.some(([a, b]) => step >= a && step <= b);
  const expectedSeries: { at: number; viewers: number }[] = [];
  let failures = 0;

  for (let step = 0; step < STEPS; step++) {
    simNow = T0 + step * STEP_MS;
    const requests: { url: string; headers: Record<string, string> }[] = [];
    for (const v of viewers.filter((x) => active(x, step))) {
      // Switches from the low to the high rendition halfway through its first session.
      const [from, to] = itemAt(v.sessions, 0);
      const rendition = step - from > (to - from) / 2 ? 'v540' : 'v240';
      const renditions = v.twoRenditions ? [rendition, 'audio-fr'] : [rendition];
      for (const r of renditions) {
        // Any edge, any time: a viewer is counted once across edges.
        const edge = itemAt(edges, Math.floor(random() * edges.length)).edge;
        const cmcd = v.cmcd ? `?CMCD=${encodeURIComponent(`br=800,sid="tv-${v.id}"`)}` : '';
        requests.push({
          url: `${edge.url}/hls/live/${v.channel}/${r}/index.m3u8${cmcd}`,
          headers: { 'user-agent': v.cmcd ? 'CiteTV/1.0 (hls.js)' : `Lavf/59.27.100 viewer-${v.id}` },
        });
      }
    }
    await pool(requests, 32, async (r) => {
      const res = await fetch(r.url, { headers: r.headers });
      await res.arrayBuffer();
      if (res.status !== 200) failures++;
    });
    for (const { observer } of edges) await observer.flush();
    await sampleAllChannels(store, simNow);
    // Expected: sport viewers seen at a step in (t - 30 s, t].
    const count = viewers.filter(
      (v) =>
        v.channel === 'sport' &&
        [0, 1, 2].some(
          (back) => step - back >= 0 && (step - back) * STEP_MS > step * STEP_MS - WINDOW_MS && active(v, step - back),
        ),
    ).length;
    expectedSeries.push({ at: simNow, viewers: count });
  }
  expect(failures).toBe(0);

  const res = await fetch(`${origin.url}/api/v1/staff/audience/events/sport-hbc-nantes/report`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(res.status).toBe(200);
  const report = (await res.json()) as {
    audience: { peak: number; average: number; minutesWatched: number; samples: { at: number; viewers: number }[] };
  };
  expect(report.audience.samples).toEqual(expectedSeries);
  const peak = Math.max(...expectedSeries.map((s) => s.viewers));
  expect(peak).toBeGreaterThan(100);
  expect(report.audience.peak).toBe(peak);
  expect(report.audience.average).toBeCloseTo(expectedSeries.reduce((a, s) => a + s.viewers, 0) / STEPS, 1);
  // True minutes: each session lasts from its first to its last poll.
  const trueMinutes = viewers
    .filter((v) => v.channel === 'sport')
    .reduce((sum, v) => sum + v.sessions.reduce((s, [a, b]) => s + ((b - a) * STEP_MS) / 60_000, 0), 0);
  expect(trueMinutes).toBeGreaterThan(500);
  expect(Math.abs(report.audience.minutesWatched - trueMinutes) / trueMinutes).toBeLessThan(0.02);
}, 240_000);
