// Several edges (the workers of `--workers N`, or several machines) acting as one cache through a
// real redis-server: one upstream fetch per object, shared objects, purges everywhere, and life
// going on when Redis is down.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createClient } from 'redis';
import { startUpstream, gate, deadPort, type TestUpstream } from '../support/upstream.ts';
import { startEdge, manualClock, type StartedEdge } from '../support/edge.ts';

let upstream: TestUpstream;
let redis: ChildProcess | undefined;
let redisPort: number;
const edges: StartedEdge[] = [];
const logs: Record<string, unknown>[] = [];
let n = 0;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function startRedis(): Promise<void> {
  redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    redis!.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) resolve();
    });
    redis!.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
}
async function stopRedis(): Promise<void> {
  if (!redis || redis.exitCode !== null) return;
  const exited = new Promise((r) => redis!.once('exit', r));
  redis.kill('SIGTERM');
  await exited;
}
async function waitFor(cond: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 2000 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 10));
}
// The health detail is an admin endpoint: these edges have a token.
const sharing = async (e: StartedEdge) =>
  (await (await fetch(`${e.url}/_edge/health`, { headers: { authorization: 'Bearer tok' } })).json()).sharing as string;

beforeAll(async () => {
  upstream = await startUpstream();
  redisPort = await freePort();
  await startRedis();
  for (let i = 0; i < 2; i++) {
    edges.push(
      await startEdge(
        { upstreamUrl: upstream.url, redisUrl: `redis://127.0.0.1:${redisPort}`, adminToken: 'tok' },
        { log: (l) => logs.push(l) },
      ),
    );
  }
  await waitFor(async () => (await Promise.all(edges.map(sharing))).every((s) => s === 'up'));
});
afterAll(async () => {
  await Promise.all(edges.map((e) => e.close()));
  await stopRedis();
  await upstream.close();
});

it('makes one upstream request for concurrent misses on two workers, and both get the bytes', async () => {
  const [a, b] = edges as [StartedEdge, StartedEdge];
  const p = `/hls/live/sport/v1/${++n}.ts`;
  const release = gate();
  const body = 'segment-'.repeat(5000);
  upstream.on(p, {
    headers: { 'cache-control': 'max-age=60' },
    body: [body.slice(0, 1000), { wait: release.promise }, body.slice(1000)],
  });
  const requests = [a, b, a, b, a, b].map((e) =>
    fetch(e.url + p).then(async (r) => ({ cache: r.headers.get('x-cache'), body: await r.text() })),
  );
  await waitFor(() => upstream.count(p) >= 1);
  await new Promise((r) => setTimeout(r, 100)); // let every request reach its worker
  release.open();
  const results = await Promise.all(requests);
  expect(results.every((r) => r.body === body)).toBe(true);
  expect(upstream.count(p)).toBe(1);
});

it('streams a segment another worker is still fetching: bytes arrive before the origin has finished', async () => {
  const [a, b] = edges as [StartedEdge, StartedEdge];
  const p = `/hls/live/sport/v1/${++n}.ts`;
  const release = gate();
  const half = 'a'.repeat(64 * 1024);
  const rest = 'b'.repeat(64 * 1024);
  upstream.on(p, { headers: { 'cache-control': 'max-age=60' }, body: [half, { wait: release.promise }, rest] });
  const readFirstHalf = async (e: StartedEdge) => {
    const res = await fetch(e.url + p);
    const reader = res.body!.getReader();
    let text = '';
    const decoder = new TextDecoder();
    while (text.length < half.length) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return { res, reader, text, decoder };
  };
  const onA = await readFirstHalf(a); // A fetches from the origin
  const onB = await readFirstHalf(b); // B streams from A: it has the first half while the origin is paused
  expect([onA.text, onB.text]).toEqual([half, half]);
  expect(upstream.count(p)).toBe(1);
  release.open();
  for (const side of [onA, onB]) {
    for (;;) {
      const { done, value } = await side.reader.read();
      if (done) break;
      side.text += side.decoder.decode(value, { stream: true });
    }
    expect(side.text).toBe(half + rest);
  }
  expect(upstream.count(p)).toBe(1);
});

it('fetches every live segment exactly once across two workers, with prefetch and background playlist refresh on', async () => {
  // The bench's 1.6 upstream requests per segment: each worker refreshed the live playlist in the
  // background and prefetched its new segments on its own, and viewers' misses raced with those.
  const [a, b] = edges as [StartedEdge, StartedEdge];
  const base = `/hls/live/race${++n}/v1`;
  let last = 2; // segments 0..last are published
  const playlist = () => {
    let text = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n';
    for (let i = 0; i <= last; i++) text += `#EXTINF:1.0,\nseg-${i}.ts\n`;
    return text;
  };
  const segmentBody = (i: number) => `segment-${i}-`.repeat(4000);
  const publish = (i: number) =>
    upstream.on(`${base}/seg-${i}.ts`, {
      headers: { 'cache-control': 'max-age=60', 'content-type': 'video/mp2t' },
      // A little origin latency, so fetches overlap as they do in production.
      delay: new Promise((r) => setTimeout(r, 30)),
      body: segmentBody(i),
    });
  for (let i = 0; i <= last; i++) publish(i);
  upstream.on(`${base}/index.m3u8`, () => ({
    headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=1' },
    body: playlist(),
  }));

  // Viewers on both workers, as node:cluster spreads connections: poll the playlist, fetch what is new.
  const viewer = async (edge: StartedEdge, upTo: () => number, stop: () => boolean) => {
    let next = 0;
    while (!stop()) {
      const text = await (await fetch(`${edge.url}${base}/index.m3u8`)).text();
      const listed = [...text.matchAll(/seg-(\d+)\.ts/g)].map((m) => Number(m[1]));
      for (const i of listed.filter((i) => i >= next && i <= upTo())) {
        const body = await (await fetch(`${edge.url}${base}/seg-${i}.ts`)).text();
        expect(body).toBe(segmentBody(i));
        next = i + 1;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const rounds = 5;
  const seen = new Set<string>();
  let done = false;
  const viewers = Array.from({ length: 12 }, (_, k) =>
    viewer(
      k % 2 ? b : a,
      () => last,
      () => done,
    ),
  );
  for (let round = 0; round < rounds; round++) {
    publish(++last);
    // The round ends when the new segment has reached a viewer on each worker.
    await waitFor(() => upstream.count(`${base}/seg-${last}.ts`) >= 1);
    for (const e of [a, b]) {
      await waitFor(async () => (await fetch(`${e.url}${base}/seg-${last}.ts`, { method: 'HEAD' })).status === 200);
    }
    seen.add(`${base}/seg-${last}.ts`);
    await new Promise((r) => setTimeout(r, 600)); // playlists refresh, prefetches run
  }
  done = true;
  await Promise.all(viewers);
  const counts = Object.fromEntries([...seen].map((p) => [p, upstream.count(p)]));
  expect(counts).toEqual(Object.fromEntries([...seen].map((p) => [p, 1])));
}, 60_000);

it('refreshes a live playlist once for both workers: the refresher never takes back its own copy, the other takes the newer one', async () => {
  const clock = manualClock();
  const origin = await startUpstream({ now: clock.now });
  const pair = [] as StartedEdge[];
  try {
    for (let i = 0; i < 2; i++)
      pair.push(
        await startEdge(
          { upstreamUrl: origin.url, redisUrl: `redis://127.0.0.1:${redisPort}` },
          { now: clock.now, log: () => {} },
        ),
      );
    await waitFor(async () => (await Promise.all(pair.map(sharing))).every((s) => s === 'up'));
    const [a, b] = pair as [StartedEdge, StartedEdge];
    const p = `/hls/live/refresh${++n}/v1/index.m3u8`;
    let version = 1;
    // TD 10: kept 5 s, refreshed ahead from 2.5 s.
    origin.on(p, () => ({
      headers: { 'cache-control': 'max-age=5' },
      body: `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:${version}\n#EXTINF:10.0,\n${version}.ts\n`,
    }));
    const sequence = async (e: StartedEdge) => /SEQUENCE:(\d+)/.exec(await (await fetch(e.url + p)).text())?.[1];
    expect(await sequence(a)).toBe('1');
    await waitFor(async () => (await fetch(b.url + p)).headers.get('x-cache') === 'HIT'); // B took A's copy
    expect(origin.count(p)).toBe(1);

    clock.advance(3);
    version = 2;
    // A's refresh-ahead: the shared copy is A's own (not newer), so A fetches.
    expect(await sequence(a)).toBe('1');
    await waitFor(() => origin.count(p) === 2);
    expect(origin.count(p)).toBe(2);
    await waitFor(async () => (await sequence(a)) === '2');
    // B's refresh-ahead finds A's newer copy: no second fetch.
    expect(await sequence(b)).toBe('1');
    await waitFor(async () => (await sequence(b)) === '2');
    expect(await sequence(b)).toBe('2');
    expect(origin.count(p)).toBe(2);
  } finally {
    await Promise.all(pair.map((e) => e.close()));
    await origin.close();
  }
});

it('is not blocked by the lease of a dead worker: the object comes from the origin at once', async () => {
  const [a] = edges as [StartedEdge];
  const p = `/hls/vod/lease/v1/${++n}.ts`;
  upstream.on(p, { headers: { 'cache-control': 'max-age=600' }, body: 'after-a-crash' });
  // A worker took the object's lease and died: its listener is gone, the lease still runs.
  const redisClient = createClient({ url: `redis://127.0.0.1:${redisPort}` });
  await redisClient.connect();
  try {
    const dead = `http://127.0.0.1:${await deadPort()}`;
    await redisClient.set(`edge:lock:{${p}}`, dead, { PX: 60_000 });
    const res = await fetch(a.url + p);
    expect([res.status, await res.text()]).toEqual([200, 'after-a-crash']);
    expect(upstream.count(p)).toBe(1);
    // The worker that found the holder dead took its lease over (so the others would have
    // streamed from it), then ended it: the dead worker holds nothing any more.
    expect(await redisClient.get(`edge:lock:{${p}}`)).not.toBe(dead);
  } finally {
    await redisClient.close();
  }
});

it('serves on one worker what another fetched, without going upstream', async () => {
  const [a, b] = edges as [StartedEdge, StartedEdge];
  const p = `/hls/vod/shared/v1/${++n}.ts`;
  upstream.on(p, { headers: { 'cache-control': 'max-age=600' }, body: 'fetched-by-a' });
  expect(await (await fetch(a.url + p)).text()).toBe('fetched-by-a');
  await new Promise((r) => setTimeout(r, 50)); // the object reaches Redis
  const res = await fetch(b.url + p);
  expect([res.headers.get('x-cache'), await res.text()]).toEqual(['HIT', 'fetched-by-a']);
  expect(upstream.count(p)).toBe(1);
});

it('propagates a purge to the other workers and to the shared copy', async () => {
  const [a, b] = edges as [StartedEdge, StartedEdge];
  const p = `/hls/vod/purge/v1/${++n}.ts`;
  upstream.on(p, (_req, k) => ({ headers: { 'cache-control': 'max-age=600' }, body: `version-${k}` }));
  await fetch(a.url + p).then((r) => r.text());
  await new Promise((r) => setTimeout(r, 50));
  expect(await (await fetch(b.url + p)).text()).toBe('version-1');
  const purged = await fetch(`${a.url}/_edge/purge`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok' },
    body: JSON.stringify({ prefix: '/hls/vod/purge/' }),
  });
  expect(purged.status).toBe(200);
  await waitFor(
    async () =>
      b.edge.stats().objects === 0 ||
      !(await fetch(b.url + p, { method: 'HEAD' })).headers.get('x-cache')?.startsWith('HIT'),
  );
  const after = await fetch(b.url + p);
  expect(await after.text()).toBe('version-2');
});

it('keeps serving when Redis goes down, logs it once, and shares again when it is back', async () => {
  const [a, b] = edges as [StartedEdge, StartedEdge];
  await stopRedis();
  await waitFor(async () => (await sharing(a)) === 'down');
  const p = `/hls/vod/down/v1/${++n}.ts`;
  upstream.on(p, { headers: { 'cache-control': 'max-age=600' }, body: 'alone' });
  for (const e of [a, b, a, b]) {
    const res = await fetch(e.url + p);
    expect([res.status, await res.text()]).toEqual([200, 'alone']);
  }
  expect(upstream.count(p)).toBe(2); // each worker fetched once, on its own
  const outages = logs.filter((l) => String(l.msg).startsWith('redis unreachable'));
  expect(outages.length).toBeLessThanOrEqual(4); // once per connection (client + subscriber) per worker
  expect(outages.length).toBeGreaterThan(0);

  await startRedis();
  await waitFor(async () => (await Promise.all(edges.map(sharing))).every((s) => s === 'up'));
  const q = `/hls/vod/back/v1/${++n}.ts`;
  upstream.on(q, { headers: { 'cache-control': 'max-age=600' }, body: 'shared-again' });
  await fetch(a.url + q).then((r) => r.text());
  await new Promise((r) => setTimeout(r, 50));
  expect((await fetch(b.url + q)).headers.get('x-cache')).toBe('HIT');
  expect(upstream.count(q)).toBe(1);
}, 60_000);

it('starts and serves while Redis is not there yet, and joins it when it comes up', async () => {
  const laterPort = await freePort();
  const lonely = await startEdge(
    { upstreamUrl: upstream.url, redisUrl: `redis://127.0.0.1:${laterPort}` },
    { log: () => {} },
  );
  const later = spawn(
    'redis-server',
    ['--port', String(laterPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  try {
    const p = `/hls/vod/early/v1/${++n}.ts`;
    upstream.on(p, { headers: { 'cache-control': 'max-age=600' }, body: 'served-without-redis' });
    expect(await sharing(lonely)).toBe('down');
    expect(await (await fetch(lonely.url + p)).text()).toBe('served-without-redis');
    await waitFor(async () => (await sharing(lonely)) === 'up');
    expect(await sharing(lonely)).toBe('up');
  } finally {
    await lonely.close();
    const exited = new Promise((r) => later.once('exit', r));
    later.kill('SIGTERM');
    await exited;
  }
}, 60_000);
