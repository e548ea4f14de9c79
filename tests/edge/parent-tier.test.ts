// #15: a parent tier. PoP edges whose upstream is a regional shield edge, whose upstream is the
// origin: a segment goes upstream once for every PoP, each hop says so in Via, and purges reach
// both tiers. The Via loop guard: a request that already went through an edge (its name in Via)
// is refused with 508 without going upstream, so two edges that are each other's upstream fail at
// once; the workers of one edge, which share its name, still stream from one another.
import { startUpstream, gate, deadPort, type TestUpstream } from '../support/upstream.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const auth = { authorization: 'Bearer tok' };
let upstream: TestUpstream;
let shield: StartedEdge;
let pop1: StartedEdge;
let pop2: StartedEdge;
const started: StartedEdge[] = [];

async function edge(config: Parameters<typeof startEdge>[0]): Promise<StartedEdge> {
  const e = await startEdge({ adminToken: 'tok', ...config });
  started.push(e);
  return e;
}

beforeAll(async () => {
  upstream = await startUpstream();
  shield = await edge({ upstreamUrl: upstream.url, viaName: 'shield' });
  pop1 = await edge({ upstreamUrl: shield.url, viaName: 'pop-1' });
  pop2 = await edge({ upstreamUrl: shield.url, viaName: 'pop-2' });
});
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
  await upstream.close();
});

const hops = (via: string | null) => (via ?? '').split(',').map((s) => s.trim());

/** The sum of every sample of `name` whose labels contain `labels` (e.g. `status="508"`). */
async function metric(e: StartedEdge, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${e.url}/_edge/metrics`, { headers: auth })).text();
  return text
    .split('\n')
    .filter((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(labels))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

async function purge(e: StartedEdge, tag: string): Promise<void> {
  const res = await fetch(`${e.url}/_edge/purge`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ surrogateKeys: [tag] }),
  });
  expect(res.status).toBe(200);
}

describe('PoP edges → a regional shield edge → the origin', () => {
  const path = '/hls/live/sport/v1/seg-1.ts';
  const body = 'segment-1 '.repeat(3000);

  it('a segment reaches the origin once, Via names both hops, and the shield serves a second PoP from its cache', async () => {
    upstream.on(path, { headers: { 'cache-control': 'max-age=600', 'surrogate-key': 'sport' }, body });
    const first = await fetch(pop1.url + path);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe(body);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(hops(first.headers.get('via'))).toEqual(['1.1 shield', '1.1 pop-1']);
    expect(upstream.count(path)).toBe(1);
    // The origin sees both edges the request went through, in order.
    expect(upstream.requests.find((r) => r.path === path)?.headers.get('via')).toBe('1.1 pop-1, 1.1 shield');

    const second = await fetch(pop2.url + path);
    expect(await second.text()).toBe(body);
    expect(second.headers.get('x-cache')).toBe('MISS'); // pop-2's own miss...
    expect(hops(second.headers.get('via'))).toEqual(['1.1 shield', '1.1 pop-2']);
    expect(upstream.count(path)).toBe(1); // ...answered by the shield's copy
    expect(await metric(shield, 'edge_requests_total', 'cache="HIT"')).toBe(1);

    const again = await fetch(pop1.url + path);
    expect(again.headers.get('x-cache')).toBe('HIT');
    await again.arrayBuffer();
    expect(upstream.count(path)).toBe(1);
  });

  it('a purge of the PoP alone refills it from the shield; purged on the shield first, then the PoPs, the origin is asked again', async () => {
    await (await fetch(pop1.url + path)).arrayBuffer();
    const before = upstream.count(path);
    await purge(pop1, 'sport');
    const refilled = await fetch(pop1.url + path);
    expect(refilled.headers.get('x-cache')).toBe('MISS');
    await refilled.arrayBuffer();
    expect(upstream.count(path)).toBe(before); // the shield still had it (tags travel with the object)

    for (const e of [shield, pop1, pop2]) await purge(e, 'sport');
    const fresh = await fetch(pop1.url + path);
    expect(await fresh.text()).toBe(body);
    expect(upstream.count(path)).toBe(before + 1);
    await (await fetch(pop2.url + path)).arrayBuffer();
    expect(upstream.count(path)).toBe(before + 1);
  });
});

describe('the Via loop guard', () => {
  it('two edges that are each other’s upstream answer 508 at once: each hop went upstream once', async () => {
    const portB = await deadPort();
    const a = await edge({ upstreamUrl: `http://127.0.0.1:${portB}`, viaName: 'edge-a' });
    const b = await edge({ upstreamUrl: a.url, viaName: 'edge-b', port: portB });
    const res = await fetch(`${a.url}/loop/seg.ts`);
    expect(res.status).toBe(508);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toMatch(/Loop detected: .* this edge \(edge-a\) is already in Via/);
    // Viewer → A → B → A (refused): one upstream request from each, none of them repeated.
    expect(await metric(a, 'edge_upstream_requests_total')).toBe(1);
    expect(await metric(b, 'edge_upstream_requests_total')).toBe(1);
    expect(await metric(a, 'edge_requests_total', 'status="508"')).toBe(2); // the loop, and the viewer
    expect(upstream.count('/loop/seg.ts')).toBe(0);
    // The same from the other side.
    const fromB = await fetch(`${b.url}/loop/other.ts`);
    expect(fromB.status).toBe(508);
    expect(await fromB.text()).toMatch(/this edge \(edge-b\)/);
  });

  it('refuses a request forged with the edge’s own name in Via, stored or not, and nothing else', async () => {
    const path = '/forged/seg.ts';
    upstream.on(path, { headers: { 'cache-control': 'max-age=600' }, body: 'forged' });
    const shieldRequests = await metric(shield, 'edge_requests_total');
    for (const via of ['1.1 pop-1', '1.0 corporate-proxy, 1.1 POP-1 (cite-tv)', 'HTTP/1.1 pop-1']) {
      const res = await fetch(pop1.url + path, { headers: { via } });
      expect(res.status).toBe(508);
      await res.arrayBuffer();
    }
    expect(await metric(shield, 'edge_requests_total')).toBe(shieldRequests); // nothing went upstream
    expect(upstream.count(path)).toBe(0);
    // Another proxy's name, or a name that only starts like this edge's, is a viewer's request.
    for (const via of ['1.0 corporate-proxy', '1.1 pop-10']) {
      const res = await fetch(pop1.url + path, { headers: { via } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('forged');
    }
    // Stored now (a fresh hit the Node fast path would answer): still refused.
    const hit = await fetch(pop1.url + path, { headers: { via: '1.1 pop-1' } });
    expect(hit.status).toBe(508);
    await hit.arrayBuffer();
    expect((await fetch(pop1.url + path)).headers.get('x-cache')).toBe('HIT');
  });

  describe('the workers of one edge (one name, Redis)', () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis.stop();
    });

    it('a worker streams an object its sibling is fetching, though its request names the edge in Via', async () => {
      const workers = [
        await edge({ upstreamUrl: upstream.url, viaName: 'pop-3', redisUrl: redis.url }),
        await edge({ upstreamUrl: upstream.url, viaName: 'pop-3', redisUrl: redis.url }),
      ] as const;
      for (const w of workers) {
        for (let i = 0; i < 500; i++) {
          const health = await (await fetch(`${w.url}/_edge/health`, { headers: auth })).json();
          if (health.sharing === 'up') break;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      const path = '/siblings/seg.ts';
      const release = gate();
      const half = 'a'.repeat(64 * 1024);
      upstream.on(path, { headers: { 'cache-control': 'max-age=60' }, body: [half, { wait: release.promise }, half] });
      const onA = await fetch(workers[0].url + path); // A takes the lease and fetches
      const readerA = onA.body!.getReader();
      await readerA.read(); // the origin has started sending
      const onB = fetch(workers[1].url + path); // B streams from A's peer listener
      // B's request has reached A (A counts it, as a sibling's, as it answers) while the origin
      // still holds the rest.
      for (let i = 0; i < 500 && (await metric(workers[0], 'edge_sibling_requests_total')) < 1; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(await metric(workers[0], 'edge_sibling_requests_total')).toBe(1);
      expect(await metric(workers[0], 'edge_requests_total')).toBe(1);
      expect(upstream.count(path)).toBe(1);
      release.open();
      const b = await onB;
      expect(b.status).toBe(200);
      expect(await b.text()).toBe(half + half);
      expect(hops(b.headers.get('via'))).toEqual(['1.1 pop-3']);
      expect(upstream.count(path)).toBe(1);
      while (!(await readerA.read()).done);
      expect(await metric(workers[0], 'edge_requests_total', 'status="508"')).toBe(0);
      expect(await metric(workers[0], 'edge_sibling_requests_total', 'status="508"')).toBe(0);
    });
  });
});
