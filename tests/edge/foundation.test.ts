// The foundation edge on real HTTP: caching, collapsing with streaming, memory budget, reserved
// paths, query strings and a dead upstream.
import { startUpstream, gate, deadPort, type TestUpstream } from '../support/upstream.ts';
import { startEdge, manualClock, rawRequest, type StartedEdge } from '../support/edge.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

let upstream: TestUpstream;
const edges: StartedEdge[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await Promise.all(edges.map((e) => e.close()));
  await upstream.close();
});

async function edgeFor(config: Record<string, unknown> = {}, deps = {}): Promise<StartedEdge> {
  const e = await startEdge({ upstreamUrl: upstream.url, ...config }, deps);
  edges.push(e);
  return e;
}

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

describe('edge foundation', () => {
  it('answers a first request as MISS and the second as HIT with identical bytes', async () => {
    const body = bytes(100_000, 1);
    upstream.on('/hls/vod/a/v1/0.ts', {
      headers: { 'cache-control': 'max-age=60', 'content-type': 'video/mp2t' },
      body,
    });
    const edge = await edgeFor();
    const first = await fetch(`${edge.url}/hls/vod/a/v1/0.ts`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(body);
    const second = await fetch(`${edge.url}/hls/vod/a/v1/0.ts`);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.headers.get('content-type')).toBe('video/mp2t');
    expect(second.headers.get('via')).toMatch(/1\.1 cite-tv-edge/);
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(body);
    expect(upstream.count('/hls/vod/a/v1/0.ts')).toBe(1);
  });

  it('lets a live playlist (max-age=1) expire and shows the new one after expiry', async () => {
    const clock = manualClock();
    let version = 1;
    upstream.on('/hls/live/sport/v1/index.m3u8', () => ({
      headers: {
        'cache-control': 'max-age=1',
        'content-type': 'application/vnd.apple.mpegurl',
        date: new Date(clock.now() * 1000).toUTCString(),
      },
      body: `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:${version}\n#EXTINF:2,\n${version}.ts\n`,
    }));
    const edge = await edgeFor({}, { now: clock.now });
    const url = `${edge.url}/hls/live/sport/v1/index.m3u8`;
    expect(await (await fetch(url)).text()).toContain('MEDIA-SEQUENCE:1');
    version = 2;
    const cached = await fetch(url);
    expect(cached.headers.get('x-cache')).toBe('HIT');
    expect(await cached.text()).toContain('MEDIA-SEQUENCE:1');
    clock.advance(1.5);
    // Expired: the first viewer may get the old one at once (served while it refreshes, so no
    // viewer waits), and the new one follows.
    let text = await (await fetch(url)).text();
    for (let i = 0; i < 2000 && !text.includes('MEDIA-SEQUENCE:2'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      text = await (await fetch(url)).text();
    }
    expect(text).toContain('MEDIA-SEQUENCE:2');
    expect(upstream.count('/hls/live/sport/v1/index.m3u8')).toBe(2);
  });

  it('collapses 200 concurrent misses into one upstream request and streams it to all of them', async () => {
    const half = bytes(64 * 1024, 7);
    const rest = bytes(64 * 1024, 9);
    const release = gate();
    upstream.on('/hls/live/sport/v1/500.ts', {
      headers: {
        'cache-control': 'max-age=30',
        'content-type': 'video/mp2t',
        'content-length': String(half.length + rest.length),
      },
      body: [half, { wait: release.promise }, rest],
    });
    const edge = await edgeFor();
    const clients = Array.from({ length: 200 }, async () => {
      const res = await fetch(`${edge.url}/hls/live/sport/v1/500.ts`);
      const reader = res.body!.getReader();
      const chunks: Uint8Array[] = [];
      let received = 0;
      let firstHalfSeen!: () => void;
      const sawFirstHalf = new Promise<void>((r) => (firstHalfSeen = r));
      const done = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          received += value.byteLength;
          if (received >= half.length) firstHalfSeen();
        }
        return { status: res.status, cache: res.headers.get('x-cache'), body: Buffer.concat(chunks) };
      })();
      return { sawFirstHalf, done };
    });
    const started = await Promise.all(clients);
    // Every client holds the first half while the upstream is still paused before the rest.
    await Promise.all(started.map((c) => c.sawFirstHalf));
    expect(upstream.count('/hls/live/sport/v1/500.ts')).toBe(1);
    release.open();
    const results = await Promise.all(started.map((c) => c.done));
    const expected = Buffer.concat([half, rest]);
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body.equals(expected)).toBe(true);
    }
    expect(results.filter((r) => r.cache === 'MISS')).toHaveLength(1);
    expect(results.filter((r) => r.cache === 'COLLAPSED')).toHaveLength(199);
    expect(upstream.count('/hls/live/sport/v1/500.ts')).toBe(1);
    const after = await fetch(`${edge.url}/hls/live/sport/v1/500.ts`);
    expect(after.headers.get('x-cache')).toBe('HIT');
    expect(Buffer.from(await after.arrayBuffer()).equals(expected)).toBe(true);
  });

  it('keeps stored bytes within the memory budget under a flood of distinct objects, evicting LRU', async () => {
    const budget = 200_000;
    upstream.on('/flood', (req) => ({
      headers: { 'cache-control': 'max-age=300' },
      body: bytes(10_000, Number(new URL(req.url).searchParams.get('i'))),
    }));
    const edge = await edgeFor({ memoryBytes: budget, maxObjectBytes: 50_000 });
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${edge.url}/flood?i=${i}`);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes(10_000, i));
      expect(edge.edge.stats().bytes).toBeLessThanOrEqual(budget);
    }
    const stats = edge.edge.stats();
    expect(stats.objects).toBeGreaterThan(5);
    expect(stats.objects).toBeLessThan(20);
    expect(stats.evictions).toBe(60 - stats.objects);
    // The most recent object is still cached, the first one was evicted.
    expect((await fetch(`${edge.url}/flood?i=59`)).headers.get('x-cache')).toBe('HIT');
    expect((await fetch(`${edge.url}/flood?i=0`)).headers.get('x-cache')).toBe('MISS');
    const metrics = await (await fetch(`${edge.url}/_edge/metrics`)).text();
    expect(metrics).toMatch(/edge_cache_evictions_total \d+/);
  });

  it('passes objects over the size cap through without storing them', async () => {
    const big = bytes(300_000, 3);
    upstream.on('/big.mp4', { headers: { 'cache-control': 'max-age=300' }, body: big });
    const edge = await edgeFor({ maxObjectBytes: 100_000 });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${edge.url}/big.mp4`);
      expect(res.headers.get('x-cache')).toBe('MISS');
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(big);
    }
    expect(upstream.count('/big.mp4')).toBe(2);
    expect(edge.edge.stats().objects).toBe(0);
  });

  it('never proxies the reserved /_edge/ paths', async () => {
    upstream.on('/_edge/health', { body: 'upstream health' });
    upstream.on('/_edge/other', { body: 'upstream other' });
    const edge = await edgeFor();
    const health = await fetch(`${edge.url}/_edge/health`);
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe('ok');
    expect((await fetch(`${edge.url}/_edge/other`)).status).toBe(404);
    const metrics = await fetch(`${edge.url}/_edge/metrics`);
    expect(await metrics.text()).toContain('edge_requests_total');
    expect(upstream.count('/_edge/health')).toBe(0);
    expect(upstream.count('/_edge/other')).toBe(0);
  });

  it('forwards the query string, keeps CMCD out of the cache key, strips hop-by-hop fields', async () => {
    upstream.on('/q.m3u8', (req) => ({
      headers: { 'cache-control': 'max-age=60', connection: 'x-secret', 'x-secret': 'hop', 'x-kept': 'end' },
      body: new URL(req.url).search,
    }));
    const edge = await edgeFor();
    const a = await rawRequest(`${edge.url}/q.m3u8?token=abc&b=2&CMCD=sid%3D%22one%22`, {
      headers: { 'x-client': 'tv', connection: 'keep-alive, x-hop', 'x-hop': 'only-to-the-edge' },
    });
    expect(a.body.toString()).toBe('?token=abc&b=2');
    expect(a.headers['x-secret']).toBeUndefined();
    expect(a.headers['x-kept']).toBe('end');
    const seen = itemAt(
      upstream.requests.filter((r) => r.path === '/q.m3u8'),
      0,
    );
    expect(seen.url).toBe('/q.m3u8?token=abc&b=2');
    expect(seen.headers.get('x-client')).toBe('tv');
    expect(seen.headers.get('x-hop')).toBeNull();
    expect(seen.headers.get('via')).toMatch(/cite-tv-edge/);
    expect(seen.headers.get('x-forwarded-for')).toMatch(/127\.0\.0\.1$/);
    const b = await fetch(`${edge.url}/q.m3u8?token=abc&b=2&CMCD=sid%3D%22two%22`);
    expect(b.headers.get('x-cache')).toBe('HIT');
    const other = await fetch(`${edge.url}/q.m3u8?token=xyz`);
    expect(other.headers.get('x-cache')).toBe('MISS');
    expect(await other.text()).toBe('?token=xyz');
  });

  it('answers 502 with a clear message when the upstream is down, and keeps serving', async () => {
    const port = await deadPort();
    const edge = await edgeFor({ upstreamUrl: `http://127.0.0.1:${port}` });
    const res = await fetch(`${edge.url}/hls/live/sport/master.m3u8`);
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/injoignable.*unreachable/i);
    expect((await fetch(`${edge.url}/_edge/health`)).status).toBe(200);
  });
});
