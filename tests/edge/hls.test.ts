// Live-HLS behaviour of the edge: playlist TTLs from the target duration, refresh-ahead so warm
// playlists never make viewers wait, ended playlists kept long, segment prefetch, brief negative
// caching of early segment requests without poisoning, and the slow-viewer bound of the tee.
import { startUpstream, gate, type TestUpstream } from '../support/upstream.ts';
import { startEdge, manualClock, type StartedEdge } from '../support/edge.ts';
import { startEdgeNode } from '../../edge-origin/src/edge/node/start-edge-node.ts';

let upstream: TestUpstream;
let edge: StartedEdge;
const clock = manualClock(Math.floor(Date.now() / 1000));
const httpDate = (s: number) => new Date(s * 1000).toUTCString();
let n = 0;

beforeAll(async () => {
  upstream = await startUpstream({ now: clock.now });
  edge = await startEdge({ upstreamUrl: upstream.url }, { now: clock.now });
});
afterAll(async () => {
  await edge.close();
  await upstream.close();
});

async function get(p: string, base = edge.url) {
  const res = await fetch(base + p);
  return { status: res.status, cache: res.headers.get('x-cache'), body: await res.text() };
}
const until = async (cond: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 2000 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 10));
};

function livePlaylist(first: number, count = 3, targetDuration = 2): string {
  let text = `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:${targetDuration}\n#EXT-X-MEDIA-SEQUENCE:${first}\n`;
  for (let i = first; i < first + count; i++) text += `#EXTINF:${targetDuration}.0,\n${i}.ts\n`;
  return text;
}

describe('live playlists', () => {
  it('caps a media playlist TTL at half its target duration whatever the upstream says', async () => {
    const p = `/hls/live/cap${++n}/v1/index.m3u8`;
    upstream.on(p, (_req, k) => ({
      headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=60' },
      body: livePlaylist(k),
    }));
    await get(p);
    clock.advance(1.5); // past TD/2 = 1 s, far within max-age=60
    const res = await get(p);
    expect(res.cache).toBe('STALE'); // served at once, but no longer fresh
    await until(() => upstream.count(p) === 2);
    await until(async () => (await get(p)).body.includes('MEDIA-SEQUENCE:2'));
    expect((await get(p)).body).toContain('MEDIA-SEQUENCE:2');
  });

  it('gives a live playlist without caching headers a TTL from its target duration', async () => {
    const p = `/hls/live/bare${++n}/v1/index.m3u8`;
    upstream.on(p, (_req, k) => ({ headers: { date: httpDate(clock.now()) }, body: livePlaylist(k, 3, 6) }));
    await get(p);
    clock.advance(1);
    expect((await get(p)).cache).toBe('HIT');
    expect(upstream.count(p)).toBe(1);
  });

  it('never makes a viewer of a warm playlist wait: hits past half the TTL refresh it in the background', async () => {
    const p = `/hls/live/warm${++n}/v1/index.m3u8`;
    const release = gate();
    upstream.on(p, async (_req, k) => {
      if (k > 1) await release.promise;
      return { headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=1' }, body: livePlaylist(k) };
    });
    await get(p);
    clock.advance(0.6);
    // The upstream is held: these can only be answered from the cache, and they are.
    const a = await get(p);
    const b = await get(p);
    expect([a.cache, b.cache]).toEqual(['HIT', 'HIT']);
    expect(a.body).toContain('MEDIA-SEQUENCE:1');
    expect(upstream.count(p)).toBe(2); // one background refresh for both
    release.open();
    await until(async () => (await get(p)).body.includes('MEDIA-SEQUENCE:2'));
    const after = await get(p);
    expect([after.cache, after.body.includes('MEDIA-SEQUENCE:2')]).toEqual(['HIT', true]);
  });

  it('keeps a playlist with EXT-X-ENDLIST long, even if the upstream says max-age=1', async () => {
    const p = `/hls/vod/ended${++n}/v1/index.m3u8`;
    upstream.on(p, { headers: { 'cache-control': 'max-age=1' }, body: `${livePlaylist(0)}#EXT-X-ENDLIST\n` });
    await get(p);
    clock.advance(600);
    expect((await get(p)).cache).toBe('HIT');
    expect(upstream.count(p)).toBe(1);
  });

  it('prefetches the segments a refreshed live playlist adds, before any viewer asks', async () => {
    const dir = `/hls/live/pf${++n}/v1`;
    upstream.on(`${dir}/index.m3u8`, (_req, k) => ({
      headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=1' },
      body: livePlaylist(k),
    }));
    for (let s = 1; s <= 5; s++)
      upstream.on(`${dir}/${s}.ts`, { headers: { 'cache-control': 'max-age=60' }, body: `segment-${s}` });
    await get(`${dir}/index.m3u8`); // lists 1,2,3
    clock.advance(2);
    await get(`${dir}/index.m3u8`); // stale: refreshed; v2 lists 2,3,4 → 4 is new
    await until(() => upstream.count(`${dir}/4.ts`) === 1);
    expect(upstream.count(`${dir}/4.ts`)).toBe(1);
    expect(upstream.count(`${dir}/2.ts`)).toBe(0); // only new segments
    await until(async () => (await fetch(`${edge.url}/_edge/health`).then((r) => r.json())).inflightFetches === 0);
    const seg = await get(`${dir}/4.ts`);
    expect([seg.cache, seg.body]).toEqual(['HIT', 'segment-4']);
    expect(await (await fetch(`${edge.url}/_edge/metrics`)).text()).toMatch(/edge_prefetches_total [1-9]/);
  });

  it('does not prefetch a segment listed as a gap (EXT-X-GAP: no media), only the media ones', async () => {
    const dir = `/hls/live/gap${++n}/v1`;
    // v2 adds 4.ts, a gap (an origin replica taking over lists its dead peer's last feed slots so), and 5.ts.
    upstream.on(`${dir}/index.m3u8`, (_req, k) => ({
      headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=1' },
      body:
        k === 1
          ? livePlaylist(1)
          : livePlaylist(3, 1).replace(/$/, '#EXT-X-GAP\n#EXTINF:2.0,\n4.ts\n#EXTINF:2.0,\n5.ts\n'),
    }));
    for (const s of [4, 5])
      upstream.on(`${dir}/${s}.ts`, { headers: { 'cache-control': 'max-age=60' }, body: `segment-${s}` });
    await get(`${dir}/index.m3u8`); // lists 1,2,3
    clock.advance(2);
    await get(`${dir}/index.m3u8`); // stale: refreshed; v2 lists 3, 4 (gap), 5
    await until(() => upstream.count(`${dir}/5.ts`) === 1);
    await until(async () => (await fetch(`${edge.url}/_edge/health`).then((r) => r.json())).inflightFetches === 0);
    expect([upstream.count(`${dir}/5.ts`), upstream.count(`${dir}/4.ts`)]).toEqual([1, 0]);
    expect((await get(`${dir}/index.m3u8`)).body).toContain('#EXT-X-GAP\n#EXTINF:2.0,\n4.ts');
  });

  it('does not prefetch when prefetching is off', async () => {
    const other = await startEdge({ upstreamUrl: upstream.url, prefetchSegments: false }, { now: clock.now });
    try {
      const dir = `/hls/live/nopf${++n}/v1`;
      upstream.on(`${dir}/index.m3u8`, (_req, k) => ({
        headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=1' },
        body: livePlaylist(k),
      }));
      upstream.on(`${dir}/4.ts`, { headers: { 'cache-control': 'max-age=60' }, body: 'segment-4' });
      await get(`${dir}/index.m3u8`, other.url);
      clock.advance(2);
      await get(`${dir}/index.m3u8`, other.url);
      await until(() => upstream.count(`${dir}/index.m3u8`) === 2);
      await until(async () => (await fetch(`${other.url}/_edge/health`).then((r) => r.json())).inflightFetches === 0);
      expect(upstream.count(`${dir}/4.ts`)).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('announcing only what the edge holds (prefetch gate)', () => {
  const getFrom = get;
  const health = (base = edge.url) =>
    fetch(`${base}/_edge/health`).then((r) => r.json() as Promise<{ inflightFetches: number }>);
  /** A live playlist without caching headers: its TTL is half its target duration. */
  const bare = (dir: string, bodyFor: (k: number) => string) =>
    upstream.on(`${dir}/index.m3u8`, (_req, k) => ({ headers: { date: httpDate(clock.now()) }, body: bodyFor(k) }));
  /** `dir`/4.ts, held upstream until released; `sent` once it went out. */
  const heldSegment = (dir: string) => {
    const release = gate();
    const segment = { sent: false, release: () => release.open() };
    upstream.on(`${dir}/4.ts`, async () => {
      await release.promise;
      segment.sent = true;
      return { headers: { 'cache-control': 'max-age=600' }, body: 'segment-4' };
    });
    return segment;
  };

  it('serves a refreshed playlist only once the segments it adds are stored, and then they are hits', async () => {
    const dir = `/hls/live/gate${++n}/v1`;
    // Target duration 600 s: TTL 300 s, so the wait is bounded by what is left of it (~150 s),
    // far longer than this test: whatever the playlist shows meanwhile is the gate's doing.
    bare(dir, (k) => livePlaylist(k, 3, 600));
    const segment = heldSegment(dir);
    try {
      expect((await get(`${dir}/index.m3u8`)).body).toContain('MEDIA-SEQUENCE:1');
      clock.advance(151); // past half the TTL: the next hit refreshes it ahead, in the background
      expect((await get(`${dir}/index.m3u8`)).cache).toBe('HIT');
      await until(() => upstream.count(`${dir}/4.ts`) === 1); // v2 arrived (lists 4.ts) and 4.ts is being prefetched
      expect(upstream.count(`${dir}/index.m3u8`)).toBe(2);
      for (let i = 0; i < 5; i++) {
        const res = await get(`${dir}/index.m3u8`);
        expect([res.status, res.cache, res.body.includes('4.ts')]).toEqual([200, 'HIT', false]);
      }
    } finally {
      segment.release();
    }
    await until(async () => (await get(`${dir}/index.m3u8`)).body.includes('4.ts'));
    expect(segment.sent).toBe(true);
    const seg = await get(`${dir}/4.ts`);
    expect([seg.cache, seg.body]).toEqual(['HIT', 'segment-4']);
    expect(upstream.count(`${dir}/4.ts`)).toBe(1);
  });

  it('serves the refreshed playlist anyway when a segment it adds fails upstream', async () => {
    const dir = `/hls/live/gatefail${++n}/v1`;
    // v2 adds two segments: one answered 500, one whose connection is cut.
    bare(dir, (k) => livePlaylist(k === 1 ? 1 : 3, 3, 600));
    upstream.on(`${dir}/4.ts`, { status: 500, body: 'encoder down' });
    upstream.on(`${dir}/5.ts`, { reset: true });
    await get(`${dir}/index.m3u8`);
    clock.advance(151);
    await get(`${dir}/index.m3u8`);
    // The wait's bound (~150 s) is far beyond `until`'s patience: only the failures can end it.
    await until(async () => (await get(`${dir}/index.m3u8`)).body.includes('5.ts'));
    const res = await get(`${dir}/index.m3u8`);
    expect([res.body.includes('MEDIA-SEQUENCE:3'), res.body.includes('4.ts'), res.body.includes('5.ts')]).toEqual([
      true,
      true,
      true,
    ]);
    expect(upstream.count(`${dir}/4.ts`)).toBeGreaterThanOrEqual(1);
    expect(upstream.count(`${dir}/5.ts`)).toBeGreaterThanOrEqual(1);
  });

  it('does not hold the refreshed playlist beyond its bound when a segment upstream is slow', async () => {
    // Upstream timeouts far beyond `until`'s patience: only the bound can release the playlist.
    const slowEdge = await startEdge(
      { upstreamUrl: upstream.url, upstreamFirstByteTimeoutMs: 120_000 },
      { now: clock.now },
    );
    const get = (p: string) => getFrom(p, slowEdge.url);
    const dir = `/hls/live/gateslow${++n}/v1`;
    // Target duration 2 s: TTL 1 s, refreshed ahead at 0.6 s, so the wait is at most 0.4 s.
    bare(dir, (k) => livePlaylist(k, 3, 2));
    const segment = heldSegment(dir);
    try {
      await get(`${dir}/index.m3u8`);
      clock.advance(0.6);
      expect((await get(`${dir}/index.m3u8`)).cache).toBe('HIT');
      await until(async () => (await get(`${dir}/index.m3u8`)).body.includes('4.ts'));
      // Listed while its upstream still holds it back: the playlist did not wait for it.
      expect([
        (await get(`${dir}/index.m3u8`)).body.includes('4.ts'),
        upstream.count(`${dir}/4.ts`),
        segment.sent,
      ]).toEqual([true, 1, false]);
    } finally {
      segment.release();
      await until(async () => (await health(slowEdge.url)).inflightFetches === 0);
      await slowEdge.close();
    }
  });

  it('never prefetches a rendition nobody watches (a refresh by an authorized probe), only watched ones', async () => {
    const dir = `/hls/live/unwatched${++n}/v1`;
    const p = `${dir}/index.m3u8`;
    upstream.on(p, (_req, k) => ({
      headers: { date: httpDate(clock.now()), 'cache-control': 'public, max-age=1' },
      body: livePlaylist(k),
    }));
    for (let s = 1; s <= 6; s++)
      upstream.on(`${dir}/${s}.ts`, { headers: { 'cache-control': 'max-age=600' }, body: `segment-${s}` });
    const probe = async () => (await fetch(edge.url + p, { headers: { authorization: 'Bearer monitoring' } })).text();
    // Only a probe with credentials asks (§3.5: stored, since the response is public): no viewer.
    expect(await probe()).toContain('MEDIA-SEQUENCE:1');
    clock.advance(2);
    expect(await probe()).toContain('MEDIA-SEQUENCE:2'); // v2 adds 4.ts, stored
    await until(async () => (await health()).inflightFetches === 0);
    expect(upstream.count(`${dir}/4.ts`)).toBe(0);
    // A viewer starts watching: from the next refresh on, new segments are prefetched.
    expect((await get(p)).body).toContain('MEDIA-SEQUENCE:2');
    clock.advance(2);
    await get(p); // stale: served, refreshed in the background; v3 adds 5.ts
    await until(() => upstream.count(`${dir}/5.ts`) === 1);
    await until(async () => (await health()).inflightFetches === 0);
    expect([upstream.count(`${dir}/4.ts`), upstream.count(`${dir}/5.ts`)]).toEqual([0, 1]);
  });

  it('serves a refreshed playlist at once when the gate is off', async () => {
    const other = await startEdge({ upstreamUrl: upstream.url, prefetchGate: false }, { now: clock.now });
    const dir = `/hls/live/nogate${++n}/v1`;
    bare(dir, (k) => livePlaylist(k, 3, 600));
    const release = gate();
    upstream.on(`${dir}/4.ts`, async () => {
      await release.promise;
      return { headers: { 'cache-control': 'max-age=600' }, body: 'segment-4' };
    });
    try {
      await get(`${dir}/index.m3u8`, other.url);
      clock.advance(151);
      await get(`${dir}/index.m3u8`, other.url);
      await until(async () => (await get(`${dir}/index.m3u8`, other.url)).body.includes('4.ts'));
      expect([
        (await get(`${dir}/index.m3u8`, other.url)).body.includes('4.ts'),
        upstream.count(`${dir}/4.ts`),
      ]).toEqual([true, 1]);
    } finally {
      release.open();
      await until(async () => (await health(other.url)).inflightFetches === 0);
      await other.close();
    }
  });
});

describe('segments not yet published', () => {
  it('remembers a segment 404 briefly, and forgets it as soon as a playlist lists the segment', async () => {
    const dir = `/hls/live/neg${++n}/v1`;
    let published = false;
    upstream.on(`${dir}/4.ts`, () =>
      published ? { headers: { 'cache-control': 'max-age=60' }, body: 'segment-4' } : { status: 404, body: 'not yet' },
    );
    upstream.on(`${dir}/index.m3u8`, () => ({
      headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=1' },
      body: published ? livePlaylist(2) : livePlaylist(1),
    }));
    await get(`${dir}/index.m3u8`);
    expect((await get(`${dir}/4.ts`)).status).toBe(404);
    const again = await get(`${dir}/4.ts`);
    expect([again.status, again.cache]).toEqual([404, 'NEGATIVE']);
    expect(upstream.count(`${dir}/4.ts`)).toBe(1);
    // The origin publishes segment 4 and its playlist says so: the 404 must not outlive that.
    published = true;
    clock.advance(1.2);
    expect((await get(`${dir}/index.m3u8`)).body).toBeDefined();
    await until(async () => (await get(`${dir}/4.ts`)).status === 200);
    const now = await get(`${dir}/4.ts`);
    expect([now.status, now.body]).toEqual([200, 'segment-4']);
  });

  it('caps a segment 404 at the negative TTL even when the upstream says max-age=3600', async () => {
    const p = `/hls/live/neg${++n}/v1/9.ts`;
    upstream.on(p, (_req, k) =>
      k === 1
        ? { status: 404, headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=3600' }, body: 'no' }
        : { body: 'yes' },
    );
    await get(p);
    clock.advance(1.5);
    expect((await get(p)).body).toBe('yes');
  });
});

describe('slow viewers', () => {
  it('cuts a viewer that falls too far behind on a pass-through object, without stalling the others', async () => {
    // Bigger than what the kernel's loopback buffers can absorb for a paused reader (tcp_rmem up to
    // 32 MiB here), so the edge itself must decide what to do with the slow viewer.
    const size = 72 * 1024 * 1024;
    const big = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) big[i] = (i / 4096) & 0xff;
    const p = `/big${++n}.mp4`;
    const release = gate();
    // Headers are held until both viewers have joined the one fetch.
    upstream.on(p, {
      delay: release.promise,
      headers: { 'cache-control': 'max-age=60', 'content-length': String(size) },
      body: [big.subarray(0, 1024), big.subarray(1024)],
    });
    const small = await startEdge({
      upstreamUrl: upstream.url,
      maxObjectBytes: 1024 * 1024,
      // The default lag (4 MiB): far less than the 40 MiB the paused viewer falls behind, far more
      // than a busy test box ever lets the fast one lag (at 256 KiB it was cut too, once, in CI).
      teeMaxLagBytes: 4 * 1024 * 1024,
    });
    try {
      // The slow viewer: connects first, then stops reading until the fast one is done.
      const { request } = await import('node:http');
      const fastFinished = gate();
      const slow = new Promise<{ received: number; complete: boolean }>((resolve) => {
        const req = request(`${small.url}${p}`, { agent: false }, (res) => {
          let received = 0;
          res.once('data', (c: Buffer) => {
            received += c.length;
            res.pause();
            void fastFinished.promise.then(() => {
              res.on('data', (c2: Buffer) => (received += c2.length));
              res.resume();
            });
          });
          res.on('end', () => resolve({ received, complete: res.complete }));
          res.on('error', () => resolve({ received, complete: false }));
          res.on('aborted', () => resolve({ received, complete: false }));
        });
        req.on('error', () => resolve({ received: 0, complete: false }));
        req.end();
      });
      await until(() => upstream.count(p) === 1);
      const fastDone = (async () => {
        const res = await fetch(`${small.url}${p}`);
        return new Uint8Array(await res.arrayBuffer());
      })();
      await until(
        async () => (await fetch(`${small.url}/_edge/health`).then((r) => r.json())).inflightParticipants === 2,
      );
      release.open();
      const fast = await fastDone;
      fastFinished.open();
      expect(fast.length).toBe(size);
      expect(Buffer.from(fast).equals(Buffer.from(big))).toBe(true);
      const slowResult = await slow;
      expect(slowResult.complete && slowResult.received === size).toBe(false);
      expect(upstream.count(p)).toBe(1);
      expect(await (await fetch(`${small.url}/_edge/metrics`)).text()).toMatch(/edge_slow_clients_cut_total 1/);
    } finally {
      await small.close();
    }
  });
  it('cuts a slow viewer who joined the fetch on the Node fast path, without stalling the others', async () => {
    const size = 72 * 1024 * 1024;
    const big = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) big[i] = (i / 4096) & 0xff;
    const p = `/big${++n}.mp4`;
    const release = gate();
    // Headers at once (the fetch is joinable, its headers in), the body held back.
    upstream.on(p, {
      headers: { 'cache-control': 'max-age=60', 'content-length': String(size) },
      body: [{ wait: release.promise }, big.subarray(0, 1024), big.subarray(1024)],
    });
    const small = await startEdgeNode(
      {
        port: 0,
        host: '127.0.0.1',
        upstreamUrl: upstream.url,
        maxObjectBytes: 1024 * 1024,
        teeMaxLagBytes: 256 * 1024,
      },
      { log: () => {} },
    );
    try {
      // The fast viewer starts the fetch: its headers are in, its body is not.
      const fastResponse = await fetch(`${small.url}${p}`);
      const fastReader = fastResponse.body!.getReader();
      const received: Uint8Array[] = [];
      // The slow viewer joins (through the Node fast path), takes one chunk, then stops reading.
      const { request } = await import('node:http');
      const fastFinished = gate();
      const slow = new Promise<{ received: number; complete: boolean }>((resolve) => {
        const req = request(`${small.url}${p}`, { agent: false }, (res) => {
          let got = 0;
          res.once('data', (c: Buffer) => {
            got += c.length;
            res.pause();
            void fastFinished.promise.then(() => {
              res.on('data', (c2: Buffer) => (got += c2.length));
              res.resume();
            });
          });
          res.on('end', () => resolve({ received: got, complete: res.complete }));
          res.on('error', () => resolve({ received: got, complete: false }));
          res.on('aborted', () => resolve({ received: got, complete: false }));
        });
        req.on('error', () => resolve({ received: 0, complete: false }));
        req.end();
      });
      await until(() => small.fastJoin!.served === 1);
      release.open();
      for (;;) {
        const { done, value } = await fastReader.read();
        if (done) break;
        received.push(value);
      }
      fastFinished.open();
      const fast = Buffer.concat(received);
      expect(fast.length).toBe(size);
      expect(fast.equals(Buffer.from(big))).toBe(true);
      const slowResult = await slow;
      expect(slowResult.complete && slowResult.received === size).toBe(false);
      expect(upstream.count(p)).toBe(1);
      expect(await (await fetch(`${small.url}/_edge/metrics`)).text()).toMatch(/edge_slow_clients_cut_total 1/);
    } finally {
      release.open();
      await small.close(1000);
    }
  });
});
