// What load balancers and operators see of the edge itself: public liveness and readiness probes
// that name no upstream, and the admin endpoints (health detail, metrics, purge) behind the admin
// token, or on the admin address, or (neither set) for this machine only.
import { networkInterfaces } from 'node:os';
import { startUpstream, gate, deadPort, type TestUpstream } from '../support/upstream.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { startEdgeNode, type RunningEdge } from '../../edge-origin/src/edge/node/start-edge-node.ts';

let upstream: TestUpstream;
const started: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  upstream = await startUpstream();
  upstream.on('/', { status: 200 });
});
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
  await upstream.close();
});
async function edgeWith(config: Record<string, unknown> = {}): Promise<StartedEdge> {
  // The edge runs inside the jest worker, whose resident memory grows with every test file it
  // has run (past the default budget late in a CI run): the memory check gets a budget of its own
  // only in the test that is about it.
  const e = await startEdge({ upstreamUrl: upstream.url, readinessMaxRssBytes: 64 * 1024 ** 3, ...config });
  started.push(e);
  return e;
}
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });

describe('public probes', () => {
  it('says live and ready while the upstream answers, without naming it', async () => {
    const edge = await edgeWith();
    const live = await fetch(`${edge.url}/_edge/health/live`);
    expect(await json(live)).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await fetch(`${edge.url}/_edge/health/ready`);
    const text = await ready.text();
    expect([ready.status, JSON.parse(text)]).toEqual([200, { status: 'ready' }]);
    expect(text).not.toContain(new URL(upstream.url).port);
  });

  it('strict: says not ready (503, which check) when the upstream is down, still live, and names no address', async () => {
    const port = await deadPort();
    const edge = await edgeWith({ upstreamUrl: `http://127.0.0.1:${port}`, readinessUpstream: 'strict' });
    const ready = await fetch(`${edge.url}/_edge/health/ready`);
    const text = await ready.text();
    expect([ready.status, JSON.parse(text)]).toEqual([503, { status: 'not-ready', failing: ['upstream'] }]);
    expect(text).not.toContain(String(port));
    expect((await fetch(`${edge.url}/_edge/health/live`)).status).toBe(200);
    // A viewer's 502 says the origin is unreachable, not where it is.
    const gateway = await fetch(`${edge.url}/hls/live/sport/master.m3u8`);
    const said = await gateway.text();
    expect([gateway.status, said]).toEqual([502, expect.stringMatching(/unreachable/)]);
    expect(said).not.toMatch(new RegExp(`${port}|127\\.0\\.0\\.1`));
  });

  it('site (the default), no Redis: an unreachable upstream leaves the edge ready, saying degraded', async () => {
    // No siblings to send viewers to: taking this edge out would lose its cached replays too.
    const port = await deadPort();
    const edge = await edgeWith({ upstreamUrl: `http://127.0.0.1:${port}` });
    const ready = await fetch(`${edge.url}/_edge/health/ready`);
    const text = await ready.text();
    expect([ready.status, JSON.parse(text)]).toEqual([200, { status: 'ready', degraded: ['upstream'] }]);
    expect(text).not.toContain(String(port));
    const detail = await json(await fetch(`${edge.url}/_edge/health`));
    expect(detail.body.readiness).toMatchObject({
      ready: true,
      policy: 'site',
      degraded: ['upstream'],
      upstream: { ok: false },
      site: { registry: 'off', siblings: [] },
    });
  });

  it('ignore: never not ready for the upstream, still says degraded', async () => {
    const port = await deadPort();
    const edge = await edgeWith({ upstreamUrl: `http://127.0.0.1:${port}`, readinessUpstream: 'ignore' });
    const ready = await json(await fetch(`${edge.url}/_edge/health/ready`));
    expect(ready).toEqual({ status: 200, body: { status: 'ready', degraded: ['upstream'] } });
  });

  it('gives up on an upstream that does not answer the probe within its timeout', async () => {
    const silent = await startUpstream();
    started.push(silent);
    const never = gate();
    silent.on('/', { delay: never.promise });
    const edge = await edgeWith({ upstreamUrl: silent.url, readinessProbeTimeoutMs: 300, readinessUpstream: 'strict' });
    const ready = await json(await fetch(`${edge.url}/_edge/health/ready`));
    expect(ready).toEqual({ status: 503, body: { status: 'not-ready', failing: ['upstream'] } });
    // The detail (admin; this client is on loopback) says why.
    const detail = await json(await fetch(`${edge.url}/_edge/health`));
    expect(detail.body.readiness).toMatchObject({ upstream: { ok: false, error: 'no answer within 300 ms' } });
    never.open();
  });

  it('probes the upstream once per cache period however often it is asked', async () => {
    const counted = await startUpstream();
    started.push(counted);
    counted.on('/ping', { status: 204 });
    const edge = await edgeWith({ upstreamUrl: counted.url, readinessProbePath: '/ping', readinessCacheMs: 60_000 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${edge.url}/_edge/health/ready`).then((r) => r.status)),
    );
    expect(answers).toEqual(Array(20).fill(200));
    expect(counted.count('/ping')).toBe(1);
    expect(counted.requests[0]?.method).toBe('GET');
  });

  it('keeps its upstream connection across probes and fetches (a HEAD would cost one each time)', async () => {
    const counted = await startUpstream();
    started.push(counted);
    counted.on('/ping', { status: 200, body: 'pong' });
    counted.on('/a.ts', { headers: { 'cache-control': 'no-store' }, body: 'segment' });
    const edge = await edgeWith({ upstreamUrl: counted.url, readinessProbePath: '/ping', readinessCacheMs: 0 });
    for (let i = 0; i < 4; i++) {
      expect((await fetch(`${edge.url}/_edge/health/ready`)).status).toBe(200);
      expect(await (await fetch(`${edge.url}/a.ts`)).text()).toBe('segment');
    }
    expect([counted.count('/ping'), counted.count('/a.ts')]).toEqual([4, 4]);
    expect(counted.connections).toBe(1);
  });

  it('drops a probe answer past 64 KiB with its connection, and is still ready', async () => {
    const counted = await startUpstream();
    started.push(counted);
    counted.on('/big', { status: 200, body: 'x'.repeat(1024 * 1024) });
    const edge = await edgeWith({ upstreamUrl: counted.url, readinessProbePath: '/big', readinessCacheMs: 0 });
    for (let i = 0; i < 3; i++) expect((await fetch(`${edge.url}/_edge/health/ready`)).status).toBe(200);
    expect(counted.count('/big')).toBe(3);
    expect(counted.connections).toBeGreaterThanOrEqual(3); // not read to its end: none kept
  });

  it('says not ready when the process is over its memory budget, whatever the upstream policy', async () => {
    for (const readinessUpstream of ['site', 'strict', 'ignore']) {
      const edge = await edgeWith({ readinessMaxRssBytes: 1024 * 1024, readinessUpstream });
      const ready = await json(await fetch(`${edge.url}/_edge/health/ready`));
      expect(ready).toEqual({ status: 503, body: { status: 'not-ready', failing: ['memory'] } });
    }
    // Both at once (no Redis, upstream down): memory fails, the upstream is only degraded.
    const port = await deadPort();
    const edge = await edgeWith({ readinessMaxRssBytes: 1024 * 1024, upstreamUrl: `http://127.0.0.1:${port}` });
    const ready = await json(await fetch(`${edge.url}/_edge/health/ready`));
    expect(ready).toEqual({ status: 503, body: { status: 'not-ready', failing: ['memory'], degraded: ['upstream'] } });
  });
});

describe('admin endpoints with a token', () => {
  const token = 'admin-secret-for-tests';
  const bearer = { authorization: `Bearer ${token}` };

  it('refuses health detail, metrics and purge without the token (401), answers them with it', async () => {
    const edge = await edgeWith({ adminToken: token });
    for (const path of ['/_edge/health', '/_edge/metrics']) {
      const anonymous = await fetch(`${edge.url}${path}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await anonymous.text()).not.toContain(new URL(upstream.url).port);
      expect((await fetch(`${edge.url}${path}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${edge.url}${path}`, { headers: bearer })).status).toBe(200);
    }
    const purge = (headers: Record<string, string>) =>
      fetch(`${edge.url}/_edge/purge`, { method: 'POST', headers, body: '{"prefix":"/"}' });
    expect((await purge({})).status).toBe(401);
    expect((await purge(bearer)).status).toBe(200);
    // The detail names the upstreams, for the admin only.
    const detail = await json(await fetch(`${edge.url}/_edge/health`, { headers: bearer }));
    expect(detail.body.upstreams).toEqual([upstream.url]);
    expect(detail.body.readiness).toMatchObject({ ready: true, upstream: { ok: true, status: 200 } });
    // The probes stay public.
    expect((await fetch(`${edge.url}/_edge/health/ready`)).status).toBe(200);
  });
});

describe('admin endpoints on their own address', () => {
  it('answers them there only: 403 on the public address, 404 for anything else on the admin one', async () => {
    const running: RunningEdge = await startEdgeNode(
      // The memory budget as in edgeWith: this edge runs in the jest worker, whose RSS is not its own.
      {
        port: 0,
        host: '127.0.0.1',
        upstreamUrl: upstream.url,
        adminListen: '127.0.0.1:0',
        readinessMaxRssBytes: 64 * 1024 ** 3,
      },
      { log: () => {} },
    );
    started.push({ close: () => running.close(500) });
    expect(running.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.adminUrl).not.toBe(running.url);
    for (const path of ['/_edge/health', '/_edge/metrics']) {
      expect((await fetch(`${running.url}${path}`)).status).toBe(403);
      expect((await fetch(`${running.adminUrl}${path}`)).status).toBe(200);
    }
    const purge = await fetch(`${running.adminUrl}/_edge/purge`, { method: 'POST', body: '{"prefix":"/"}' });
    expect(purge.status).toBe(200);
    expect((await fetch(`${running.url}/_edge/health/ready`)).status).toBe(200);
    upstream.on('/not-through-admin', { body: 'origin' });
    expect((await fetch(`${running.adminUrl}/not-through-admin`)).status).toBe(404);
    expect(upstream.count('/not-through-admin')).toBe(0);
  });
});

describe('admin endpoints with neither token nor admin address', () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

  it('answers reads to this machine only, and no purge', async () => {
    expect(external).toBeDefined(); // the test needs a non-loopback address to come from
    const edge = await edgeWith({ host: '0.0.0.0' });
    const port = new URL(edge.url).port;
    const fromOutside = `http://${external}:${port}`;
    expect((await fetch(`${fromOutside}/_edge/metrics`)).status).toBe(403);
    expect((await fetch(`${fromOutside}/_edge/health`)).status).toBe(403);
    expect((await fetch(`${fromOutside}/_edge/health/ready`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/_edge/metrics`)).status).toBe(200);
    const purge = await fetch(`http://127.0.0.1:${port}/_edge/purge`, { method: 'POST', body: '{"prefix":"/"}' });
    expect(purge.status).toBe(403);
  });
});
