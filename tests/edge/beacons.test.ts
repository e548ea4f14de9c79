// Beacons collected at the edge (edge/beacons/): an ad spot's tracking GETs are answered 204 by
// the edge at once and reach the origin in batches, where every impression is counted exactly as
// if it had come alone; an origin away meanwhile loses none of them (kept, sent on its return);
// past the queue's bound they pass through as before. The Node listener's path and the general
// path answer the same bytes. A real origin with its ads ledger on a real Redis; edges on loopback.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { connect } from 'node:net';
import { startEdgeNode, type RunningEdge } from '../../edge-origin/src/edge/node/start-edge-node.ts';
import type { EdgeConfigInput } from '../../edge-origin/src/edge/config.ts';
import { RedisAdLedger } from '../../edge-origin/src/origin/ads/ledger.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { eventually } from '../support/browser.ts';

const ADMIN = 'edge-beacons-admin-token-0123';
const EVENTS = ['start', 'firstQuartile', 'midpoint', 'thirdQuartile', 'complete'];
let redis: TestRedis;
let ledger: RedisAdLedger;
let origin: TestOrigin;
let originPort: number;
const edges: RunningEdge[] = [];

const startTheOrigin = (port = 0) => startOrigin({ staffAdminToken: ADMIN, ads: { ledger } }, port ? { port } : {});

beforeAll(async () => {
  redis = await startRedis();
  ledger = new RedisAdLedger({ url: redis.url, prefix: 'test-beacons:' });
  origin = await startTheOrigin();
  originPort = Number(new URL(origin.url).port);
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  for (const edge of edges) await edge.close();
  await origin?.close();
  await ledger?.close();
  await redis?.stop();
});

async function edge(config: Partial<EdgeConfigInput> = {}): Promise<RunningEdge> {
  const running = await startEdgeNode(
    { port: 0, host: '127.0.0.1', upstreamUrl: origin.url, adminToken: 'tok', beaconFlushMs: 100, ...config },
    { log: () => {} },
  );
  edges.push(running);
  return running;
}

async function staff<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${origin.url}/api/v1/staff${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The handball live's impressions (every spot of its breaks, sponsors' and promos'), by event. */
async function impressions(): Promise<Record<string, number>> {
  return (await staff<{ impressions: Record<string, number> }>('/audience/events/sport-hbc-nantes/report')).impressions;
}

/** A live break's tracking URLs for `viewers`, each asset list asked through `base`. */
async function trackingFor(base: string, viewers: string[]): Promise<string[]> {
  const { id } = await staff<{ id: string }>('/ads/events/sport-hbc-nantes/breaks', { durationSeconds: 30 });
  const urls: string[] = [];
  for (const v of viewers) {
    const res = await fetch(`${base}/api/v1/ads/breaks/${id}/asset-list?_HLS_primary_id=${v}`);
    const list = (await res.json()) as { ASSETS: { 'X-CITETV-AD': { tracking?: string } }[] };
    for (const a of list.ASSETS) if (a['X-CITETV-AD'].tracking) urls.push(a['X-CITETV-AD'].tracking);
  }
  return urls;
}

function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(EVENTS.map((e) => [e, (after[e] ?? 0) - (before[e] ?? 0)]));
}

test('tracking GETs are answered 204 by the edge at once and counted by the origin from a few batches, duplicates once', async () => {
  const running = await edge();
  const spots = await trackingFor(running.url, ['b-v1', 'b-v2', 'b-v3']);
  expect(spots.length).toBeGreaterThanOrEqual(3);
  const before = await impressions();
  origin.requests.reset();
  // Every event of every spot, each sent twice (a TV's retry), all at once.
  const answers = await Promise.all(
    spots.flatMap((spot) => EVENTS.flatMap((e) => [1, 2].map(() => fetch(`${running.url}${spot}&event=${e}`)))),
  );
  expect(new Set(answers.map((r) => r.status))).toEqual(new Set([204]));
  expect(new Set(answers.map((r) => r.headers.get('x-cache')))).toEqual(new Set(['BEACON']));
  expect(running.fastBeacon?.served).toBe(answers.length);

  const counted = await eventually(
    () => impressions().then((after) => delta(before, after)),
    (d) => d.complete === spots.length,
    10_000,
    'impressions counted',
  );
  expect(counted).toEqual(Object.fromEntries(EVENTS.map((e) => [e, spots.length])));
  // Not one tracking GET reached the origin: a few batches did.
  expect(origin.requests.count('/api/v1/ads/track/batch')).toBeGreaterThanOrEqual(1);
  // (one per flush period while they come in: 60 beacons sent at once over a few hundred ms)
  expect(origin.requests.count('/api/v1/ads/track/batch')).toBeLessThan(answers.length / 3);
  expect(origin.requests.paths().filter((p) => p === '/api/v1/ads/track')).toEqual([]);
  // Every beacon sent on: a retry's duplicate may come in a batch after the last impression's.
  const sent = new RegExp(`edge_beacons_total\\{outcome="sent"\\} ${answers.length}\\b`);
  const metrics = await eventually(
    async () => (await fetch(`${running.url}/_edge/metrics`, { headers: { authorization: 'Bearer tok' } })).text(),
    (text) => sent.test(text),
    10_000,
    'every beacon sent',
  );
  expect(metrics).toMatch(new RegExp(`edge_beacons_total\\{outcome="collected"\\} ${answers.length}\\b`));
});

/** One GET on its own connection; the raw answer without its Date line. */
function rawGet(base: string, target: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('connect', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: cite.tv\r\nConnection: close\r\n\r\n`));
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer.replace(/^date: .*\r\n/im, '')));
  });
}

test('the Node listener and the general path answer a beacon with the same bytes', async () => {
  const fast = await edge();
  const general = await edge({ fastHitPath: false });
  const target = '/api/v1/ads/track?break=x&viewer=same-bytes&creative=y&event=start';
  const [a, b] = [await rawGet(fast.url, target), await rawGet(general.url, target)];
  expect(a).toMatch(/^HTTP\/1\.1 204 /);
  expect(a).toContain('x-cache: BEACON');
  expect(b).toBe(a);
  expect(fast.fastBeacon?.served).toBe(1);
  expect(general.fastBeacon).toBeNull();
});

test('an origin away loses no beacon: kept at the edge, counted once it is back; past the bound they pass through', async () => {
  const running = await edge({ beaconQueueMax: 1000, beaconRetryMaxMs: 500 });
  const bounded = await edge({ beaconQueueMax: 2 });
  const spots = await trackingFor(running.url, ['away-v1', 'away-v2']);
  const before = await impressions();
  await origin.close();

  const answers = await Promise.all(spots.map((spot) => fetch(`${running.url}${spot}&event=start`)));
  expect(answers.map((r) => r.status)).toEqual(spots.map(() => 204));
  // The bounded edge takes two, then passes the third through: the origin is away, so a 502.
  const third = [] as number[];
  for (let i = 0; i < 3; i++)
    third.push((await fetch(`${bounded.url}/api/v1/ads/track?break=z&viewer=w${i}&creative=c&event=start`)).status);
  expect(third).toEqual([204, 204, 502]);
  await new Promise((r) => setTimeout(r, 1500)); // a few batches tried meanwhile, and kept
  expect(running.edge.context.beacons?.size).toBe(spots.length);

  origin = await startTheOrigin(originPort);
  const counted = await eventually(
    () => impressions().then((after) => delta(before, after)),
    (d) => d.start === spots.length,
    15_000,
    'impressions counted after the outage',
  );
  expect(counted.start).toBe(spots.length);
  await eventually(
    async () => running.edge.context.beacons?.size,
    (n) => n === 0,
    5000,
    'queue drained',
  );
}, 60_000);

test('an edge closing sends what it still holds (SIGTERM: one last batch)', async () => {
  // A flush period longer than the test: only the close can send them.
  const running = await edge({ beaconFlushMs: 600_000 });
  const spots = await trackingFor(running.url, ['close-v1']);
  const before = await impressions();
  const answers = await Promise.all(spots.map((spot) => fetch(`${running.url}${spot}&event=complete`)));
  expect(answers.map((r) => r.status)).toEqual(spots.map(() => 204));
  await new Promise((r) => setTimeout(r, 300));
  expect(delta(before, await impressions()).complete).toBe(0);
  await running.close();
  expect(delta(before, await impressions()).complete).toBe(spots.length);
});

test('not collected: a beacon under access control (the gate answers it), nor a sibling edge asking (the peer door answers it)', async () => {
  // The earlier tests' edges may still hold beacons on a retry back-off: closing them sends
  // their last batch now, before the origin's record is reset, so whatever reaches the origin
  // afterwards can only come from the two edges below.
  for (const earlier of edges.splice(0)) await earlier.close();
  const gated = await edge({
    urlSigningKeys: [{ id: 'k1', secret: 'beacons-test-signing-secret-0123456789' }],
    urlSigningPrefixes: ['/api/v1/ads/'],
  });
  const open = await edge();
  origin.requests.reset();
  const target = (viewer: string) => `/api/v1/ads/track?break=x&viewer=${viewer}&creative=y&event=start`;

  // Restricted and unsigned: refused by the gate, neither collected nor sent upstream.
  const refused = await fetch(`${gated.url}${target('gated')}`);
  expect(refused.status).toBe(403);
  expect(refused.headers.get('x-cache')).not.toBe('BEACON');
  expect(gated.fastBeacon?.served).toBe(0);
  expect(gated.edge.context.beacons?.size).toBe(0);

  // A sibling asks another edge only for what that edge fetched for the site: never a viewer's
  // beacon to count. Not collected; the peer door says it holds no such object, and nothing goes up.
  const sibling = await fetch(`${open.url}${target('sibling')}`, {
    headers: { 'x-edge-peer': open.edge.context.peerSecret },
  });
  expect(sibling.status).toBe(503);
  expect(sibling.headers.get('x-cache')).not.toBe('BEACON');
  expect(open.fastBeacon?.served).toBe(0);
  expect(open.edge.context.beacons?.size).toBe(0);

  await new Promise((r) => setTimeout(r, 300)); // a flush period or three: still nothing sent
  expect(origin.requests.paths().filter((p) => p.startsWith('/api/v1/ads/track'))).toEqual([]);
});
