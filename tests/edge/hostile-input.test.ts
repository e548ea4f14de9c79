// Hostile requests on raw sockets (fetch would clean them up first): path tricks never reach the
// upstream as another path than the cache key's, smuggling attempts are refused and their
// connection closed, unknown methods get 501 and known ones not allowed 405, and the configured
// size limits are the ones that apply. Each test says what the controllable upstream saw.
import { connect } from 'node:net';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';

let upstream: TestUpstream;
let edge: StartedEdge;
beforeAll(async () => {
  upstream = await startUpstream();
  edge = await startEdge({ upstreamUrl: upstream.url, allowedMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'] });
});
afterAll(async () => {
  await edge.close();
  await upstream.close();
});

/** Sends raw bytes, reads until the edge closes (or 3 s of nothing more): the status and whether it closed. */
function raw(base: string, bytes: string): Promise<{ status: number; text: string; closed: boolean }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes, 'latin1'));
    let text = '';
    let timer = setTimeout(() => finish(false), 3000);
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text, closed });
    };
    socket.on('data', (d) => {
      text += d.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), 3000);
    });
    socket.on('end', () => finish(true));
    socket.on('error', reject);
  });
}
/** A GET on its own connection (closed after the answer); `connection`: more Connection options. */
const get = (path: string, extra = '', connection = '') =>
  raw(edge.url, `GET ${path} HTTP/1.1\r\nHost: tv\r\nConnection: close${connection}\r\n${extra}\r\n`);
/** Requests the upstream received since `from` (an index into upstream.requests). */
const seenSince = (from: number) => upstream.requests.slice(from).map((r) => r.url);

describe('path tricks', () => {
  it.each([
    ['dot segments', '/hls/live/../../secret/key'],
    ['escaped dot segments', '/hls/live/%2e%2e/%2E%2E/secret/key'],
    ['half-escaped dot segment', '/hls/live/.%2e/secret/key'],
    ['double-encoded dot segments', '/hls/live/%252e%252e/secret/key'],
    ['backslashes', '/hls/live/..\\..\\secret\\key'],
    ['escaped backslash', '/hls/live%5c..%5csecret/key'],
    ['escaped slash', '/hls/live/..%2fsecret/key'],
    ['escaped NUL', '/hls/live/index.m3u8%00.jpg'],
    ['empty segment', '/hls//live/index.m3u8'],
    ['a second host in disguise', '//evil.example/steal'],
  ])('refuses %s with 400 and asks the upstream nothing', async (_name, path) => {
    const before = upstream.requests.length;
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/Bad request target/);
    expect(seenSince(before)).toEqual([]);
  });

  it('refuses a raw NUL in the target (400, connection closed), upstream asks nothing', async () => {
    const before = upstream.requests.length;
    const res = await get('/hls/live/a\0b.ts');
    expect([res.status, res.closed]).toEqual([400, true]);
    expect(seenSince(before)).toEqual([]);
  });

  it('sends the upstream exactly the path its cache key names: escapes kept, query as keyed', async () => {
    upstream.on('/hls/vod/a%20b/0.ts', { headers: { 'cache-control': 'max-age=60' }, body: 'seg' });
    const before = upstream.requests.length;
    const first = await get('/hls/vod/a%20b/0.ts?CMCD=sid%3D1&x=%2e');
    expect(first.status).toBe(200);
    expect(seenSince(before)).toEqual(['/hls/vod/a%20b/0.ts?x=%2e']);
    // The same key answers the same target from the cache.
    const second = await get('/hls/vod/a%20b/0.ts?x=%2e');
    expect(second.text).toMatch(/x-cache: HIT/i);
    expect(seenSince(before)).toHaveLength(1);
  });
});

describe('request smuggling', () => {
  it.each([
    [
      'Content-Length with Transfer-Encoding',
      'POST /form HTTP/1.1\r\nHost: tv\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: tv\r\n\r\n',
    ],
    [
      'two differing Content-Length',
      'POST /form HTTP/1.1\r\nHost: tv\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcdGET /smuggled HTTP/1.1\r\nHost: tv\r\n\r\n',
    ],
    [
      'a Transfer-Encoding that does not end in chunked',
      'POST /form HTTP/1.1\r\nHost: tv\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n',
    ],
    [
      'Transfer-Encoding with a space before its colon',
      'POST /form HTTP/1.1\r\nHost: tv\r\nContent-Length: 4\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n',
    ],
  ])('refuses %s with 400 and closes the connection; the upstream sees nothing', async (_name, bytes) => {
    upstream.on('/form', { body: 'posted' });
    upstream.on('/smuggled', { body: 'smuggled' });
    const before = upstream.requests.length;
    const res = await raw(edge.url, bytes);
    expect([res.status, res.closed]).toEqual([400, true]);
    expect(res.text.match(/HTTP\/1\.1/g)).toHaveLength(1); // nothing answered the smuggled request
    expect(seenSince(before)).toEqual([]);
  });
});

describe('methods (RFC 9110 §9.1)', () => {
  it.each([
    ['an unknown method the parser refuses', 'BREW'],
    ['a method the parser knows but HTTP does not define', 'PROPFIND'],
  ])('answers %s with 501, asking the upstream nothing', async (_name, method) => {
    const before = upstream.requests.length;
    const res = await raw(edge.url, `${method} /m HTTP/1.1\r\nHost: tv\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(501);
    expect(seenSince(before)).toEqual([]);
  });

  it.each(['DELETE', 'TRACE', 'PUT', 'CONNECT'])(
    'answers %s (defined, not allowed here) with 405 and Allow, asking the upstream nothing',
    async (method) => {
      const before = upstream.requests.length;
      const target = method === 'CONNECT' ? 'tv:443' : '/m';
      const res = await raw(edge.url, `${method} ${target} HTTP/1.1\r\nHost: tv\r\nConnection: close\r\n\r\n`);
      expect(res.status).toBe(405);
      expect(res.text).toMatch(/\r\nallow: GET, HEAD, POST, OPTIONS\r\n/i);
      expect(seenSince(before)).toEqual([]);
    },
  );
});

describe('size limits that really apply', () => {
  it("takes headers up to the configured 32 KiB (past Node's own 16 KiB), 431 beyond", async () => {
    upstream.on('/big-headers', { body: 'ok' });
    const before = upstream.requests.length;
    // X-Big is named in Connection, so it stops at the edge (the test upstream keeps Node's 16 KiB).
    const under = await get('/big-headers', `X-Big: ${'a'.repeat(20 * 1024)}\r\n`, ', x-big');
    expect(under.status).toBe(200);
    expect(seenSince(before)).toEqual(['/big-headers']);
    const over = await get('/big-headers', `X-Big: ${'a'.repeat(40 * 1024)}\r\n`);
    expect(over.status).toBe(431);
    const farOver = await get('/big-headers', `X-Big: ${'a'.repeat(200 * 1024)}\r\n`);
    expect([farOver.status, farOver.closed]).toEqual([431, true]);
    expect(seenSince(before)).toHaveLength(1);
  });

  it('answers 414 to a target over the URL limit, even one far past the parser bound', async () => {
    const before = upstream.requests.length;
    expect((await get(`/${'u'.repeat(9000)}`)).status).toBe(414);
    const farOver = await get(`/${'u'.repeat(100_000)}`);
    expect([farOver.status, farOver.closed]).toEqual([414, true]);
    expect(seenSince(before)).toEqual([]);
  });
});
