// RFC 9111 §4.3 validation, RFC 5861 stale-while-revalidate / stale-if-error defaults, and the
// client's own conditional and range requests answered from the cache (RFC 9110 §13, §14).
import { startUpstream, gate, type TestUpstream } from '../support/upstream.ts';
import { startEdge, manualClock, type StartedEdge } from '../support/edge.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

let upstream: TestUpstream;
let edge: StartedEdge;
const clock = manualClock(Math.floor(Date.now() / 1000));
let n = 0;
const httpDate = (s: number) => new Date(s * 1000).toUTCString();
const fresh = () => `/val/${++n}`;

beforeAll(async () => {
  upstream = await startUpstream();
  edge = await startEdge({ upstreamUrl: upstream.url }, { now: clock.now });
});
afterAll(async () => {
  await edge.close();
  await upstream.close();
});

async function get(p: string, init: RequestInit = {}, base = edge.url) {
  const res = await fetch(base + p, init);
  return { status: res.status, cache: res.headers.get('x-cache'), headers: res.headers, body: await res.text() };
}

/** Answers 200 with an ETag the first time, then 304 to a matching If-None-Match. */
function etagged(p: string, cacheControl: string, extra304: Record<string, string> = {}) {
  upstream.on(p, (req) =>
    req.headers.get('if-none-match') === '"v1"'
      ? {
          status: 304,
          headers: { date: httpDate(clock.now()), etag: '"v1"', 'cache-control': cacheControl, ...extra304 },
        }
      : {
          headers: { date: httpDate(clock.now()), etag: '"v1"', 'cache-control': cacheControl, 'x-version': 'one' },
          body: 'stored-body',
        },
  );
}

describe('RFC 9111 §4.3 validation', () => {
  it('§4.3.1 a stale response with an ETag is validated with If-None-Match; §4.3.4 the 304 refreshes it', async () => {
    const p = fresh();
    etagged(p, 'max-age=5', { 'x-version': 'two' });
    await get(p);
    clock.advance(6);
    const res = await get(p);
    expect(res.cache).toBe('REVALIDATED');
    expect(res.body).toBe('stored-body');
    expect(res.headers.get('x-version')).toBe('two');
    expect(
      itemAt(
        upstream.requests.filter((r) => r.path === p),
        1,
      ).headers.get('if-none-match'),
    ).toBe('"v1"');
    // The refreshed entry is fresh again for max-age.
    clock.advance(3);
    expect((await get(p)).cache).toBe('HIT');
    expect(upstream.count(p)).toBe(2);
  });

  it('§4.3.1 a stale response with only Last-Modified is validated with If-Modified-Since', async () => {
    const p = fresh();
    const lastModified = httpDate(clock.now() - 1000);
    upstream.on(p, (req) =>
      req.headers.get('if-modified-since') === lastModified
        ? { status: 304, headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=5' } }
        : {
            headers: { date: httpDate(clock.now()), 'last-modified': lastModified, 'cache-control': 'max-age=5' },
            body: 'lm-body',
          },
    );
    await get(p);
    clock.advance(6);
    const res = await get(p);
    expect(res.cache).toBe('REVALIDATED');
    expect(res.body).toBe('lm-body');
  });

  it('§4.3.3 a full 200 answer to a validation replaces the stored response', async () => {
    const p = fresh();
    upstream.on(p, (_req, k) => ({
      headers: { date: httpDate(clock.now()), etag: `"v${k}"`, 'cache-control': 'max-age=5' },
      body: `version-${k}`,
    }));
    await get(p);
    clock.advance(6);
    expect((await get(p)).body).toBe('version-2');
    expect((await get(p)).cache).toBe('HIT');
  });

  it('validations are collapsed too: 50 concurrent requests on a stale entry make one conditional request', async () => {
    const p = fresh();
    const release = gate();
    upstream.on(p, async (req) => {
      if (req.headers.get('if-none-match')) {
        await release.promise;
        return { status: 304, headers: { date: httpDate(clock.now()), etag: '"v1"', 'cache-control': 'max-age=5' } };
      }
      return { headers: { date: httpDate(clock.now()), etag: '"v1"', 'cache-control': 'max-age=5' }, body: 'shared' };
    });
    await get(p);
    clock.advance(6);
    const all = Array.from({ length: 50 }, () => get(p));
    while (upstream.count(p) < 2) await new Promise((r) => setTimeout(r, 5));
    release.open();
    const results = await Promise.all(all);
    expect(results.every((r) => r.body === 'shared' && r.status === 200)).toBe(true);
    // Those that arrived after the validation landed are plain hits; nobody went upstream alone.
    expect(results.every((r) => r.cache === 'REVALIDATED' || r.cache === 'HIT')).toBe(true);
    expect(results.some((r) => r.cache === 'REVALIDATED')).toBe(true);
    expect(upstream.count(p)).toBe(2);
  });
});

describe('RFC 5861 stale content', () => {
  it('§3 stale-while-revalidate: the stale response is served at once while one background fetch refreshes it', async () => {
    const p = fresh();
    const release = gate();
    upstream.on(p, async (_req, k) => {
      if (k > 1) await release.promise;
      return {
        headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=2, stale-while-revalidate=30' },
        body: `v${k}`,
      };
    });
    await get(p);
    clock.advance(3);
    // The upstream is held: these answers can only come from the cache.
    const a = await get(p);
    const b = await get(p);
    expect([a.cache, a.body, b.cache, b.body]).toEqual(['STALE', 'v1', 'STALE', 'v1']);
    expect(upstream.count(p)).toBe(2);
    release.open();
    let latest = '';
    for (let i = 0; i < 2000 && latest !== 'v2'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      latest = (await get(p)).body;
    }
    expect(latest).toBe('v2');
  });

  it('configured defaults apply when the upstream says nothing', async () => {
    const other = await startEdge({ upstreamUrl: upstream.url, staleIfErrorSeconds: 120 }, { now: clock.now });
    try {
      const p = fresh();
      upstream.on(p, (_req, k) =>
        k === 1
          ? { headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=1' }, body: 'kept' }
          : { reset: true },
      );
      await get(p, {}, other.url);
      clock.advance(30);
      const res = await get(p, {}, other.url);
      expect([res.status, res.cache, res.body]).toEqual([200, 'STALE', 'kept']);
    } finally {
      await other.close();
    }
  });
});

describe('client conditionals, ranges and HEAD from the cache', () => {
  let p: string;
  beforeAll(async () => {
    p = fresh();
    upstream.on(p, {
      headers: {
        etag: '"abc"',
        'last-modified': 'Tue, 01 Sep 2026 10:00:00 GMT',
        'cache-control': 'max-age=6000',
        'content-type': 'video/mp2t',
      },
      body: '0123456789',
    });
    await get(p);
  });

  it('RFC 9110 §13.1.2 If-None-Match matching the stored ETag → 304 from the cache', async () => {
    const res = await get(p, { headers: { 'if-none-match': 'W/"abc"' } });
    expect(res.status).toBe(304);
    expect(res.headers.get('etag')).toBe('"abc"');
    expect(upstream.count(p)).toBe(1);
    expect((await get(p, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it('RFC 9110 §13.1.3 If-Modified-Since not before Last-Modified → 304', async () => {
    expect((await get(p, { headers: { 'if-modified-since': 'Tue, 01 Sep 2026 10:00:00 GMT' } })).status).toBe(304);
    expect((await get(p, { headers: { 'if-modified-since': 'Mon, 31 Aug 2026 10:00:00 GMT' } })).status).toBe(200);
  });

  it('RFC 9110 §14.2 a single byte range → 206 with Content-Range', async () => {
    const res = await get(p, { headers: { range: 'bytes=2-5' } });
    expect([res.status, res.body, res.headers.get('content-range')]).toEqual([206, '2345', 'bytes 2-5/10']);
    const suffix = await get(p, { headers: { range: 'bytes=-3' } });
    expect([suffix.status, suffix.body]).toEqual([206, '789']);
    const open = await get(p, { headers: { range: 'bytes=7-' } });
    expect([open.status, open.body]).toEqual([206, '789']);
  });

  it('RFC 9110 §15.5.17 an unsatisfiable range → 416 with Content-Range: bytes */length', async () => {
    const res = await get(p, { headers: { range: 'bytes=50-60' } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */10');
  });

  it('RFC 9110 §13.1.5 If-Range that does not match → the whole representation', async () => {
    const res = await get(p, { headers: { range: 'bytes=2-5', 'if-range': '"stale-tag"' } });
    expect([res.status, res.body]).toEqual([200, '0123456789']);
    const ok = await get(p, { headers: { range: 'bytes=2-5', 'if-range': '"abc"' } });
    expect(ok.status).toBe(206);
  });

  it('a HEAD miss fills the cache with the GET response', async () => {
    const q = fresh();
    upstream.on(q, { headers: { 'cache-control': 'max-age=6000' }, body: 'head-then-get' });
    const head = await fetch(edge.url + q, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(
      itemAt(
        upstream.requests.filter((r) => r.path === q),
        0,
      ).method,
    ).toBe('GET');
    // The fill finishes in the background; wait for it to land.
    const res = await get(q);
    expect(res.body).toBe('head-then-get');
    expect([res.cache, upstream.count(q)]).toEqual([expect.stringMatching(/^(HIT|COLLAPSED)$/), 1]);
    expect(upstream.count(q)).toBe(1);
  });
});
