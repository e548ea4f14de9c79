// Readiness across a site (admin/readiness.ts, workers/site-readiness.ts): edges sharing one real
// redis-server write their upstream probes there and read their siblings'. Not ready only when this
// edge cannot reach the upstream and a sibling can (a load balancer then does better elsewhere);
// the upstream down for every edge leaves them all ready, saying degraded, so the cached replays
// they hold keep playing; Redis down: nobody to compare with, ready and degraded.
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startUpstream, deadPort, type TestUpstream } from '../support/upstream.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';

// A probe every 500 ms (the floor), reports kept 3 periods + the probe's timeout (1.8 s). The
// memory budget as in admin-health.test.ts: these edges live in the jest worker's process.
const FAST = { readinessCacheMs: 200, readinessProbeTimeoutMs: 300, readinessMaxRssBytes: 64 * 1024 ** 3 };

type Answer = { status: number; text: string; body: Record<string, unknown> };
async function ready(edge: StartedEdge): Promise<Answer> {
  const res = await fetch(`${edge.url}/_edge/health/ready`);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
}
interface Detail {
  ready: boolean;
  failing: string[];
  degraded: string[];
  site: { registry: string; siblings: { id: string; ok: boolean; ageMs: number }[] };
}
/** The admin detail (this client is on loopback and no token is set). */
async function detail(edge: StartedEdge): Promise<Detail> {
  const body = (await (await fetch(`${edge.url}/_edge/health`)).json()) as { readiness: Detail };
  return body.readiness;
}
/** Polls until `done` holds (or fails the test with what it last saw). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const portOf = (url: string) => new URL(url).port;

let started: { close(): Promise<void> }[] = [];
/** The edges first, then their Redis and upstream (each describe's afterAll). */
async function closeEdges(): Promise<void> {
  await Promise.all(started.map((s) => s.close()));
  started = [];
}
async function edgeOn(config: Parameters<typeof startEdge>[0]): Promise<StartedEdge> {
  const edge = await startEdge({ ...FAST, ...config });
  started.push(edge);
  return edge;
}

/** A describe's own site: a Redis and an upstream answering `/`; at its end the edges go first. */
function siteOfItsOwn(): { redis: () => TestRedis; upstream: () => TestUpstream } {
  let redis: TestRedis | undefined;
  let upstream: TestUpstream | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    upstream = await startUpstream();
    upstream.on('/', { status: 200 });
  });
  afterAll(async () => {
    await closeEdges();
    await upstream?.close();
    await redis?.stop();
  });
  return { redis: () => redis!, upstream: () => upstream! };
}

describe('one edge cannot reach the upstream, its sibling can', () => {
  const site = siteOfItsOwn();

  it('the one cut off says not ready (503 upstream), the other ready; Redis down: both ready', async () => {
    const [redis, upstream] = [site.redis(), site.upstream()];
    const dead = await deadPort();
    const reaching = await edgeOn({ upstreamUrl: upstream.url, redisUrl: redis.url });
    // Its own route to the origin is broken (a firewall on this node): a dead port as its upstream.
    const cutOff = await edgeOn({ upstreamUrl: `http://127.0.0.1:${dead}`, redisUrl: redis.url });

    const refused = await until(
      () => ready(cutOff),
      (a) => a.status === 503,
    );
    expect(refused.body).toEqual({ status: 'not-ready', failing: ['upstream'] });
    expect(await ready(reaching)).toMatchObject({ status: 200, body: { status: 'ready' } });

    // Why, for the admin: the sibling's last report, fresh and ok.
    const seen = await detail(cutOff);
    expect(seen).toMatchObject({ ready: false, failing: ['upstream'], site: { registry: 'up' } });
    expect(seen.site.siblings).toEqual([
      { id: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), ok: true, ageMs: expect.any(Number) },
    ]);
    expect(seen.site.siblings[0]!.ageMs).toBeLessThan(1800);
    const sibling = seen.site.siblings[0]!.id;
    expect((await detail(reaching)).site.siblings).toEqual([
      { id: expect.any(String), ok: false, ageMs: expect.any(Number) },
    ]);
    // The public answers name no upstream and no sibling.
    for (const answer of [refused.text, (await ready(reaching)).text])
      for (const port of [String(dead), portOf(upstream.url), portOf(sibling)]) expect(answer).not.toContain(port);

    // It stays so while the sibling keeps reporting (several report lifetimes).
    await sleep(2500);
    expect((await ready(cutOff)).status).toBe(503);
    expect((await ready(reaching)).status).toBe(200);

    // Redis down: nobody to compare with. Taking this edge out helps nobody: ready, degraded.
    await redis.crash();
    const alone = await until(
      () => ready(cutOff),
      (a) => a.status === 200,
    );
    expect(alone.body).toEqual({ status: 'ready', degraded: ['upstream'] });
    expect(await detail(cutOff)).toMatchObject({ site: { registry: 'down', siblings: [] } });
    expect((await ready(reaching)).body).toEqual({ status: 'ready' });

    // Redis back: the sibling's reports are read again, and the cut-off edge leaves the pool.
    await redis.restart();
    await until(
      () => ready(cutOff),
      (a) => a.status === 503,
    );

    // The sibling gone (stopped, its reports no longer renewed): once its last one has expired,
    // nobody is known to do better, and the cut-off edge is ready again, degraded.
    await reaching.close();
    const orphan = await until(
      () => ready(cutOff),
      (a) => a.status === 200,
    );
    expect(orphan.body).toEqual({ status: 'ready', degraded: ['upstream'] });
    expect(await detail(cutOff)).toMatchObject({ site: { registry: 'up', siblings: [] } });
  }, 60_000);
});

describe('the upstream down for every edge of the site', () => {
  const site = siteOfItsOwn();

  it('leaves the site edges ready, saying degraded; a strict one goes', async () => {
    const [redis, upstream] = [site.redis(), site.upstream()];
    const one = await edgeOn({ upstreamUrl: upstream.url, redisUrl: redis.url });
    const two = await edgeOn({ upstreamUrl: upstream.url, redisUrl: redis.url });
    const strict = await edgeOn({ upstreamUrl: upstream.url, redisUrl: redis.url, readinessUpstream: 'strict' });
    // Each has seen the other two reach it.
    for (const edge of [one, two, strict])
      await until(
        () => detail(edge),
        (d) => d.site.siblings.filter((s) => s.ok).length === 2,
      );
    for (const edge of [one, two, strict]) expect((await ready(edge)).body).toEqual({ status: 'ready' });

    await upstream.close();
    // Once every edge's probe has failed (and said so in Redis), nobody does better.
    for (const edge of [one, two])
      await until(
        () => detail(edge),
        (d) => d.degraded.includes('upstream') && d.site.siblings.length === 2 && d.site.siblings.every((s) => !s.ok),
      );
    // And it holds, probe after probe.
    for (let i = 0; i < 5; i++) {
      for (const edge of [one, two])
        expect(await ready(edge)).toMatchObject({ status: 200, body: { status: 'ready', degraded: ['upstream'] } });
      expect(await ready(strict)).toMatchObject({ status: 503, body: { status: 'not-ready', failing: ['upstream'] } });
      await sleep(500);
    }
    expect(await detail(one)).toMatchObject({ ready: true, failing: [], site: { registry: 'up' } });
  }, 60_000);
});
