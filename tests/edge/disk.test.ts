// The disk tier: long-lived objects survive a restart, within a byte budget; short-lived ones
// never touch the disk; purges reach the disk too.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';

let upstream: TestUpstream;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstream();
  dir = await mkdtemp(join(tmpdir(), 'edge-disk-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

async function withEdge<T>(config: Record<string, unknown>, use: (e: StartedEdge) => Promise<T>): Promise<T> {
  const e = await startEdge({ upstreamUrl: upstream.url, diskDir: dir, ...config });
  try {
    return await use(e);
  } finally {
    await e.edge.context.disk!.flush();
    await e.close();
  }
}
const get = async (e: StartedEdge, p: string, init: RequestInit = {}) => {
  const res = await fetch(e.url + p, init);
  return { cache: res.headers.get('x-cache'), body: await res.text(), status: res.status };
};

it('keeps long-lived objects across a restart, and leaves short-lived ones in memory only', async () => {
  upstream.on('/hls/vod/film/v1/0.ts', {
    headers: { 'cache-control': 'max-age=86400', 'content-type': 'video/mp2t' },
    body: 'vod-segment-0',
  });
  upstream.on('/hls/live/sport/v1/index.m3u8', {
    headers: { 'cache-control': 'max-age=1' },
    body: '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n1.ts\n',
  });
  await withEdge({}, async (e) => {
    expect((await get(e, '/hls/vod/film/v1/0.ts')).cache).toBe('MISS');
    await get(e, '/hls/live/sport/v1/index.m3u8');
  });
  await withEdge({}, async (e) => {
    const again = await get(e, '/hls/vod/film/v1/0.ts');
    expect([again.cache, again.body]).toEqual(['HIT', 'vod-segment-0']);
    expect((await get(e, '/hls/live/sport/v1/index.m3u8')).cache).toBe('MISS');
  });
  expect(upstream.count('/hls/vod/film/v1/0.ts')).toBe(1);
  expect(upstream.count('/hls/live/sport/v1/index.m3u8')).toBe(2);
});

it('stays within its byte budget, files included', async () => {
  upstream.on('/vod/many', (req) => ({
    headers: { 'cache-control': 'max-age=86400' },
    body: 'x'.repeat(9000) + new URL(req.url).search,
  }));
  const budget = 60_000;
  await withEdge({ diskBytes: budget }, async (e) => {
    for (let i = 0; i < 30; i++) await get(e, `/vod/many?i=${i}`);
    await e.edge.context.disk!.flush();
    const stats = e.edge.context.disk!.stats();
    expect(stats.bytes).toBeLessThanOrEqual(budget);
    expect(stats.objects).toBeGreaterThan(2);
    const bodies = (await readdir(dir)).filter((f) => f.endsWith('.body'));
    // Bodies on disk are exactly those indexed (the first test's segment included).
    expect(bodies.length).toBe(stats.objects);
    // The operator sees the same figures in Prometheus.
    const metrics = await (await fetch(`${e.url}/_edge/metrics`)).text();
    expect(metrics).toContain(`edge_disk_bytes ${stats.bytes}\n`);
    expect(metrics).toContain(`edge_disk_objects ${stats.objects}\n`);
  });
});

it('a purge removes the object from disk too', async () => {
  const token = 't';
  upstream.on('/hls/vod/purged/v1/0.ts', { headers: { 'cache-control': 'max-age=86400' }, body: 'to-purge' });
  await withEdge({ adminToken: token }, async (e) => {
    await get(e, '/hls/vod/purged/v1/0.ts');
    await e.edge.context.disk!.flush();
    const res = await fetch(`${e.url}/_edge/purge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ prefix: '/hls/vod/purged/' }),
    });
    expect((await res.json()).purged).toBe(2); // memory + disk
  });
  await withEdge({}, async (e) => {
    expect((await get(e, '/hls/vod/purged/v1/0.ts')).cache).toBe('MISS');
  });
});
