// The Node fast paths for fresh hits (edge/node/fast-hit.ts) and for viewers joining a fetch in
// progress (edge/node/fast-join.ts) answer exactly as the general path does. Two edges on the same
// clock in front of the same upstream, one with the fast path and one without (config fastHitPath:
// false), get the same requests: their raw HTTP answers must be the same bytes, and so must their
// metrics, access log lines and audience sightings. Requests the fast path does not handle
// (conditionals, Range, purged objects, playlists due for refresh) fall through and still come out
// right.
import { connect } from 'node:net';
import { startEdgeNode, type RunningEdge } from '../../edge-origin/src/edge/node/start-edge-node.ts';
import { AudienceObserver } from '../../edge-origin/src/edge/audience/observer.ts';
import type { Sighting } from '../../shared/audience/keys.ts';
import type { EdgeConfigInput } from '../../edge-origin/src/edge/config.ts';
import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { manualClock } from '../support/edge.ts';

interface Side {
  edge: RunningEdge;
  logs: Record<string, unknown>[];
  sightings: Sighting[];
  audience: AudienceObserver;
}

/**
 * A bare node:http upstream: it sends exactly the fields a route gives (the shared test upstream
 * always adds a Content-Type, and one case here needs a body without one). Date follows `clock`.
 */
type Route = () => {
  status?: number;
  headers?: OutgoingHttpHeaders;
  body?: string;
  /** The rest of the body once `after` settles, or (`cut`) the connection cut there mid-body. */
  more?: { after: Promise<unknown>; body?: string; cut?: boolean };
  /** Headers held until this settles (an origin holding a hinted part until it is made). */
  wait?: Promise<unknown>;
  /** The body sent chunked (without Content-Length), whole with its head. */
  chunked?: boolean;
  /** No answer at all: the connection cut (after `wait`). */
  drop?: boolean;
};
async function startBareUpstream() {
  const routes = new Map<string, Route>();
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const route = routes.get(path);
    const reply = route ? route() : { status: 404, body: 'not found' };
    if (reply.wait) return void reply.wait.then(() => send(res, reply));
    send(res, reply);
  });
  function send(res: import('node:http').ServerResponse, reply: ReturnType<Route>) {
    if (reply.drop) return void res.destroy();
    res.writeHead(reply.status ?? 200, { date: new Date(clock.now() * 1000).toUTCString(), ...reply.headers });
    if (reply.chunked) {
      // Head, body and last chunk in one write: they arrive together.
      res.socket?.cork();
      res.write(reply.body ?? '');
      res.end();
      return void res.socket?.uncork();
    }
    if (!reply.more) return void res.end(reply.body);
    // A body in two parts, the second when the test says: a fetch viewers can join while it runs.
    res.write(reply.body ?? '');
    const { body: rest, cut } = reply.more;
    void reply.more.after.then(() => (cut ? res.destroy() : res.end(rest)));
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    on: (path: string, route: Route) => void routes.set(path, route),
    count: (path: string) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const clock = manualClock(Math.floor(Date.now() / 1000));
let upstream: Awaited<ReturnType<typeof startBareUpstream>>;
let fast: Side;
let general: Side;
/** What the upstream's live playlist says now (both edges must get the same copy). */
let sequence = 1;

const PLAYLIST = '/hls/live/sport/v1/index.m3u8';
const SEGMENT = '/hls/live/sport/v1/7.ts';
const NOT_YET = '/hls/live/sport/v1/99.ts';
const EMPTY = '/api/v1/ping';

async function side(config: Partial<EdgeConfigInput>): Promise<Side> {
  const logs: Record<string, unknown>[] = [];
  const sightings: Sighting[] = [];
  const audience = new AudienceObserver({
    sink: { record: async (s) => void sightings.push(...s), close: async () => {} },
    now: () => clock.now() * 1000,
    flushMs: 0,
  });
  const edge = await startEdgeNode(
    { port: 0, host: '127.0.0.1', upstreamUrl: upstream.url, adminToken: 'tok', accessLog: true, ...config },
    { now: clock.now, log: (l) => logs.push(l), audience },
  );
  return { edge, logs, sightings, audience };
}

/** One request on its own connection, and the answer's raw bytes as they came off the wire. */
function exchange(base: string, method: string, path: string, headers: Record<string, string> = {}): Promise<string> {
  return openExchange(base, method, path, headers).answer;
}

/** The same, also telling when the answer's first bytes arrived. */
function openExchange(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): { firstBytes: Promise<void>; answer: Promise<string> } {
  const { port } = new URL(base);
  const lines = [
    `${method} ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'User-Agent: fast-hit-test',
    'Connection: close',
  ];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  let arrived!: () => void;
  const firstBytes = new Promise<void>((r) => (arrived = r));
  const answer = new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      arrived();
    });
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
  return { firstBytes, answer };
}

/** The same request to both edges: [fast path edge's answer, general path edge's answer]. */
async function both(method: string, path: string, headers: Record<string, string> = {}): Promise<[string, string]> {
  return [
    await exchange(fast.edge.url, method, path, headers),
    await exchange(general.edge.url, method, path, headers),
  ];
}

const header = (raw: string, name: string) => new RegExp(`\r\n${name}: ([^\r]*)`, 'i').exec(raw)?.[1];
const countersOf = async (s: Side) =>
  (await (await fetch(`${s.edge.url}/_edge/metrics`, { headers: { authorization: 'Bearer tok' } })).text())
    .split('\n')
    .filter((l) => l.startsWith('edge_requests_total{') || l.startsWith('edge_bytes_served_total'))
    .sort();

/** What each counter line gained between two readings of countersOf. */
function counterDelta(before: string[], after: string[]): Record<string, number> {
  const parse = (lines: string[]) =>
    new Map(lines.map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
  const [a, b] = [parse(before), parse(after)];
  const out: Record<string, number> = {};
  for (const [name, value] of b) if (value !== (a.get(name) ?? 0)) out[name] = value - (a.get(name) ?? 0);
  return out;
}

beforeAll(async () => {
  upstream = await startBareUpstream();
  upstream.on(PLAYLIST, () => ({
    headers: {
      'content-type': 'application/vnd.apple.mpegurl',
      'cache-control': 'max-age=4', // capped at TD/2 = 3 s
      etag: `"pl-${sequence}"`,
      'last-modified': new Date((clock.now() - 10) * 1000).toUTCString(),
    },
    body: `#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:${sequence}\n#EXTINF:6.0,\n${sequence + 6}.ts\n#EXTINF:6.0,\n${sequence + 7}.ts\n`,
  }));
  // No Content-Type (the Node adapter adds one), an upstream Via and Age, a surrogate key.
  upstream.on(SEGMENT, () => ({
    headers: { 'cache-control': 'max-age=60', via: '1.1 origin', age: '5', 'surrogate-key': 'seg' },
    body: 'S'.repeat(5000),
  }));
  upstream.on(NOT_YET, () => ({ status: 404, headers: { 'content-type': 'text/plain' }, body: 'pas encore' }));
  upstream.on(EMPTY, () => ({ status: 204, headers: { 'cache-control': 'max-age=60' } }));
  fast = await side({});
  general = await side({ fastHitPath: false });
});
afterAll(async () => {
  for (const s of [fast, general]) {
    await s.edge.close(1000);
    await s.audience.close();
  }
  await upstream.close();
});

it('answers fresh hits with the same bytes as the general path (GET, HEAD, Age, 404, 204, CMCD), and counts, logs and observes them alike', async () => {
  // Misses fill both caches at the same (manual) time; the upstream's Date follows that clock.
  const miss = async (p: string) => {
    const [a, b] = await both('GET', p);
    expect(a).toBe(b);
    expect(header(a, 'x-cache')).toBe('MISS');
  };
  for (const p of [PLAYLIST, SEGMENT, EMPTY]) await miss(p);
  clock.advance(1);
  await miss(NOT_YET); // remembered for 1 s only (negativeTtlSeconds)
  expect(fast.edge.fastPath!.served).toBe(0);
  expect(general.edge.fastPath).toBeNull();

  const requests: [string, string, Record<string, string>?][] = [
    ['GET', PLAYLIST],
    ['HEAD', PLAYLIST],
    ['GET', `${PLAYLIST}?CMCD=${encodeURIComponent('bl=2000,sid="viewer-1"')}`],
    ['GET', PLAYLIST, { 'CMCD-Session': 'sid="viewer-2"' }],
    ['GET', SEGMENT],
    ['HEAD', SEGMENT],
    ['GET', NOT_YET],
    ['GET', EMPTY],
  ];
  const answers: string[] = [];
  for (const [method, p, headers] of requests) {
    const [a, b] = await both(method, p, headers);
    expect(a).toBe(b);
    answers.push(a);
  }
  // Every one of them went through the fast path on the fast edge.
  expect(fast.edge.fastPath!.served).toBe(requests.length);

  const [playlist, playlistHead, , , segment, segmentHead, notYet, empty] = answers as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  expect(playlist).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect([header(playlist, 'x-cache'), header(playlist, 'age'), header(playlist, 'via')]).toEqual([
    'HIT',
    '1',
    '1.1 cite-tv-edge',
  ]);
  expect(playlist.endsWith('#EXTINF:6.0,\n8.ts\n')).toBe(true);
  expect(header(playlistHead, 'content-length')).toBe(header(playlist, 'content-length'));
  expect(playlistHead.endsWith('\r\n\r\n')).toBe(true); // no body
  // Age = the upstream's 5 s + 1 s here; Via appended to the upstream's.
  expect([header(segment, 'age'), header(segment, 'via'), header(segment, 'content-type')]).toEqual([
    '6',
    '1.1 origin, 1.1 cite-tv-edge',
    'text/plain; charset=UTF-8',
  ]);
  expect(header(segmentHead, 'content-type')).toBeUndefined(); // as @hono/node-server sends a HEAD
  expect([notYet.slice(0, 22), header(notYet, 'x-cache')]).toEqual(['HTTP/1.1 404 Not Found', 'NEGATIVE']);
  expect(empty).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);

  // Ages move with the clock on both paths.
  clock.advance(0.8);
  const [a, b] = await both('GET', SEGMENT);
  expect(a).toBe(b);
  expect(header(a, 'age')).toBe('6'); // 5 + 1.8, whole seconds
  clock.advance(0.2);
  const [c, d] = await both('GET', SEGMENT);
  expect(c).toBe(d);
  expect(header(c, 'age')).toBe('7');

  expect(await countersOf(fast)).toEqual(await countersOf(general));
  expect(await countersOf(fast)).toContain('edge_requests_total{status="200",cache="HIT"} 8');
  expect(fast.logs).toEqual(general.logs);
  expect(fast.logs.filter((l) => l.cache === 'HIT').map((l) => [l.method, l.path, l.bytes, l.cmcd])).toContainEqual([
    'GET',
    `${PLAYLIST}?CMCD=${encodeURIComponent('bl=2000,sid="viewer-1"')}`,
    Number(header(playlist, 'content-length')),
    'bl=2000,sid="viewer-1"',
  ]);
  await fast.audience.flush();
  await general.audience.flush();
  expect(fast.sightings).toEqual(general.sightings);
  expect(fast.sightings.map((s) => s.viewer)).toEqual(expect.arrayContaining(['sid:viewer-1', 'sid:viewer-2']));
  expect(new Set(fast.sightings.map((s) => s.channel))).toEqual(new Set(['sport']));
});

it('leaves conditional and Range requests to the general path, with the same answers', async () => {
  const served = fast.edge.fastPath!.served;
  const etag = header((await both('HEAD', SEGMENT))[0], 'etag');
  const [rangeA, rangeB] = await both('GET', SEGMENT, { Range: 'bytes=10-19' });
  expect(rangeA).toBe(rangeB);
  expect(rangeA).toMatch(/^HTTP\/1\.1 206 /);
  expect(header(rangeA, 'content-range')).toBe('bytes 10-19/5000');
  const [imsA, imsB] = await both('GET', PLAYLIST, { 'If-None-Match': '"pl-1"' });
  expect(imsA).toBe(imsB);
  expect(imsA).toMatch(/^HTTP\/1\.1 304 /);
  expect(etag).toBeUndefined(); // the segment has none: the HEAD above was a plain fast hit
  expect(fast.edge.fastPath!.served).toBe(served + 1);
});

it('does not serve a purged object: the next request goes upstream', async () => {
  const before = upstream.count(SEGMENT);
  const purged = await fetch(`${fast.edge.url}/_edge/purge`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok' },
    body: JSON.stringify({ tag: 'seg' }),
  });
  expect(purged.status).toBe(200);
  clock.advance(0.01); // a fill started at the very instant of a tag purge is taken as purged too
  const served = fast.edge.fastPath!.served;
  const res = await fetch(fast.edge.url + SEGMENT);
  expect([res.headers.get('x-cache'), (await res.text()).length]).toEqual(['MISS', 5000]);
  expect(upstream.count(SEGMENT)).toBe(before + 1);
  expect(fast.edge.fastPath!.served).toBe(served);
  // Stored again: the fast path serves it again.
  expect((await fetch(fast.edge.url + SEGMENT)).headers.get('x-cache')).toBe('HIT');
  expect(fast.edge.fastPath!.served).toBe(served + 1);
});

it('still refreshes a live playlist ahead of expiry when its hits come through the fast path', async () => {
  const before = upstream.count(PLAYLIST);
  clock.advance(30); // long expired: a new copy
  sequence++;
  await (await fetch(fast.edge.url + PLAYLIST)).text();
  const stored = upstream.count(PLAYLIST);
  expect(stored).toBe(before + 1);
  clock.advance(1.6); // past half of its 3 s TTL
  const res = await fetch(fast.edge.url + PLAYLIST);
  expect(res.headers.get('x-cache')).toBe('HIT');
  for (let i = 0; i < 500 && upstream.count(PLAYLIST) === stored; i++) await new Promise((r) => setTimeout(r, 10));
  expect(upstream.count(PLAYLIST)).toBe(stored + 1);
});

it('answers viewers joining a fetch in progress with the same bytes as the general path (COLLAPSED), and counts and logs them alike', async () => {
  const NEW = '/hls/live/sport/v1/31.ts';
  let release!: () => void;
  const rest = new Promise<void>((r) => (release = r));
  // No Content-Type (the Node adapter adds one), an upstream Age and Via, a field marked
  // private="..." (kept from waiters), the body's second part held back by the test.
  upstream.on(NEW, () => ({
    headers: {
      'cache-control': 'max-age=60, private="x-viewer"',
      'content-length': '10000',
      via: '1.1 origin',
      age: '2',
      'x-viewer': 'first-one',
    },
    body: 'A'.repeat(4000),
    more: { after: rest, body: 'B'.repeat(6000) },
  }));
  const joinedBefore = fast.edge.fastJoin!.served;
  // Earlier tests sent some requests to the fast edge only: compare what this test adds.
  const countersBefore = [await countersOf(fast), await countersOf(general)] as const;
  const logsBefore = [fast.logs.length, general.logs.length] as const;
  // The first viewer on each edge starts the fetch; its answer's first bytes mean headers are in.
  const leaders = [openExchange(fast.edge.url, 'GET', NEW), openExchange(general.edge.url, 'GET', NEW)] as const;
  await Promise.all(leaders.map((l) => l.firstBytes));
  clock.advance(1); // Age moves while the fetch runs: both paths must say 3
  // Two more viewers on each edge join the fetch while its body is still coming.
  const joiners = [0, 1].map(() => [
    openExchange(fast.edge.url, 'GET', NEW),
    openExchange(general.edge.url, 'GET', NEW, {}),
  ]);
  await Promise.all(joiners.flat().map((j) => j.firstBytes));
  expect(fast.edge.fastJoin!.served).toBe(joinedBefore + 2);
  expect(general.edge.fastJoin).toBeNull();
  release();
  const [leadFast, leadGeneral] = await Promise.all([leaders[0].answer, leaders[1].answer]);
  expect(leadFast).toBe(leadGeneral);
  expect(header(leadFast, 'x-cache')).toBe('MISS');
  for (const [a, b] of joiners) {
    const [fastAnswer, generalAnswer] = await Promise.all([a!.answer, b!.answer]);
    expect(fastAnswer).toBe(generalAnswer);
    expect([
      header(fastAnswer, 'x-cache'),
      header(fastAnswer, 'age'),
      header(fastAnswer, 'via'),
      header(fastAnswer, 'x-viewer'),
      header(fastAnswer, 'content-type'),
    ]).toEqual(['COLLAPSED', '3', '1.1 origin, 1.1 cite-tv-edge', undefined, 'text/plain; charset=UTF-8']);
    expect(fastAnswer.endsWith(`\r\n\r\n${'A'.repeat(4000)}${'B'.repeat(6000)}`)).toBe(true);
  }
  expect(upstream.count(NEW)).toBe(2); // one fetch per edge
  const added = [
    counterDelta(countersBefore[0], await countersOf(fast)),
    counterDelta(countersBefore[1], await countersOf(general)),
  ] as const;
  expect(added[0]).toEqual(added[1]);
  expect(added[0]).toEqual({
    edge_bytes_served_total: 30000,
    'edge_requests_total{status="200",cache="COLLAPSED"}': 2,
    'edge_requests_total{status="200",cache="MISS"}': 1,
  });
  expect(fast.logs.slice(logsBefore[0])).toEqual(general.logs.slice(logsBefore[1]));
  expect(fast.logs.slice(logsBefore[0]).map((l) => [l.path, l.cache, l.bytes])).toEqual([
    [NEW, 'MISS', 10000],
    [NEW, 'COLLAPSED', 10000],
    [NEW, 'COLLAPSED', 10000],
  ]);
  // Stored now: the next viewer is a plain hit.
  expect(header(await exchange(fast.edge.url, 'GET', NEW), 'x-cache')).toBe('HIT');
});

it('answers a stale live playlist whose refresh is running (STALE) with the same bytes as the general path', async () => {
  const LIVE = '/hls/live/culture/v1/index.m3u8';
  let hold: Promise<unknown> | undefined;
  let version = 1;
  upstream.on(LIVE, () => ({
    wait: hold,
    headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=4' }, // capped at TD/2 = 3 s
    body: `#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:${version}\n#EXTINF:6.0,\n${version}.ts\n`,
  }));
  const [missA, missB] = await both('GET', LIVE);
  expect([missA === missB, header(missA, 'x-cache')]).toEqual([true, 'MISS']);
  const countersBefore = [await countersOf(fast), await countersOf(general)] as const;
  const logsBefore = [fast.logs.length, general.logs.length] as const;
  clock.advance(3.5); // stale; a live playlist may be served stale for one target duration while it refreshes
  let release!: () => void;
  hold = new Promise<void>((r) => (release = r));
  version = 2;
  // The first stale request on each edge starts the refresh: the fast path starts it as the
  // general path does, one upstream request per edge.
  const served = fast.edge.fastPath!.served;
  const asked = upstream.count(LIVE);
  const [firstA, firstB] = await both('GET', LIVE);
  expect([firstA === firstB, header(firstA, 'x-cache'), fast.edge.fastPath!.served]).toEqual([
    true,
    'STALE',
    served + 1,
  ]);
  for (let i = 0; i < 100 && upstream.count(LIVE) < asked + 2; i++) await new Promise((r) => setTimeout(r, 10));
  expect(upstream.count(LIVE)).toBe(asked + 2);
  // While the refresh runs, the fast path answers the stale copy, as the general path does.
  const [a, b] = await both('GET', LIVE);
  const [headA, headB] = await both('HEAD', LIVE);
  expect([a === b, headA === headB]).toEqual([true, true]);
  expect([header(a, 'x-cache'), header(a, 'age'), a.endsWith('1.ts\n'), fast.edge.fastPath!.served]).toEqual([
    'STALE',
    '3',
    true,
    served + 3,
  ]);
  expect(upstream.count(LIVE)).toBe(asked + 2);
  const added = [
    counterDelta(countersBefore[0], await countersOf(fast)),
    counterDelta(countersBefore[1], await countersOf(general)),
  ] as const;
  expect(added[0]).toEqual(added[1]);
  expect(added[0]['edge_requests_total{status="200",cache="STALE"}']).toBe(3);
  expect(fast.logs.slice(logsBefore[0])).toEqual(general.logs.slice(logsBefore[1]));
  release();
  hold = undefined;
  // The refresh lands on both edges (and nothing is left running at the end of the file).
  for (const s of [fast, general]) {
    for (let i = 0; i < 500 && !(await exchange(s.edge.url, 'GET', LIVE)).endsWith('2.ts\n'); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await exchange(s.edge.url, 'GET', LIVE)).toMatch(/2\.ts\n$/);
  }
});

it('does not count a prefetch of a live playlist as a viewer (Purpose / Sec-Purpose: prefetch), on either path', async () => {
  const sids = (s: Side) => s.sightings.map((x) => x.viewer);
  // What earlier tests' requests left to count is counted first, then forgotten.
  for (const s of [fast, general]) {
    await s.audience.flush();
    s.sightings.length = 0;
  }
  const asks: Record<string, string>[] = [
    { Purpose: 'prefetch', 'CMCD-Session': 'sid="focus-only"' },
    { 'Sec-Purpose': 'prefetch;prerender', 'CMCD-Session': 'sid="prerender-only"' },
    { 'CMCD-Session': 'sid="watching"' },
  ];
  for (const headers of asks) {
    const [a, b] = await both('GET', PLAYLIST, headers);
    // Served all the same.
    expect(a).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(b).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  }
  await fast.audience.flush();
  await general.audience.flush();
  for (const s of [fast, general]) expect(sids(s)).toEqual(['sid:watching']);
});

it('answers LL-HLS blocking reloads alike on both paths: held and collapsed, then hits (directives in any order, CMCD)', async () => {
  const LL = '/hls/live/sport/v2/index.m3u8';
  const reload = `${LL}?_HLS_msn=41&_HLS_part=0`;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const body =
    '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:40\n#EXTINF:2.0,\n40.m4s\n#EXT-X-PART:DURATION=0.5,URI="41.0.m4s"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="41.1.m4s"\n';
  upstream.on(LL, () => ({
    wait: held,
    headers: {
      'content-type': 'application/vnd.apple.mpegurl',
      'cache-control': 'max-age=12',
      'content-length': String(body.length),
    },
    body,
  }));
  const joinedBefore = fast.edge.fastJoin!.served;
  const countersBefore = [await countersOf(fast), await countersOf(general)] as const;
  const logsBefore = [fast.logs.length, general.logs.length] as const;
  const waiting = async (n: number) => {
    const count = (s: Side) => s.edge.edge.context.inflight.get(reload)?.participants ?? 0;
    for (let i = 0; i < 2000 && (count(fast) < n || count(general) < n); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect([count(fast), count(general)]).toEqual([n, n]);
  };
  // The origin holds the reload: the first viewer on each edge starts it, the second joins it.
  const leaders = [openExchange(fast.edge.url, 'GET', reload), openExchange(general.edge.url, 'GET', reload)];
  await waiting(1);
  const cmcd = `${LL}?_HLS_part=0&CMCD=${encodeURIComponent('sid="ll"')}&_HLS_msn=41`;
  const joiners = [openExchange(fast.edge.url, 'GET', cmcd), openExchange(general.edge.url, 'GET', cmcd)];
  await waiting(2);
  clock.advance(4); // held 4 s: new when let go, whatever the wait
  release();
  const [leadFast, leadGeneral, joinFast, joinGeneral] = await Promise.all(
    [...leaders, ...joiners].map((e) => e.answer),
  );
  expect([leadFast, joinFast]).toEqual([leadGeneral, joinGeneral]);
  // The joiner waited for the held answer on the Node fast join.
  expect(fast.edge.fastJoin!.served).toBe(joinedBefore + 1);
  expect([
    header(leadFast!, 'x-cache'),
    header(leadFast!, 'age'),
    header(joinFast!, 'x-cache'),
    header(joinFast!, 'age'),
  ]).toEqual(['MISS', '0', 'COLLAPSED', '0']);
  expect(upstream.count(LL)).toBe(2); // one fetch per edge

  // Stored: later viewers of that part are hits on the fast path, the same bytes as the general one.
  clock.advance(1);
  const served = fast.edge.fastPath!.served;
  const [a, b] = await both('GET', `${LL}?_HLS_part=0&_HLS_msn=41`);
  expect(a).toBe(b);
  expect([header(a, 'x-cache'), header(a, 'age'), fast.edge.fastPath!.served]).toEqual(['HIT', '1', served + 1]);
  expect(upstream.count(LL)).toBe(2);
  const added = [
    counterDelta(countersBefore[0], await countersOf(fast)),
    counterDelta(countersBefore[1], await countersOf(general)),
  ];
  expect(added[0]).toEqual(added[1]);
  // The same lines; the joiner's may come first on the fast path (answered as the leader is).
  const sorted = (logs: Record<string, unknown>[]) => logs.map((l) => JSON.stringify(l)).sort();
  expect(sorted(fast.logs.slice(logsBefore[0]))).toEqual(sorted(general.logs.slice(logsBefore[1])));
});

// Bodies without Content-Length: an LL-HLS hinted part is held by the origin until it is made,
// then streamed as it is written (chunked). Its viewers join on the Node fast path too, before its
// headers or mid-body, and get what the general path writes for a body of unknown length.

/** The raw answer up to the connection's close, whatever ended it (an answer cut mid-body). */
function untilClose(base: string, path: string): { firstBytes: Promise<void>; answer: Promise<string> } {
  const { port } = new URL(base);
  let arrived!: () => void;
  const firstBytes = new Promise<void>((r) => (arrived = r));
  const answer = new Promise<string>((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: fast-hit-test\r\nConnection: close\r\n\r\n`,
      ),
    );
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      arrived();
    });
    socket.on('error', () => {}); // a reset ends it as well as a close
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
  return { firstBytes, answer };
}

/** A chunked body's content, and whether its last chunk came (null: not chunked). */
function dechunked(raw: string): { body: string; complete: boolean } | null {
  if (!/\r\ntransfer-encoding: chunked\r\n/i.test(raw)) return null;
  let at = raw.indexOf('\r\n\r\n') + 4;
  let body = '';
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) return { body, complete: false };
    const size = Number.parseInt(raw.slice(at, eol), 16);
    if (size === 0) return { body, complete: raw.slice(eol + 2) === '\r\n' };
    if (raw.length < eol + 2 + size + 2) return { body: body + raw.slice(eol + 2), complete: false };
    body += raw.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** Waits until `n` clients are attached to the fill for `key` on both edges. */
async function participants(key: string, n: number): Promise<void> {
  const count = (s: Side) => s.edge.edge.context.inflight.get(key)?.participants ?? 0;
  for (let i = 0; i < 2000 && (count(fast) < n || count(general) < n); i++) await new Promise((r) => setTimeout(r, 10));
  expect([count(fast), count(general)]).toEqual([n, n]);
}

/** Counters, log lines and audience sightings the two edges added since `mark()`: must be the same. */
function sameRecords() {
  const before = Promise.all([countersOf(fast), countersOf(general)]);
  const logs = [fast.logs.length, general.logs.length] as const;
  const sightings = [fast.sightings.length, general.sightings.length] as const;
  return async () => {
    const [a, b] = await before;
    const added = [counterDelta(a, await countersOf(fast)), counterDelta(b, await countersOf(general))];
    expect(added[0]).toEqual(added[1]);
    // The same lines; answered as the fill's headers come, their order may differ.
    const sorted = (lines: unknown[]) => lines.map((l) => JSON.stringify(l)).sort();
    expect(sorted(fast.logs.slice(logs[0]))).toEqual(sorted(general.logs.slice(logs[1])));
    await fast.audience.flush();
    await general.audience.flush();
    expect(sorted(fast.sightings.slice(sightings[0]))).toEqual(sorted(general.sightings.slice(sightings[1])));
    return added[0];
  };
}

const PART_HEADERS = { 'content-type': 'video/mp4', 'cache-control': 'max-age=12', via: '1.1 origin' };

it('joins a streamed (chunked) hinted part mid-body on the fast path: chunked as the general path writes it, the same bytes', async () => {
  const PART = '/hls/live/sport/v3/12.1.m4s';
  let release!: () => void;
  const rest = new Promise<void>((r) => (release = r));
  upstream.on(PART, () => ({
    headers: PART_HEADERS,
    body: 'P'.repeat(3000),
    more: { after: rest, body: 'Q'.repeat(5000) },
  }));
  const served = fast.edge.fastJoin!.served;
  const records = sameRecords();
  const leaders = [openExchange(fast.edge.url, 'GET', PART), openExchange(general.edge.url, 'GET', PART)] as const;
  await Promise.all(leaders.map((l) => l.firstBytes));
  clock.advance(1);
  const joiners = [0, 1].map(() => [
    openExchange(fast.edge.url, 'GET', PART),
    openExchange(general.edge.url, 'GET', PART),
  ]);
  // Their heads and first bytes come while the part is still being written.
  await Promise.all(joiners.flat().map((j) => j.firstBytes));
  expect(fast.edge.fastJoin!.served).toBe(served + 2);
  release();
  const [leadFast, leadGeneral] = await Promise.all(leaders.map((l) => l.answer));
  expect(leadFast).toBe(leadGeneral);
  for (const [a, b] of joiners) {
    const [fastAnswer, generalAnswer] = await Promise.all([a!.answer, b!.answer]);
    expect(fastAnswer).toBe(generalAnswer);
    expect([header(fastAnswer, 'x-cache'), header(fastAnswer, 'age'), header(fastAnswer, 'content-length')]).toEqual([
      'COLLAPSED',
      '1',
      undefined,
    ]);
    expect(dechunked(fastAnswer)).toEqual({ body: 'P'.repeat(3000) + 'Q'.repeat(5000), complete: true });
  }
  expect(upstream.count(PART)).toBe(2); // one fetch per edge
  expect(await records()).toEqual({
    edge_bytes_served_total: 24000,
    'edge_requests_total{status="200",cache="COLLAPSED"}': 2,
    'edge_requests_total{status="200",cache="MISS"}': 1,
  });
  expect(fast.logs.at(-1)).toMatchObject({ path: PART, cache: 'COLLAPSED' });
});

it('takes viewers of a hinted part arriving before its headers, answers them when the headers come, as bytes arrive', async () => {
  const PART = '/hls/live/sport/v3/12.2.m4s';
  let letHeadersGo!: () => void;
  const held = new Promise<void>((r) => (letHeadersGo = r));
  let release!: () => void;
  const rest = new Promise<void>((r) => (release = r));
  upstream.on(PART, () => ({
    wait: held,
    headers: PART_HEADERS,
    body: 'P'.repeat(3000),
    more: { after: rest, body: 'Q'.repeat(5000) },
  }));
  const [served, handedOff] = [fast.edge.fastJoin!.served, fast.edge.fastJoin!.handedOff];
  const records = sameRecords();
  const leaders = [openExchange(fast.edge.url, 'GET', PART), openExchange(general.edge.url, 'GET', PART)] as const;
  await participants(PART, 1);
  const joiners = [0, 1].map(() => [
    openExchange(fast.edge.url, 'GET', PART),
    openExchange(general.edge.url, 'GET', PART),
  ]);
  await participants(PART, 3);
  // Taken by the fast join, waiting: nothing answered yet.
  expect(fast.edge.fastJoin!.served).toBe(served);
  clock.advance(2); // held 2 s by the origin
  letHeadersGo();
  // Every viewer's head and first bytes, before the part is complete.
  await Promise.all([...leaders, ...joiners.flat()].map((e) => e.firstBytes));
  expect([fast.edge.fastJoin!.served, fast.edge.fastJoin!.handedOff]).toEqual([served + 2, handedOff]);
  release();
  const [leadFast, leadGeneral] = await Promise.all(leaders.map((l) => l.answer));
  expect(leadFast).toBe(leadGeneral);
  for (const [a, b] of joiners) {
    const [fastAnswer, generalAnswer] = await Promise.all([a!.answer, b!.answer]);
    expect(fastAnswer).toBe(generalAnswer);
    expect([header(fastAnswer, 'x-cache'), header(fastAnswer, 'via')]).toEqual([
      'COLLAPSED',
      '1.1 origin, 1.1 cite-tv-edge',
    ]);
    expect(dechunked(fastAnswer)).toEqual({ body: 'P'.repeat(3000) + 'Q'.repeat(5000), complete: true });
  }
  expect(upstream.count(PART)).toBe(2);
  expect(await records()).toMatchObject({ 'edge_requests_total{status="200",cache="COLLAPSED"}': 2 });
  // Stored: the next viewer is a hit on the fast path.
  expect(header(await exchange(fast.edge.url, 'GET', PART), 'x-cache')).toBe('HIT');
});

it('answers early viewers of a chunked answer that comes whole with its headers as the general path does', async () => {
  // A small chunked body whole on arrival: the general path's reads see its end before the head goes.
  const PLAYLIST_LL = '/hls/live/sport/v3/index.m3u8';
  const reload = `${PLAYLIST_LL}?_HLS_msn=12&_HLS_part=3`;
  let letGo!: () => void;
  const held = new Promise<void>((r) => (letGo = r));
  upstream.on(PLAYLIST_LL, () => ({
    wait: held,
    chunked: true,
    headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=12' },
    body: '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:10\n#EXTINF:2.0,\n10.m4s\n#EXTINF:2.0,\n11.m4s\n',
  }));
  const served = fast.edge.fastJoin!.served;
  const records = sameRecords();
  const leaders = [openExchange(fast.edge.url, 'GET', reload), openExchange(general.edge.url, 'GET', reload)] as const;
  await participants(reload, 1);
  const joiners = [0, 1].map(() => [
    openExchange(fast.edge.url, 'GET', reload),
    openExchange(general.edge.url, 'GET', reload),
  ]);
  await participants(reload, 3);
  letGo();
  const [leadFast, leadGeneral] = await Promise.all(leaders.map((l) => l.answer));
  expect(leadFast).toBe(leadGeneral);
  for (const [a, b] of joiners) {
    const [fastAnswer, generalAnswer] = await Promise.all([a!.answer, b!.answer]);
    expect(fastAnswer).toBe(generalAnswer);
    expect(header(fastAnswer, 'x-cache')).toBe('COLLAPSED');
  }
  expect(fast.edge.fastJoin!.served).toBe(served + 2);
  await records();
});

it('cuts a joiner off when the upstream cuts a streamed part mid-body, as the general path does', async () => {
  const PART = '/hls/live/sport/v3/12.3.m4s';
  let cut!: () => void;
  const cutNow = new Promise<void>((r) => (cut = r));
  upstream.on(PART, () => ({ headers: PART_HEADERS, body: 'P'.repeat(3000), more: { after: cutNow, cut: true } }));
  const served = fast.edge.fastJoin!.served;
  const records = sameRecords();
  const leaders = [untilClose(fast.edge.url, PART), untilClose(general.edge.url, PART)] as const;
  await Promise.all(leaders.map((l) => l.firstBytes));
  const joiners = [0, 1].map(() => [untilClose(fast.edge.url, PART), untilClose(general.edge.url, PART)]);
  await Promise.all(joiners.flat().map((j) => j.firstBytes));
  expect(fast.edge.fastJoin!.served).toBe(served + 2);
  cut();
  const [leadFast, leadGeneral] = await Promise.all(leaders.map((l) => l.answer));
  expect(leadFast).toBe(leadGeneral);
  for (const [a, b] of joiners) {
    const [fastAnswer, generalAnswer] = await Promise.all([a!.answer, b!.answer]);
    expect(fastAnswer).toBe(generalAnswer);
    // The head and what had come, then the connection closed: no last chunk, nothing pretends it is whole.
    expect(header(fastAnswer, 'x-cache')).toBe('COLLAPSED');
    expect(dechunked(fastAnswer)).toEqual({ body: 'P'.repeat(3000), complete: false });
  }
  // Three answers cut, counted as answered (200), not also as refused requests (a 400 once).
  const added = await records();
  expect(Object.keys(added ?? {}).filter((k) => k.includes('status="400"'))).toEqual([]);
  // Nothing stored: the next viewer starts a new fetch.
  upstream.on(PART, () => ({ headers: PART_HEADERS, body: 'P'.repeat(3000) }));
  expect(header(await exchange(fast.edge.url, 'GET', PART), 'x-cache')).toBe('MISS');
  expect(upstream.count(PART)).toBe(3);
});

it('hands early joiners of an answer others may not share (no-store) to the general path, which passes them through', async () => {
  const PRIVATE = '/api/v1/me/recordings';
  let held: Promise<void> = Promise.resolve();
  let n = 0;
  upstream.on(PRIVATE, () => ({
    wait: held,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: `{"answer":${++n}}`,
  }));
  const [served, handedOff] = [fast.edge.fastJoin!.served, fast.edge.fastJoin!.handedOff];
  const records = sameRecords();
  // One edge after the other, each with its own hold, so that their upstream answers are numbered alike.
  const answers: string[][] = [];
  for (const side of [fast, general]) {
    let letGo!: () => void;
    held = new Promise<void>((r) => (letGo = r));
    n = 0;
    const count = () => side.edge.edge.context.inflight.get(PRIVATE)?.participants ?? 0;
    const leader = openExchange(side.edge.url, 'GET', PRIVATE);
    for (let i = 0; i < 2000 && count() < 1; i++) await new Promise((r) => setTimeout(r, 10));
    const joiners = [0, 1].map(() => openExchange(side.edge.url, 'GET', PRIVATE));
    for (let i = 0; i < 2000 && count() < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(count()).toBe(3);
    letGo();
    answers.push(await Promise.all([leader, ...joiners].map((e) => e.answer)));
  }
  const [fromFast, fromGeneral] = answers as [string[], string[]];
  // The one fetch's answer said no-store: each joiner then asked upstream on its own (PASS).
  expect(fromFast.map((a) => header(a, 'x-cache'))).toEqual(['MISS', 'PASS', 'PASS']);
  expect(fromFast.map((a) => dechunked(a)?.body).sort()).toEqual(['{"answer":1}', '{"answer":2}', '{"answer":3}']);
  expect([...fromFast].sort()).toEqual([...fromGeneral].sort());
  expect(upstream.count(PRIVATE)).toBe(6);
  expect([fast.edge.fastJoin!.served, fast.edge.fastJoin!.handedOff]).toEqual([served, handedOff + 2]);
  await records();
});

it('gives early joiners of a fetch that fails before its headers the general path’s 502', async () => {
  const GONE = '/hls/live/sport/v3/13.0.m4s';
  let letGo!: () => void;
  const held = new Promise<void>((r) => (letGo = r));
  upstream.on(GONE, () => ({ wait: held, drop: true }));
  const handedOff = fast.edge.fastJoin!.handedOff;
  const records = sameRecords();
  const leaders = [openExchange(fast.edge.url, 'GET', GONE), openExchange(general.edge.url, 'GET', GONE)] as const;
  await participants(GONE, 1);
  const joiners = [openExchange(fast.edge.url, 'GET', GONE), openExchange(general.edge.url, 'GET', GONE)] as const;
  await participants(GONE, 2);
  letGo();
  const [leadFast, leadGeneral, joinFast, joinGeneral] = await Promise.all(
    [...leaders, ...joiners].map((e) => e.answer),
  );
  expect([leadFast, joinFast]).toEqual([leadGeneral, joinGeneral]);
  expect(fast.edge.fastJoin!.handedOff).toBe(handedOff + 1);
  await records();
});
