// The Node fast path for pass-through requests (edge/node/fast-pass.ts) answers exactly as the
// general path does. Two edges on the same clock in front of the same upstream, one with the fast
// path and one without (config fastHitPath: false), get the same requests on raw sockets: their
// answers must be the same bytes (but for Date, which the upstream sets per answer), and so must
// their metrics, access log lines, and what the upstream was sent; the fast edge's counter shows
// the fast path really answered.
import { connect, type Socket } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEdgeNode, type RunningEdge } from '../../edge-origin/src/edge/node/start-edge-node.ts';
import type { EdgeConfigInput } from '../../edge-origin/src/edge/config.ts';
import { manualClock } from '../support/edge.ts';

interface Side {
  edge: RunningEdge;
  logs: Record<string, unknown>[];
}

/** What the upstream saw of one request: its fields, its body, whether it came whole. */
interface Seen {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  complete: boolean;
}

type Route = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

async function startUpstream() {
  const routes = new Map<string, Route>();
  const seen: Seen[] = [];
  /** Requests whose body had not all come when their connection closed. */
  const cutShort: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const chunks: Buffer[] = [];
    const entry: Seen = { method: req.method!, path, headers: req.headers, body: Buffer.alloc(0), complete: false };
    seen.push(entry);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('close', () => {
      if (!req.complete) cutShort.push(path);
    });
    // Routes that answer before the body is in say so by answering at once.
    const route = routes.get(path);
    if (route?.length === 2) return void route(req, res, Buffer.alloc(0));
    req.on('end', () => {
      entry.body = Buffer.concat(chunks);
      entry.complete = true;
      if (route) route(req, res, entry.body);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    on: (path: string, route: Route) => void routes.set(path, route),
    seen,
    cutShort,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const clock = manualClock(Math.floor(Date.now() / 1000));
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let fast: Side;
let general: Side;
/** The same pair in front of an address nobody listens on. */
let deadFast: Side;
let deadGeneral: Side;
/** The same pair with that dead address first and the live upstream as its fallback. */
let failoverFast: Side;
let failoverGeneral: Side;

async function side(upstreamUrl: string, config: Partial<EdgeConfigInput>): Promise<Side> {
  const logs: Record<string, unknown>[] = [];
  const edge = await startEdgeNode(
    {
      port: 0,
      host: '127.0.0.1',
      upstreamUrl,
      adminToken: 'tok',
      accessLog: true,
      upstreamFirstByteTimeoutMs: 400,
      passPrefixes: ['/api/v1/ads/'],
      // Tracking GETs pass through here (this file is about pass-through); tests/edge/beacons.test.ts collects them.
      beaconPrefixes: [],
      ...config,
    },
    { now: clock.now, log: (l) => logs.push(l) },
  );
  return { edge, logs };
}

interface Exchange {
  /** Resolves once the request's head (and body, if given) is written. */
  sent: Promise<void>;
  /** Resolves once the answer's first bytes are in. */
  firstBytes: Promise<void>;
  /** The raw answer, Date lines taken out. */
  answer: Promise<string>;
  socket: Socket;
}

/** One request on its own connection. `body`: written after the head, each part as it comes
 * (a function: its parts one by one, when it says). */
function open(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
): Exchange {
  const { port } = new URL(base);
  const lines = [
    `${method} ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'User-Agent: fast-pass-test',
    'Connection: close',
  ];
  if (body !== undefined && headers['Transfer-Encoding'] === undefined)
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  let arrived!: () => void;
  const firstBytes = new Promise<void>((r) => (arrived = r));
  let written!: () => void;
  const sent = new Promise<void>((r) => (written = r));
  const socket = connect(Number(port), '127.0.0.1', () => {
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (body !== undefined) socket.write(body);
    written();
  });
  const answer = new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      arrived();
    });
    socket.on('close', () => resolve(withoutDate(Buffer.concat(chunks).toString('latin1'))));
    socket.on('error', () => {});
  });
  return { sent, firstBytes, answer, socket };
}

const withoutDate = (raw: string) => raw.replace(/\r\ndate: [^\r]*/gi, '');
/** Text as it reads in a raw answer (decoded as latin1, byte for byte). */
const raw = (text: string) => Buffer.from(text).toString('latin1');

async function both(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
  pair: [Side, Side] = [fast, general],
): Promise<[string, string]> {
  return [
    await open(pair[0].edge.url, method, path, headers, body).answer,
    await open(pair[1].edge.url, method, path, headers, body).answer,
  ];
}

/** A chunked answer's head and its body decoded: the chunks' sizes follow the reads, not the answer. */
function dechunked(answer: string): { head: string; body: string } {
  const at = answer.indexOf('\r\n\r\n');
  let rest = answer.slice(at + 4);
  let body = '';
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) break;
    body += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
  return { head: answer.slice(0, at), body };
}

const header = (raw: string, name: string) => new RegExp(`\r\n${name}: ([^\r]*)`, 'i').exec(raw)?.[1];
const bodyOf = (raw: string) => raw.slice(raw.indexOf('\r\n\r\n') + 4);

const countersOf = async (s: Side) =>
  (await (await fetch(`${s.edge.url}/_edge/metrics`, { headers: { authorization: 'Bearer tok' } })).text())
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('edge_requests_total{') ||
        l.startsWith('edge_upstream_requests_total{') ||
        l.startsWith('edge_bytes_served_total') ||
        l.startsWith('edge_response_seconds_count'),
    )
    .sort();

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`never happened: ${what}`);
}

beforeAll(async () => {
  upstream = await startUpstream();
  // Echoes the body, with fields of every kind: hop-by-hop (named by Connection too), two
  // cookies, a CDN-targeted Cache-Control (the edge's own), an upstream Via; no Content-Type.
  upstream.on('/api/v1/echo', (_req, res, body) => {
    res.setHeader('connection', 'x-hop');
    res.setHeader('x-hop', 'secret');
    res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
    res.setHeader('cdn-cache-control', 'max-age=60');
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('via', '1.1 origin');
    res.setHeader('x-seen-length', String(body.length));
    res.setHeader('content-length', String(body.length));
    res.end(body);
  });
  // A large body streamed in parts (chunked, no length), a part per timer turn.
  upstream.on('/api/v1/big', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
    let i = 0;
    const next = () => {
      if (i === 64) return void res.end();
      res.write(Buffer.alloc(32 * 1024, 65 + (i++ % 26)));
      setTimeout(next, 2);
    };
    next();
  });
  // A small body without a length, whole at once.
  upstream.on('/api/v1/small', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.end('{"ok":true}');
  });
  // A body that takes longer than the first-byte timeout (400 ms here) to come, its head at once.
  upstream.on('/api/v1/slow-answer', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store', 'content-length': '1000' });
    let i = 0;
    const timer = setInterval(() => {
      res.write('s'.repeat(100));
      if (++i === 10) {
        clearInterval(timer);
        res.end();
      }
    }, 100);
  });
  // Per viewer, never kept: an ad break's asset list and its tracking beacon.
  upstream.on('/api/v1/ads/breaks/b1/asset-list', (req, res) => {
    const body = JSON.stringify({ ASSETS: [{ URI: '/hls/ads/spot-1.m3u8', DURATION: 15 }], viewer: req.url });
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'private, no-store',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(body);
  });
  upstream.on('/api/v1/ads/track', (_req, res) => void res.writeHead(204, { 'cache-control': 'no-store' }).end());
  upstream.on('/api/v1/ping', (_req, res) => void res.writeHead(204, { 'cache-control': 'no-store' }).end());
  upstream.on('/api/v1/not-modified', (_req, res) => void res.writeHead(304, { etag: '"v1"' }).end());
  upstream.on(
    '/api/v1/broken',
    (_req, res) => void res.writeHead(500, { 'content-type': 'text/plain' }).end('origin broke'),
  );
  upstream.on('/api/v1/silent', () => {}); // reads the body, never answers
  // Answers 413 before reading what is sent (a too-large upload refused on sight).
  upstream.on(
    '/api/v1/refused',
    (_req: IncomingMessage, res: ServerResponse) =>
      void res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('trop gros'),
  );
  upstream.on('/api/v1/sink', () => {}); // the test cuts the client mid-upload
  fast = await side(upstream.url, {});
  general = await side(upstream.url, { fastHitPath: false });
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
  await new Promise<void>((r) => dead.close(() => r()));
  deadFast = await side(deadUrl, {});
  deadGeneral = await side(deadUrl, { fastHitPath: false });
  failoverFast = await side(deadUrl, { fallbackUpstreamUrls: [upstream.url] });
  failoverGeneral = await side(deadUrl, { fallbackUpstreamUrls: [upstream.url], fastHitPath: false });
});

afterAll(async () => {
  for (const s of [fast, general, deadFast, deadGeneral, failoverFast, failoverGeneral]) await s?.edge.close(1000);
  await upstream?.close();
});

it('passes a POST through with the same answer, fields and upstream request as the general path, and counts and logs it alike', async () => {
  const countersBefore = [await countersOf(fast), await countersOf(general)];
  const body = Buffer.alloc(5000, 'p');
  const seenBefore = upstream.seen.length;
  const [a, b] = await both(
    'POST',
    '/api/v1/echo?event=42',
    {
      'Content-Type': 'application/octet-stream',
      'X-Forwarded-For': '203.0.113.7',
      Connection: 'close, x-client-hop',
      'X-Client-Hop': 'private',
      TE: 'trailers',
      'X-Edge-Peer-Token': 'guess',
    },
    body,
  );
  expect(a).toBe(b);
  expect(fast.edge.fastPass!.served).toBe(1);
  expect(general.edge.fastPass).toBeNull();
  expect(a).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(bodyOf(a)).toBe(body.toString('latin1'));
  expect([
    header(a, 'x-cache'),
    header(a, 'via'),
    header(a, 'x-hop'),
    header(a, 'cdn-cache-control'),
    header(a, 'content-type'),
    a.match(/\r\nset-cookie: /g)?.length,
  ]).toEqual(['PASS', '1.1 origin, 1.1 cite-tv-edge', undefined, undefined, 'text/plain; charset=UTF-8', 2]);

  // The upstream was sent the same request by both edges.
  const [toFast, toGeneral] = upstream.seen.slice(seenBefore) as [Seen, Seen];
  expect(toFast.body).toEqual(body);
  expect(toGeneral.body).toEqual(body);
  const significant = (s: Seen) => {
    const { headers: h } = s;
    return {
      method: s.method,
      via: h.via,
      forwardedFor: h['x-forwarded-for'],
      proto: h['x-forwarded-proto'],
      encoding: h['accept-encoding'],
      type: h['content-type'],
      host: String(h['x-forwarded-host']).replace(/:\d+$/, ':edge-port'),
      agent: h['user-agent'],
      hops: [h['x-client-hop'], h.te, h['x-edge-peer-token']],
    };
  };
  expect(significant(toFast)).toEqual(significant(toGeneral));
  expect(toFast.headers['x-forwarded-host']).toBe(`127.0.0.1:${new URL(fast.edge.url).port}`);
  expect(significant(toFast)).toEqual({
    method: 'POST',
    via: '1.1 cite-tv-edge',
    forwardedFor: '203.0.113.7, 127.0.0.1',
    proto: 'http',
    host: '127.0.0.1:edge-port',
    encoding: 'identity',
    type: 'application/octet-stream',
    agent: 'fast-pass-test',
    hops: [undefined, undefined, undefined],
  });

  expect(await countersOf(fast)).toEqual(await countersOf(general));
  expect(countersBefore[0]).toEqual(countersBefore[1]);
  expect(await countersOf(fast)).toContain('edge_requests_total{status="200",cache="PASS"} 1');
  expect(fast.logs).toEqual(general.logs);
  expect(fast.logs.map((l) => [l.method, l.path, l.status, l.cache, l.bytes])).toEqual([
    ['POST', '/api/v1/echo?event=42', 200, 'PASS', 5000],
  ]);
});

it('streams a large answer, and gives the same length or chunking as the general path to bodies without one', async () => {
  const served = fast.edge.fastPass!.served;
  const [a, b] = await both('POST', '/api/v1/big', { 'Content-Type': 'application/json' }, '{}');
  const [big, bigGeneral] = [dechunked(a), dechunked(b)];
  // Not toEqual: a 2 MiB diff would drown the report.
  expect(big.head).toBe(bigGeneral.head);
  expect([big.body.length, bigGeneral.body.length, big.body === bigGeneral.body]).toEqual([2097152, 2097152, true]);
  expect(header(a, 'transfer-encoding')).toBe('chunked');
  const [c, d] = await both('POST', '/api/v1/small', {}, 'x');
  expect(c).toBe(d);
  // Streamed by the general path too (its answers from upstream are web streams): chunked.
  expect([header(c, 'transfer-encoding'), bodyOf(c)]).toEqual(['chunked', 'b\r\n{"ok":true}\r\n0\r\n\r\n']);
  expect(fast.edge.fastPass!.served).toBe(served + 2);
});

it('lets an answer take longer than the first-byte timeout once its head is in (a fill too)', async () => {
  const served = fast.edge.fastPass!.served;
  const [a, b] = await both('POST', '/api/v1/slow-answer', {}, 'go');
  expect(a).toBe(b);
  expect(bodyOf(a)).toBe('s'.repeat(1000));
  // A GET goes through a fill on both edges: the general path's upstream client alone.
  const [c, d] = await both('GET', '/api/v1/slow-answer');
  expect(c).toBe(d);
  expect([header(c, 'x-cache'), bodyOf(c)]).toEqual(['MISS', 's'.repeat(1000)]);
  expect(fast.edge.fastPass!.served).toBe(served + 1);
});

it('passes GET and HEAD under config.passPrefixes through, neither kept nor collapsed (an ad break’s asset lists and beacons)', async () => {
  const served = fast.edge.fastPass!.served;
  const countersBefore = [await countersOf(fast), await countersOf(general)];
  const logsBefore = [fast.logs.length, general.logs.length];
  const seenBefore = upstream.seen.length;
  const LIST = '/api/v1/ads/breaks/b1/asset-list?_HLS_primary_id=viewer-1';
  const answers: string[] = [];
  for (const [method, path] of [
    ['GET', LIST],
    ['GET', LIST],
    ['HEAD', LIST],
    ['GET', '/api/v1/ads/track?break=b1&viewer=viewer-1&event=start'],
  ] as const) {
    const [a, b] = await both(method, path);
    expect(a).toBe(b);
    expect(header(a, 'x-cache')).toBe('PASS');
    answers.push(a);
  }
  const [list, , head, beacon] = answers as [string, string, string, string];
  expect(bodyOf(list)).toContain('"viewer":"/api/v1/ads/breaks/b1/asset-list?_HLS_primary_id=viewer-1"');
  expect([header(head, 'content-length'), bodyOf(head)]).toEqual([header(list, 'content-length'), '']);
  expect(beacon).toMatch(/^HTTP\/1\.1 204 /);
  // Every one of them went upstream (4 per edge): none kept, none joined.
  expect(upstream.seen.length - seenBefore).toBe(8);
  expect(fast.edge.fastPass!.served).toBe(served + 4);
  expect(countersBefore[0]).toEqual(countersBefore[1]);
  expect(await countersOf(fast)).toEqual(await countersOf(general));
  expect(fast.logs.slice(logsBefore[0])).toEqual(general.logs.slice(logsBefore[1]));
});

it('passes 204, 304 and an upstream 500 on as the general path does', async () => {
  const served = fast.edge.fastPass!.served;
  for (const [method, path, status] of [
    ['POST', '/api/v1/ping', '204 No Content'],
    ['PUT', '/api/v1/not-modified', '304 Not Modified'],
    ['DELETE', '/api/v1/broken', '500 Internal Server Error'],
  ] as const) {
    const [a, b] = await both(method, path, {}, 'ping');
    expect(a).toBe(b);
    expect(a.startsWith(`HTTP/1.1 ${status}\r\n`)).toBe(true);
  }
  expect(fast.edge.fastPass!.served).toBe(served + 3);
  expect(await countersOf(fast)).toEqual(await countersOf(general));
  expect(fast.logs).toEqual(general.logs);
});

it('takes chunked request bodies whole', async () => {
  const served = fast.edge.fastPass!.served;
  const chunked = '5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n';
  const seenBefore = upstream.seen.length;
  const [a, b] = await both('POST', '/api/v1/echo', { 'Transfer-Encoding': 'chunked' }, chunked);
  expect(a).toBe(b);
  expect(bodyOf(a)).toBe('hello, world');
  expect(upstream.seen.slice(seenBefore).map((s) => s.body.toString())).toEqual(['hello, world', 'hello, world']);
  expect(fast.edge.fastPass!.served).toBe(served + 1);
});

it('answers 504 when the upstream is silent past the first-byte timeout, counted from the body’s last byte', async () => {
  const served = fast.edge.fastPass!.served;
  const logsBefore = [fast.logs.length, general.logs.length];
  // The body takes longer than the first-byte timeout (400 ms) to come: no 504 for that.
  const slowBody = async (s: Side) => {
    const e = open(s.edge.url, 'POST', '/api/v1/echo', { 'Content-Length': '10', 'X-Slow': '1' });
    await e.sent;
    for (let i = 0; i < 6; i++) {
      e.socket.write(i < 5 ? 'ab' : '');
      await new Promise((r) => setTimeout(r, 100));
    }
    return e.answer;
  };
  // Content-Length given by hand: the open() helper sends none without a body.
  const [slowA, slowB] = [await slowBody(fast), await slowBody(general)];
  expect(slowA).toBe(slowB);
  expect([slowA.slice(0, 15), bodyOf(slowA)]).toEqual(['HTTP/1.1 200 OK', 'ababababab']);
  const [a, b] = await both('POST', '/api/v1/silent', {}, 'anyone?');
  expect(a).toBe(b);
  expect(a).toMatch(/^HTTP\/1\.1 504 Gateway Timeout\r\n/);
  expect(bodyOf(a)).toBe(
    raw("504 Délai dépassé en attendant l'origine / Gateway timeout: upstream sent no response within 400 ms\n"),
  );
  expect(fast.edge.fastPass!.served).toBe(served + 2);
  expect(fast.logs.slice(logsBefore[0])).toEqual(general.logs.slice(logsBefore[1]));
  expect(await countersOf(fast)).toEqual(await countersOf(general));
});

it('answers 502 with the same words when the upstream cannot be reached', async () => {
  const [a, b] = await both('POST', '/api/v1/echo', {}, 'hello', [deadFast, deadGeneral]);
  expect(a).toBe(b);
  expect(a).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
  expect(bodyOf(a)).toBe('502 Origine injoignable / Bad gateway: upstream unreachable: fetch failed (ECONNREFUSED)\n');
  expect(header(a, 'x-cache')).toBe('ERROR');
  expect(deadFast.edge.fastPass!.served).toBe(1);
  expect(deadFast.logs).toEqual(deadGeneral.logs);
  expect(await countersOf(deadFast)).toEqual(await countersOf(deadGeneral));
});

it('sends an upload to the upstream the general path would: after a failure, the next one', async () => {
  const pair: [Side, Side] = [failoverFast, failoverGeneral];
  // A body is sent once, to one upstream: the dead first one answers 502 on both paths…
  const [a, b] = await both('POST', '/api/v1/echo', {}, 'first', pair);
  expect(a).toBe(b);
  expect(a).toMatch(/^HTTP\/1\.1 502 /);
  // …and is tried last from then on (EDGE_UPSTREAM_DOWN_MEMORY_MS): the next upload reaches the live one.
  const [c, d] = await both('POST', '/api/v1/echo', {}, 'second', pair);
  expect(c).toBe(d);
  expect([c.slice(0, 15), bodyOf(c)]).toEqual(['HTTP/1.1 200 OK', 'second']);
  expect(failoverFast.edge.fastPass!.served).toBe(2);
  expect(failoverFast.logs).toEqual(failoverGeneral.logs);
  // With a second upstream a GET under a pass prefix may fail over on the general path: the fast
  // pass leaves it there.
  expect(header(await open(failoverFast.edge.url, 'GET', '/api/v1/ads/track?x=1').answer, 'x-cache')).toBe('PASS');
  expect(failoverFast.edge.fastPass!.served).toBe(2);
});

it('ends the upstream request when the client goes mid-upload', async () => {
  const served = fast.edge.fastPass!.served;
  for (const s of [fast, general]) {
    const before = upstream.seen.length;
    const e = open(s.edge.url, 'POST', '/api/v1/sink', { 'Content-Length': '100000' });
    await e.sent;
    e.socket.write(Buffer.alloc(20_000, 'u'));
    await until(
      () => upstream.seen.length > before,
      `the upload reached the upstream (${s === fast ? 'fast' : 'general'})`,
    );
    const cut = upstream.cutShort.length;
    e.socket.destroy();
    await until(() => upstream.cutShort.length > cut, 'the upstream saw the upload end short');
    expect(upstream.cutShort.at(-1)).toBe('/api/v1/sink');
  }
  expect(fast.edge.fastPass!.served).toBe(served + 1);
});

it('drops the rest of an upload the upstream refused on sight, and answers its refusal', async () => {
  const served = fast.edge.fastPass!.served;
  const [a, b] = await both('POST', '/api/v1/refused', {}, Buffer.alloc(200_000, 'r'));
  expect(a).toBe(b);
  expect([a.slice(0, 12), bodyOf(a)]).toEqual(['HTTP/1.1 413', '9\r\ntrop gros\r\n0\r\n\r\n']);
  expect(fast.edge.fastPass!.served).toBe(served + 1);
});

it('takes Expect: 100-continue bodies (the client hears 100 Continue, the upstream gets the body without the field)', async () => {
  const served = fast.edge.fastPass!.served;
  const seenBefore = upstream.seen.length;
  const answers: string[] = [];
  for (const s of [fast, general]) {
    const e = open(s.edge.url, 'POST', '/api/v1/echo', { 'Content-Length': '14', Expect: '100-continue' });
    await e.firstBytes; // the 100 Continue, before any of the body is sent (as curl waits for it)
    e.socket.write('after continue');
    answers.push(await e.answer);
  }
  const [a, b] = answers as [string, string];
  expect(a).toBe(b);
  expect(a).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  expect(bodyOf(a.slice(a.indexOf('HTTP/1.1 200')))).toBe('after continue');
  expect(upstream.seen.slice(seenBefore).map((s) => [s.headers.expect, s.body.toString()])).toEqual([
    [undefined, 'after continue'],
    [undefined, 'after continue'],
  ]);
  expect(fast.edge.fastPass!.served).toBe(served + 1);
});

it('leaves Authorization and this edge’s own Via to the general path, with the same answers', async () => {
  const served = fast.edge.fastPass!.served;
  const [c, d] = await both('POST', '/api/v1/echo', { Authorization: 'Bearer x' }, 'mine');
  expect(c).toBe(d);
  expect(bodyOf(c)).toBe('mine');
  const [e, f] = await both('POST', '/api/v1/echo', { Via: '1.1 cite-tv-edge' }, 'loop');
  expect(e).toBe(f);
  expect(e).toMatch(/^HTTP\/1\.1 508 /);
  expect(fast.edge.fastPass!.served).toBe(served);
});

// The fast pass only: the general path keeps @hono/node-server's 500 ms (lingering-close.ts says why).
test('an upload answered before its body is in keeps its connection while the rest comes (no reset racing the answer)', async () => {
  const sideOf = () => fast;
  upstream.on('/api/v1/refuses-early', (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end('busy');
  });
  // 3 MiB over about 2 s, as a phone on 4G: longer than the 500 ms drain the edge used to allow.
  const part = Buffer.alloc(64 * 1024, 0x61);
  const parts = 48;
  const { port } = new URL(sideOf().edge.url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let received = '';
  let failed: Error | null = null;
  let closed = false;
  socket.on('data', (d: Buffer) => {
    received += d.toString('latin1');
  });
  socket.on('error', (e) => {
    failed = e;
  });
  socket.on('close', () => {
    closed = true;
  });
  socket.write(
    `POST /api/v1/refuses-early HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/octet-stream\r\n` +
      `Content-Length: ${part.byteLength * parts}\r\n\r\n`,
  );
  socket.write(part);
  for (let i = 0; i < 200 && !received.includes('busy'); i++) await new Promise((r) => setTimeout(r, 20));
  expect(received).toMatch(/^HTTP\/1\.1 503 /);
  for (let i = 1; i < parts && !failed && !closed; i++) {
    socket.write(part);
    await new Promise((r) => setTimeout(r, 40));
  }
  await new Promise((r) => setTimeout(r, 200));
  expect(failed).toBeNull();
  expect(closed).toBe(false);
  // The body is in: the connection carries the next request.
  received = '';
  socket.write(`GET /api/v1/small HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  for (let i = 0; i < 200 && !received.includes('\r\n\r\n'); i++) await new Promise((r) => setTimeout(r, 20));
  expect(received).toMatch(/^HTTP\/1\.1 200 /);
  socket.destroy();
});

test.each([
  ['the fast path', () => fast],
  ['the general path', () => general],
])(
  'an upload answered early leaves no half-sent body on an upstream connection used again, on %s (the next request arrives whole)',
  async (_path, sideOf) => {
    upstream.on('/api/v1/refuses-at-once', (_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end('busy');
    });
    const side = sideOf();
    const { port } = new URL(side.edge.url);
    const seenBefore = upstream.seen.length;
    const part = Buffer.alloc(64 * 1024, 0x62);
    const parts = 8;
    for (let round = 0; round < 3; round++) {
      // A phone's upload, refused at once, its body still coming after the answer.
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise<void>((r) => socket.once('connect', () => r()));
      let received = '';
      socket.on('data', (d: Buffer) => {
        received += d.toString('latin1');
      });
      socket.on('error', () => {});
      socket.write(
        `POST /api/v1/refuses-at-once HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/octet-stream\r\n` +
          `Content-Length: ${part.byteLength * parts}\r\n\r\n`,
      );
      socket.write(part);
      for (let i = 0; i < 100 && !received.includes('busy'); i++) await new Promise((r) => setTimeout(r, 10));
      expect(received).toMatch(/^HTTP\/1\.1 503 /);
      for (let i = 1; i < parts; i++) socket.write(part);
      await new Promise((r) => setTimeout(r, 100));
      socket.destroy();

      // The next upload through the edge (on the upstream connection the last one used, if kept):
      // the upstream reads it as sent.
      const body = `after-${round}`;
      const answer = await fetch(`${side.edge.url}/api/v1/echo`, { method: 'POST', body });
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe(body);
    }
    const afters = upstream.seen.slice(seenBefore).filter((s) => s.path === '/api/v1/echo');
    expect(afters.map((s) => [s.body.toString(), s.complete])).toEqual([0, 1, 2].map((n) => [`after-${n}`, true]));
  },
);
