// RFC 9213 targeted cache-control (CDN-Cache-Control) and the RFC 9111 edge cases the public
// cache test suite (cache-tests.fyi) checks: Age and Expires parsing, interim responses, statuses
// stored only with explicit freshness, must-understand. A real edge in front of a controllable
// upstream; each test asserts what the client sees and how many requests reached the upstream.
// The RFC 9213 cases run twice, with the Node fast path for hits and without it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startUpstream, type TestUpstream, type Reply } from '../support/upstream.ts';
import { startEdge, manualClock, rawRequest, type StartedEdge } from '../support/edge.ts';
import { loadEdgeConfig, type EdgeConfigInput } from '../../edge-origin/src/edge/config.ts';
import { parseTargetedField } from '../../edge-origin/src/edge/http/targeted.ts';
import { makeEntry } from '../../edge-origin/src/edge/cache/entry.ts';
import { deserializeEntry, serializeEntry } from '../../edge-origin/src/edge/cache/serialize.ts';

let upstream: TestUpstream;
const clock = manualClock(Math.floor(Date.now() / 1000));
let n = 0;
const edges: StartedEdge[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  for (const e of edges) await e.close();
  await upstream.close();
});

async function edgeWith(config: Partial<EdgeConfigInput> = {}): Promise<StartedEdge> {
  const edge = await startEdge({ upstreamUrl: upstream.url, accessLog: false, ...config }, { now: clock.now });
  edges.push(edge);
  return edge;
}

const httpDate = (s: number) => new Date(s * 1000).toUTCString();

/** A fresh path answering `body-<k>` with these headers (+ Date from the clock unless given). */
function path(headers: Record<string, string>, extra: Partial<Reply> = {}): string {
  const p = `/t/${++n}`;
  upstream.on(p, (_req, k) => ({
    status: extra.status ?? 200,
    headers: { date: httpDate(clock.now()), ...headers },
    body: `body-${k}`,
  }));
  return p;
}

async function get(edge: StartedEdge, p: string, init: RequestInit = {}) {
  const res = await fetch(edge.url + p, init);
  return {
    status: res.status,
    cache: res.headers.get('x-cache'),
    age: res.headers.get('age'),
    headers: res.headers,
    body: await res.text(),
  };
}

describe.each([
  ['fast path on', true],
  ['fast path off', false],
])('RFC 9213 CDN-Cache-Control (%s)', (_label, fastHitPath) => {
  let edge: StartedEdge;
  beforeAll(async () => {
    edge = await edgeWith({ fastHitPath });
  });

  it('§2.2 CDN-Cache-Control max-age overrides Cache-Control: no-store for the edge; the client still gets no-store', async () => {
    const p = path({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=60' });
    const first = await get(edge, p);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const second = await get(edge, p);
    expect(second.cache).toBe('HIT');
    expect(second.body).toBe('body-1');
    expect(second.headers.get('cache-control')).toBe('no-store');
    expect(upstream.count(p)).toBe(1);
  });

  it('§2.2 CDN-Cache-Control: no-store overrides Cache-Control: max-age (and Expires)', async () => {
    const p = path({
      'cache-control': 'max-age=600',
      expires: httpDate(clock.now() + 600),
      'cdn-cache-control': 'no-store',
    });
    await get(edge, p);
    const second = await get(edge, p);
    expect(second.body).toBe('body-2');
    expect(second.headers.get('cache-control')).toBe('max-age=600');
    expect(upstream.count(p)).toBe(2);
  });

  it('§2.1 a CDN-Cache-Control that is not a valid Dictionary is ignored: Cache-Control decides', async () => {
    for (const bad of ['max-age=600, &&&&&', 'max-age="600"', 'max-age =600', 'MaX-aGe=600', 'max-age=600,']) {
      const noStore = path({ 'cache-control': 'no-store', 'cdn-cache-control': bad });
      await get(edge, noStore);
      expect((await get(edge, noStore)).body).toBe('body-2');
      expect(upstream.count(noStore)).toBe(2);
    }
    const fresh = path({ 'cache-control': 'max-age=60', 'cdn-cache-control': 'max-age=600, &&&&&' });
    await get(edge, fresh);
    expect((await get(edge, fresh)).cache).toBe('HIT');
    clock.advance(61);
    expect((await get(edge, fresh)).body).toBe('body-2');
  });

  it('§3 CDN-Cache-Control is not passed on to clients (miss, hit, HEAD, 304, range)', async () => {
    const p = path({ 'cache-control': 'max-age=5', 'cdn-cache-control': 'max-age=60', etag: '"v1"' });
    const responses = [
      await get(edge, p),
      await get(edge, p),
      await get(edge, p, { method: 'HEAD' }),
      await get(edge, p, { headers: { 'if-none-match': '"v1"' } }),
      await get(edge, p, { headers: { range: 'bytes=0-1' } }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 304, 206]);
    for (const r of responses) expect(r.headers.get('cdn-cache-control')).toBeNull();
    const raw = await rawRequest(edge.url + p);
    expect(raw.headers['cdn-cache-control']).toBeUndefined();
    expect(raw.headers['cache-control']).toBe('max-age=5');
    expect(upstream.count(p)).toBe(1);
  });

  it('§2.2 a short CDN-Cache-Control max-age wins over a long Cache-Control max-age and Expires', async () => {
    const p = path({
      'cache-control': 'max-age=3600',
      expires: httpDate(clock.now() + 3600),
      'cdn-cache-control': 'max-age=2',
    });
    await get(edge, p);
    clock.advance(1);
    expect((await get(edge, p)).cache).toBe('HIT');
    clock.advance(2);
    expect((await get(edge, p)).body).toBe('body-2');
  });

  it('§2.2 CDN-Cache-Control max-age=0 with a future Expires: not reused; max-age with a past or invalid Expires: reused', async () => {
    const zero = path({ 'cdn-cache-control': 'max-age=0', expires: httpDate(clock.now() + 10000) });
    await get(edge, zero);
    expect((await get(edge, zero)).body).toBe('body-2');
    for (const expires of [httpDate(clock.now() - 10000), '0']) {
      const p = path({ 'cdn-cache-control': 'max-age=3600', expires });
      await get(edge, p);
      expect((await get(edge, p)).cache).toBe('HIT');
    }
  });

  it('§2.1 private and no-cache in CDN-Cache-Control hold even with Cache-Control max-age', async () => {
    for (const directive of ['private', 'no-cache']) {
      const p = path({ 'cdn-cache-control': directive, 'cache-control': 'max-age=10000' });
      await get(edge, p);
      expect((await get(edge, p)).body).toBe('body-2');
    }
  });

  it('§2.2 Age counts against a CDN-Cache-Control max-age', async () => {
    const p = path({ 'cdn-cache-control': 'max-age=3600', age: '7200' });
    await get(edge, p);
    expect((await get(edge, p)).body).toBe('body-2');
  });

  it('§2.1 stale-while-revalidate and stale-if-error come from CDN-Cache-Control too', async () => {
    let failing = false;
    const p = `/t/${++n}`;
    upstream.on(p, (_req, k) =>
      failing
        ? { status: 503, body: 'down' }
        : {
            headers: {
              date: httpDate(clock.now()),
              'cache-control': 'no-store',
              'cdn-cache-control': 'max-age=1, stale-if-error=60',
            },
            body: `body-${k}`,
          },
    );
    await get(edge, p);
    clock.advance(5);
    failing = true;
    const stale = await get(edge, p);
    expect(stale.cache).toBe('STALE');
    expect(stale.body).toBe('body-1');

    const swr = path({ 'cdn-cache-control': 'max-age=1, stale-while-revalidate=60', 'cache-control': 'no-cache' });
    await get(edge, swr);
    clock.advance(5);
    const served = await get(edge, swr);
    expect(served.cache).toBe('STALE');
    expect(served.body).toBe('body-1');
  });
});

describe('RFC 9213 target list (config)', () => {
  it('a field aimed at this edge comes first; a targeted field not on the list is ignored and passed on', async () => {
    const edge = await edgeWith({ targetedCacheControl: ['Cite-Edge-Cache-Control', 'CDN-Cache-Control'] });
    const ours = path({
      'cache-control': 'no-store',
      'cdn-cache-control': 'no-store',
      'cite-edge-cache-control': 'max-age=60',
    });
    const first = await get(edge, ours);
    expect(first.headers.get('cite-edge-cache-control')).toBeNull();
    expect(first.headers.get('cdn-cache-control')).toBeNull();
    expect((await get(edge, ours)).cache).toBe('HIT');
    expect(upstream.count(ours)).toBe(1);

    const only = await edgeWith({ targetedCacheControl: ['Cite-Edge-Cache-Control'] });
    const cdn = path({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=60' });
    const answer = await get(only, cdn);
    expect(answer.headers.get('cdn-cache-control')).toBe('max-age=60');
    expect((await get(only, cdn)).body).toBe('body-2');
  });

  it('`none` turns targeted fields off; forwardTargetedCacheControl passes them on', async () => {
    const off = await edgeWith({ targetedCacheControl: ['none'] });
    const p = path({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=60' });
    expect((await get(off, p)).headers.get('cdn-cache-control')).toBe('max-age=60');
    expect((await get(off, p)).body).toBe('body-2');

    const forward = await edgeWith({ forwardTargetedCacheControl: true });
    const q = path({ 'cache-control': 'no-store', 'cdn-cache-control': 'private' });
    expect((await get(forward, q)).headers.get('cdn-cache-control')).toBe('private');
    expect((await get(forward, q)).body).toBe('body-2');
  });

  it('the knobs read from the environment: a comma list, lower-cased; `none`; a bad name refused', () => {
    const env = (value: string) =>
      loadEdgeConfig({ env: { EDGE_TARGETED_CACHE_CONTROL: value, EDGE_FORWARD_TARGETED_CACHE_CONTROL: 'true' } });
    expect(env('Cite-Edge-Cache-Control, CDN-Cache-Control').targetedCacheControl).toEqual([
      'cite-edge-cache-control',
      'cdn-cache-control',
    ]);
    expect(env('none').targetedCacheControl).toEqual([]);
    expect(env('none').forwardTargetedCacheControl).toBe(true);
    expect(loadEdgeConfig({}).targetedCacheControl).toEqual(['cdn-cache-control']);
    expect(() => env('bad name')).toThrow(/EDGE_TARGETED_CACHE_CONTROL/);
  });

  it('the target list goes with an entry to the disk tier and to other workers', () => {
    const entry = makeEntry({
      primaryKey: '/x',
      storageKey: '/x',
      status: 200,
      headers: new Headers({ date: httpDate(clock.now()), 'cache-control': 'no-store', 'x-edge-cc': 'max-age=9' }),
      body: new Uint8Array(0),
      requestTime: clock.now(),
      responseTime: clock.now(),
      targets: ['x-edge-cc'],
    });
    expect(entry.cacheControl.get('max-age')).toBe('9');
    const back = deserializeEntry(serializeEntry(entry));
    if (!back) throw new Error('the entry did not come back');
    expect(back.cacheControl.get('max-age')).toBe('9');
    expect(back.cacheControl.has('no-store')).toBe(false);
  });

  it('RFC 8941 Dictionary parsing: integers, tokens, strings, parameters, booleans', () => {
    expect([...(parseTargetedField('max-age=3600, no-transform;x=1, private="set-cookie", a=?0') ?? [])]).toEqual([
      ['max-age', '3600'],
      ['no-transform', true],
      ['private', 'set-cookie'],
    ]);
    expect(parseTargetedField('max-age=1.5')).toBeUndefined();
    expect(parseTargetedField('max-age= 100')).toBeUndefined();
  });
});

/** A GET through Node's client, which shows interim responses ('information' events). */
async function interimSeen(url: string) {
  const { request } = await import('node:http');
  return new Promise<{ interim: [number, string | undefined][]; status: number; body: string }>((resolve, reject) => {
    const interim: [number, string | undefined][] = [];
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ interim, status: res.statusCode ?? 0, body }));
    });
    req.on('information', (info) => interim.push([info.statusCode, info.headers.link as string | undefined]));
    req.on('error', reject);
    req.end();
  });
}

describe('RFC 9111 edge cases from the public cache test suite', () => {
  let edge: StartedEdge;
  beforeAll(async () => {
    edge = await edgeWith();
  });

  it("§5.1 an Age that is not delta-seconds (10a, -1, abc, 7200.0) is ignored: fresh, and the Age sent is the edge's own", async () => {
    for (const age of ['10a', '-1', 'abc', '7200.0', '7200;foo=bar']) {
      const p = path({ 'cache-control': 'max-age=3600', age });
      expect((await get(edge, p)).age).toBe('0');
      const hit = await get(edge, p);
      expect(hit.cache).toBe('HIT');
      expect(hit.age).toBe('0');
      expect(upstream.count(p)).toBe(1);
    }
  });

  it('§5.1 a valid Age is used; with several values (one line or two) the first counts', async () => {
    const valid = path({ 'cache-control': 'max-age=3600', age: '10' });
    expect((await get(edge, valid)).age).toBe('10');
    for (const [age, reused] of [
      ['7200, 0', false],
      ['0, 7200', true],
      ['0, 0', true],
      ['2147483648', false],
      ['99999999999999999999', false],
    ] as const) {
      const p = path({ 'cache-control': 'max-age=3600', age });
      await get(edge, p);
      expect([age, (await get(edge, p)).cache === 'HIT']).toEqual([age, reused]);
    }
  });

  it('§5.3 an invalid Expires (extra spaces, UTC, 2-digit year, no comma, dashes, 1-digit hour, two values) is already expired', async () => {
    for (const expires of [
      'Thu, 18  Aug  2050 02:01:18 GMT',
      'Thu, 18 Aug 2050 02:01:18 UTC',
      'Thu, 18 Aug 50 02:01:18 GMT',
      'Thu 18 Aug 2050 02:01:18 GMT',
      'Thu, 18-Aug-2050 02:01:18 GMT',
      'Thu, 18 Aug 2050 02.01.18 GMT',
      'Thu, 18 Aug 2050 2:01:18 GMT',
      'Thu, 18 Aug 2050 02:01:18 GMT, Thu, 18 Aug 2050 02:01:19 GMT',
    ]) {
      const p = path({ expires });
      await get(edge, p);
      expect([expires, (await get(edge, p)).body]).toEqual([expires, 'body-2']);
    }
  });

  it('§5.3 valid Expires in the three formats (RFC 850 two-digit year read per RFC 9110 §5.6.7) are reused', async () => {
    for (const expires of [
      'Thu, 18 Aug 2050 02:01:18 GMT',
      'Thursday, 18-Aug-50 02:01:18 GMT',
      'Thu Aug  8 02:01:18 2050',
      'THU, 18 AUG 2050 02:01:18 gMT',
    ]) {
      const p = path({ expires });
      await get(edge, p);
      expect([expires, (await get(edge, p)).cache]).toEqual([expires, 'HIT']);
    }
  });

  it('RFC 9110 §6.6.1 an invalid Date is taken as none: Expires counts from the arrival, the client gets a valid Date', async () => {
    const p = path({ date: 'foo', expires: httpDate(clock.now() + 10) });
    const first = await get(edge, p);
    expect(first.headers.get('date')).toBe(httpDate(clock.now()));
    clock.advance(9);
    expect((await get(edge, p)).cache).toBe('HIT');
    clock.advance(2);
    expect((await get(edge, p)).body).toBe('body-2');
  });

  it('§4.2.1 max-age or s-maxage overrides an invalid Expires', async () => {
    for (const cc of ['max-age=60', 's-maxage=60']) {
      const p = path({ 'cache-control': cc, expires: 'Thu, 18  Aug  2050 02:01:18 GMT' });
      await get(edge, p);
      expect((await get(edge, p)).cache).toBe('HIT');
    }
  });

  it('§3 interim responses (102, 103 Early Hints) are never cached nor taken for the final answer', async () => {
    let hits = 0;
    const raw: Server = createServer((_req, res) => {
      hits++;
      res.writeProcessing();
      res.writeEarlyHints({ link: '</a.css>; rel=preload; as=style' }, () => {
        res.writeHead(200, { 'cache-control': 'max-age=100', date: httpDate(clock.now()), 'x-final': 'yes' });
        res.end(`final-${hits}`);
      });
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const rawEdge = await edgeWith({ upstreamUrl: `http://127.0.0.1:${(raw.address() as AddressInfo).port}` });
    try {
      const first = await get(rawEdge, '/early');
      expect([first.status, first.body, first.headers.get('x-final')]).toEqual([200, 'final-1', 'yes']);
      expect(first.headers.get('link')).toBeNull();
      const second = await get(rawEdge, '/early');
      expect([second.status, second.cache, second.body]).toEqual([200, 'HIT', 'final-1']);
      expect(hits).toBe(1);
      // Node runtime: the origin's 102 and 103 reach the viewer whose request went upstream
      // (node/interim.ts); a hit has none.
      const relayed = await interimSeen(`${rawEdge.url}/early-2`);
      expect(relayed.interim).toEqual([
        [102, undefined],
        [103, '</a.css>; rel=preload; as=style'],
      ]);
      expect([relayed.status, relayed.body]).toEqual([200, 'final-2']);
      const hit = await interimSeen(`${rawEdge.url}/early-2`);
      expect([hit.interim, hit.body]).toEqual([[], 'final-2']);
    } finally {
      raw.closeAllConnections();
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });

  it('§3 a status the edge does not list is stored only with explicit freshness, and never with must-understand', async () => {
    const fresh500 = path({ 'cache-control': 'max-age=60' }, { status: 500 });
    await get(edge, fresh500);
    const again = await get(edge, fresh500);
    expect([again.status, again.cache]).toEqual([500, 'HIT']);

    const bare500 = path({}, { status: 500 });
    await get(edge, bare500);
    expect((await get(edge, bare500)).body).toBe('body-2');

    const unknown = path({ 'cache-control': 'max-age=60, no-store, must-understand' }, { status: 599 });
    await get(edge, unknown);
    expect((await get(edge, unknown)).body).toBe('body-2');
  });

  it('§5.2.1.5 a request with no-store: its answer is not stored', async () => {
    const p = path({ 'cache-control': 'max-age=60' });
    await get(edge, p, { headers: { 'cache-control': 'no-store' } });
    expect((await get(edge, p)).body).toBe('body-2');
    expect((await get(edge, p)).cache).toBe('HIT');
    expect(upstream.count(p)).toBe(2);
  });

  it('§5.2.2.3 must-understand with a status the edge understands: no-store is ignored', async () => {
    const p = path({ 'cache-control': 'max-age=60, no-store, must-understand' });
    await get(edge, p);
    expect((await get(edge, p)).cache).toBe('HIT');
    expect(upstream.count(p)).toBe(1);
  });
});
