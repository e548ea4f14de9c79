// RFC 9111 (HTTP Caching) conformance of the edge as a shared cache: storing and freshness.
// One rule per test, named by its section. The upstream's Date comes from the same hand-moved
// clock as the edge's, so ages are exact.
import { startUpstream, type TestUpstream, type Reply } from '../support/upstream.ts';
import { startEdge, manualClock, type StartedEdge } from '../support/edge.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

let upstream: TestUpstream;
let edge: StartedEdge;
const clock = manualClock(Math.floor(Date.now() / 1000));
let n = 0;

beforeAll(async () => {
  upstream = await startUpstream();
  edge = await startEdge({ upstreamUrl: upstream.url }, { now: clock.now });
});
afterAll(async () => {
  await edge.close();
  await upstream.close();
});

/** A fresh path for each test, answering `body-<k>` with these headers (+ Date from the clock). */
function path(headers: Record<string, string>, extra: Partial<Reply> = {}): string {
  const p = `/rfc/${++n}`;
  upstream.on(p, (_req, k) => ({
    status: extra.status ?? 200,
    headers: { date: httpDate(clock.now()), ...headers },
    body: `body-${k}`,
  }));
  return p;
}
const httpDate = (s: number) => new Date(s * 1000).toUTCString();
async function get(p: string, init: RequestInit = {}) {
  const res = await fetch(edge.url + p, init);
  return {
    status: res.status,
    cache: res.headers.get('x-cache'),
    age: res.headers.get('age'),
    headers: res.headers,
    body: await res.text(),
  };
}

describe('RFC 9111 storing and freshness', () => {
  it('§4.2.1 a shared cache uses s-maxage over max-age', async () => {
    const p = path({ 'cache-control': 'max-age=100, s-maxage=5' });
    await get(p);
    clock.advance(4);
    expect((await get(p)).cache).toBe('HIT');
    clock.advance(2);
    expect((await get(p)).body).toBe('body-2');
  });

  it('§4.2.1 max-age overrides Expires', async () => {
    const p = path({ 'cache-control': 'max-age=10', expires: httpDate(clock.now() + 1000) });
    await get(p);
    clock.advance(11);
    expect((await get(p)).body).toBe('body-2');
  });

  it('§4.2.1 without max-age, the lifetime is Expires minus Date', async () => {
    const p = path({ expires: httpDate(clock.now() + 8) });
    await get(p);
    clock.advance(7);
    expect((await get(p)).cache).toBe('HIT');
    clock.advance(2);
    expect((await get(p)).body).toBe('body-2');
  });

  it('§5.3 an invalid Expires (e.g. "0") means already expired', async () => {
    const p = path({ expires: '0' });
    await get(p);
    expect((await get(p)).body).toBe('body-2');
  });

  it('§4.2.3 the Age received counts: max-age=15 with Age: 10 is fresh for 5 more seconds', async () => {
    const p = path({ 'cache-control': 'max-age=15', age: '10' });
    expect((await get(p)).age).toBe('10');
    clock.advance(3);
    const hit = await get(p);
    expect(hit.cache).toBe('HIT');
    expect(hit.age).toBe('13');
    clock.advance(3);
    expect((await get(p)).body).toBe('body-2');
  });

  it('§4.2.3 apparent age: a Date 20 s in the past ages the response by 20 s', async () => {
    const p = `/rfc/${++n}`;
    upstream.on(p, (_req, k) => ({
      headers: { date: httpDate(clock.now() - 20), 'cache-control': 'max-age=30' },
      body: `body-${k}`,
    }));
    expect(Number((await get(p)).age)).toBe(20);
    clock.advance(9);
    expect((await get(p)).cache).toBe('HIT');
    clock.advance(2);
    expect((await get(p)).body).toBe('body-2');
  });

  it('§5.2.2.5 no-store: never stored', async () => {
    const p = path({ 'cache-control': 'no-store, max-age=60' });
    await get(p);
    expect((await get(p)).body).toBe('body-2');
  });

  it('§5.2.2.4 no-cache: stored, but never reused without validation', async () => {
    const p = path({ 'cache-control': 'no-cache, max-age=60', etag: '"v1"' });
    await get(p);
    await get(p);
    expect(upstream.count(p)).toBe(2);
    expect(
      itemAt(
        upstream.requests.filter((r) => r.path === p),
        1,
      ).headers.get('if-none-match'),
    ).toBe('"v1"');
  });

  it('§5.2.2.7 private: a shared cache does not store it', async () => {
    const p = path({ 'cache-control': 'private, max-age=60' });
    await get(p);
    expect((await get(p)).body).toBe('body-2');
  });

  it('§5.2.2.7 private="field": the response is stored without that field', async () => {
    const p = path({ 'cache-control': 'max-age=60, private="x-user"', 'x-user': 'alice' });
    await get(p);
    const hit = await get(p);
    expect(hit.cache).toBe('HIT');
    expect(hit.headers.get('x-user')).toBeNull();
  });

  it('§4.2.4 + §5.2.2.2 must-revalidate: never served stale, even when the origin fails', async () => {
    const p = `/rfc/${++n}`;
    upstream.on(p, (_req, k) =>
      k === 1
        ? {
            headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=1, must-revalidate, stale-if-error=600' },
            body: 'first',
          }
        : { status: 503, body: 'down' },
    );
    await get(p);
    clock.advance(2);
    const res = await get(p);
    expect(res.status).toBe(503);
    expect(res.body).toBe('down');
  });

  it('§5.2.2.8 proxy-revalidate: a shared cache never serves it stale', async () => {
    const p = `/rfc/${++n}`;
    upstream.on(p, (_req, k) =>
      k === 1
        ? {
            headers: {
              date: httpDate(clock.now()),
              'cache-control': 'max-age=1, proxy-revalidate, stale-if-error=600',
            },
            body: 'first',
          }
        : { status: 503, body: 'down' },
    );
    await get(p);
    clock.advance(2);
    expect((await get(p)).status).toBe(503);
  });

  it('RFC 5861 §4 stale-if-error: a stale response is served when the origin fails', async () => {
    const p = `/rfc/${++n}`;
    upstream.on(p, (_req, k) =>
      k === 1
        ? { headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=1, stale-if-error=60' }, body: 'first' }
        : { status: 503, body: 'down' },
    );
    await get(p);
    clock.advance(5);
    const res = await get(p);
    expect(res.status).toBe(200);
    expect(res.body).toBe('first');
    expect(res.cache).toBe('STALE');
    clock.advance(60);
    expect((await get(p)).status).toBe(503);
  });

  it('§3.5 a request with Authorization is not answered from, nor stored in, the cache by default', async () => {
    const p = path({ 'cache-control': 'max-age=60' });
    await get(p, { headers: { authorization: 'Bearer a' } });
    await get(p, { headers: { authorization: 'Bearer a' } });
    expect(upstream.count(p)).toBe(2);
    expect((await get(p)).body).toBe('body-3');
  });

  it('§3.5 + §5.2.2.9 public lets a shared cache reuse a response to an authorized request', async () => {
    const p = path({ 'cache-control': 'public, max-age=60' });
    await get(p);
    const res = await get(p, { headers: { authorization: 'Bearer b' } });
    expect(res.cache).toBe('HIT');
  });

  it('§3.5 a response to an authorized request is stored when it says public', async () => {
    const p = path({ 'cache-control': 'public, max-age=60' });
    const first = await get(p, { headers: { authorization: 'Bearer c' } });
    expect(first.cache).toBe('MISS');
    expect(
      itemAt(
        upstream.requests.filter((r) => r.path === p),
        0,
      ).headers.get('authorization'),
    ).toBe('Bearer c');
    expect((await get(p)).cache).toBe('HIT');
    expect(upstream.count(p)).toBe(1);
  });

  it('RFC 8246 immutable does not extend freshness past max-age', async () => {
    const p = path({ 'cache-control': 'max-age=10, immutable' });
    await get(p);
    clock.advance(5);
    expect((await get(p)).cache).toBe('HIT');
    clock.advance(6);
    expect((await get(p)).body).toBe('body-2');
  });

  it('§4.2.2 heuristic freshness: 10 % of the time since Last-Modified for a 200', async () => {
    const p = path({ 'last-modified': httpDate(clock.now() - 100) });
    await get(p);
    clock.advance(9);
    expect((await get(p)).cache).toBe('HIT');
    clock.advance(2);
    expect((await get(p)).body).toBe('body-2');
  });

  it('§4.2.2 heuristic freshness also for a 404 (heuristically cacheable status)', async () => {
    const p = path({ 'last-modified': httpDate(clock.now() - 100) }, { status: 404 });
    expect((await get(p)).status).toBe(404);
    const again = await get(p);
    expect(again.status).toBe(404);
    expect(again.cache).toBe('HIT');
  });

  it('§4.2.2 no heuristic freshness for a status that is not heuristically cacheable (302)', async () => {
    const p = path({ 'last-modified': httpDate(clock.now() - 100), location: '/elsewhere' }, { status: 302 });
    await get(p, { redirect: 'manual' });
    await get(p, { redirect: 'manual' });
    expect(upstream.count(p)).toBe(2);
  });

  it('§3 only GET responses are stored: a POST answer with max-age is not reused', async () => {
    const p = path({ 'cache-control': 'max-age=60' });
    await get(p, { method: 'POST', body: 'x' });
    const res = await get(p);
    expect(res.cache).toBe('MISS');
    expect(upstream.count(p)).toBe(2);
  });

  it('§4.4 an unsafe method with a non-error answer invalidates the target URI', async () => {
    const p = path({ 'cache-control': 'max-age=60' });
    await get(p);
    expect((await get(p)).cache).toBe('HIT');
    await get(p, { method: 'DELETE' });
    expect((await get(p)).body).toBe('body-3');
  });

  it('§4.4 ... and the same-origin Location it points to', async () => {
    const target = path({ 'cache-control': 'max-age=60' });
    await get(target);
    const form = `/rfc/${++n}`;
    upstream.on(form, { status: 201, headers: { location: target }, body: 'created' });
    await get(form, { method: 'POST', body: 'x' });
    expect((await get(target)).body).toBe('body-2');
  });

  it('§7.3 Set-Cookie does not inhibit caching (the origin controls it with Cache-Control)', async () => {
    const p = path({ 'cache-control': 'max-age=60', 'set-cookie': 'a=1' });
    await get(p);
    expect((await get(p)).cache).toBe('HIT');
  });

  it('§5.2.2.4 no-cache="set-cookie": stored and reused, without the Set-Cookie field', async () => {
    const p = path({ 'cache-control': 'max-age=60, no-cache="set-cookie"', 'set-cookie': 'session=secret' });
    await get(p);
    const hit = await get(p);
    expect(hit.cache).toBe('HIT');
    expect(hit.headers.get('set-cookie')).toBeNull();
  });

  it('§4.1 Vary: each variant is stored and selected by the request fields it names', async () => {
    const p = `/rfc/${++n}`;
    upstream.on(p, (req) => ({
      headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=60', vary: 'Accept-Language' },
      body: `lang-${req.headers.get('accept-language')}`,
    }));
    expect((await get(p, { headers: { 'accept-language': 'fr' } })).body).toBe('lang-fr');
    expect((await get(p, { headers: { 'accept-language': 'en' } })).body).toBe('lang-en');
    const fr = await get(p, { headers: { 'accept-language': 'fr' } });
    const en = await get(p, { headers: { 'accept-language': 'en' } });
    expect([fr.cache, fr.body, en.cache, en.body]).toEqual(['HIT', 'lang-fr', 'HIT', 'lang-en']);
    expect(upstream.count(p)).toBe(2);
  });

  it('§4.1 Vary: Accept-Encoding keeps one variant: the edge always fetched it as identity', async () => {
    const p = path({ 'cache-control': 'max-age=60', vary: 'Accept-Encoding' });
    await get(p, { headers: { 'accept-encoding': 'gzip' } });
    const br = await get(p, { headers: { 'accept-encoding': 'br' } });
    expect([br.cache, br.body]).toEqual(['HIT', 'body-1']);
    expect(
      itemAt(
        upstream.requests.filter((r) => r.path === p),
        0,
      ).headers.get('accept-encoding'),
    ).toBe('identity');
  });

  it('§4.1 Vary: * is never served from the cache', async () => {
    const p = path({ 'cache-control': 'max-age=60', vary: '*' });
    await get(p);
    expect((await get(p)).body).toBe('body-2');
  });

  it('RFC 9110 §9.3.2 HEAD is answered from the stored GET response, without a body', async () => {
    const p = path({ 'cache-control': 'max-age=60', 'content-type': 'text/plain' });
    await get(p);
    const head = await fetch(edge.url + p, { method: 'HEAD' });
    expect(head.headers.get('x-cache')).toBe('HIT');
    expect(head.headers.get('content-length')).toBe('6');
    expect(await head.text()).toBe('');
    expect(upstream.count(p)).toBe(1);
  });
});

describe('RFC 9111 request directives', () => {
  it('§5.2.1.7 only-if-cached: a stored response if there is one, else 504 without going upstream', async () => {
    const p = path({ 'cache-control': 'max-age=60' });
    const missing = await get(p, { headers: { 'cache-control': 'only-if-cached' } });
    expect(missing.status).toBe(504);
    expect(upstream.count(p)).toBe(0);
    await get(p);
    const cached = await get(p, { headers: { 'cache-control': 'only-if-cached' } });
    expect([cached.status, cached.cache]).toEqual([200, 'HIT']);
  });

  it('§5.2.2.7 a collapsed waiter does not get the fields marked private="..." for the first asker', async () => {
    const p = `/rfc/${++n}`;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    upstream.on(p, {
      headers: { date: httpDate(clock.now()), 'cache-control': 'max-age=60, private="x-user"', 'x-user': 'alice' },
      body: ['a', { wait: held }, 'b'],
    });
    const first = fetch(edge.url + p);
    while (upstream.count(p) < 1) await new Promise((r) => setTimeout(r, 5));
    const second = fetch(edge.url + p);
    await new Promise((r) => setTimeout(r, 50));
    release();
    const [r1, r2] = await Promise.all([first, second]);
    expect(r1.headers.get('x-user')).toBe('alice');
    expect(r2.headers.get('x-user')).toBeNull();
    expect([await r1.text(), await r2.text()]).toEqual(['ab', 'ab']);
  });
});
