// The Node edge's front door (edge/node/front-door.ts) reads plain request heads itself and writes
// fresh hits and beacons straight to the socket; everything else goes to node:http with the
// connection. Three edges on the same clock in front of the same upstream: the front door, the
// node:http fast paths (frontDoor off), and the general path (fastHitPath off). A player's
// keep-alive requests get the same bytes from all three, the same counters; what the front does
// not answer is handed over and answered as node:http answers it, hostile heads included; a
// connection it holds keeps node:http's time-outs, and a client that does not read is not read.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { startEdgeNode, type RunningEdge } from '../../edge-origin/src/edge/node/start-edge-node.ts';
import type { EdgeConfigInput } from '../../edge-origin/src/edge/config.ts';
import { serverOptions } from '../../edge-origin/src/edge/node/client-limits.ts';
import { manualClock } from '../support/edge.ts';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';
import { Client, head, once } from '../support/raw-http.ts';

const clock = manualClock(Math.floor(Date.now() / 1000));
let upstream: TestUpstream;
let front: RunningEdge;
let nodeFast: RunningEdge;
let general: RunningEdge;

const PLAYLIST = '/hls/live/sport/v1/index.m3u8';
const SEGMENT = '/hls/live/sport/v1/7.ts';
const BIG = '/hls/vod/match/v1/1.ts';
const NOT_YET = '/hls/live/sport/v1/99.ts';
const EMPTY = '/api/v1/ping';
const BEACON = '/api/v1/ads/track?break=b1&viewer=v1&creative=c1&event=start';
const BIG_BYTES = 1_000_000;

/** What differs between two edges by design: the Date node:http adds, the request id of errors. */
const comparable = (raw: string) => raw.replace(/\r\nDate: [^\r]*/, '').replace(/\r\nx-request-id: [^\r]*/, '');
const header = (raw: string, name: string) => new RegExp(`\r\n${name}: ([^\r]*)`, 'i').exec(raw)?.[1];

const counters = async (edge: RunningEdge) =>
  (await (await fetch(`${edge.url}/_edge/metrics`, { headers: { authorization: 'Bearer tok' } })).text())
    .split('\n')
    .filter((l) => l.startsWith('edge_requests_total{') || l.startsWith('edge_bytes_served_total'))
    .sort();

const start = (config: Partial<EdgeConfigInput> = {}) =>
  startEdgeNode(
    {
      port: 0,
      host: '127.0.0.1',
      upstreamUrl: upstream.url,
      adminToken: 'tok',
      accessLog: false,
      beaconFlushMs: 600_000,
      ...config,
    },
    { now: clock.now, log: () => undefined },
  );

beforeAll(async () => {
  upstream = await startUpstream({ now: clock.now });
  upstream.on(PLAYLIST, {
    headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=4', etag: '"pl-1"' },
    body: '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:6.0,\n7.ts\n#EXTINF:6.0,\n8.ts\n',
  });
  upstream.on(SEGMENT, {
    headers: { 'cache-control': 'max-age=60', 'content-type': 'video/mp2t' },
    body: 'S'.repeat(5000),
  });
  upstream.on(BIG, {
    headers: { 'cache-control': 'max-age=600', 'content-type': 'video/mp2t' },
    body: new Uint8Array(BIG_BYTES).fill(66),
  });
  upstream.on(NOT_YET, { status: 404, headers: { 'content-type': 'text/plain' }, body: 'pas encore' });
  upstream.on(EMPTY, { status: 204, headers: { 'cache-control': 'max-age=60' } });
  front = await start();
  nodeFast = await start({ frontDoor: false });
  general = await start({ fastHitPath: false });
  expect([front.frontDoor !== null, nodeFast.frontDoor, general.frontDoor]).toEqual([true, null, null]);
  // Stored on each edge at the same (manual) time: the upstream's Date follows that clock.
  for (const edge of [front, nodeFast, general])
    for (const p of [PLAYLIST, SEGMENT, BIG, NOT_YET, EMPTY]) await once(edge.url, 'GET', p);
});

afterAll(async () => {
  for (const edge of [front, nodeFast, general]) await edge.close(1000);
  await upstream.close();
});

test('a player’s keep-alive requests get the same bytes and counts from the front door, node:http’s fast path and the general path', async () => {
  const requests: [string, string][] = [
    ['GET', PLAYLIST],
    ['HEAD', PLAYLIST],
    ['GET', `${PLAYLIST}?CMCD=${encodeURIComponent('bl=2000,sid="viewer-1"')}`],
    ['GET', SEGMENT],
    ['HEAD', SEGMENT],
    ['GET', NOT_YET],
    ['GET', EMPTY],
    ['GET', BEACON],
  ];
  const before = await Promise.all([front, nodeFast, general].map(counters));
  // (The metrics request is node:http's: it carries Authorization.)
  const handedOff = front.frontDoor!.handedOff;
  const served = front.fastPath!.served;
  for (const [method, target] of requests) {
    const [a, b, c] = [
      await once(front.url, method, target),
      await once(nodeFast.url, method, target),
      await once(general.url, method, target),
    ];
    expect(comparable(a)).toBe(comparable(b));
    expect(comparable(a)).toBe(comparable(c));
    expect(a).toMatch(/\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\n/);
    expect([method, target, front.frontDoor!.handedOff]).toEqual([method, target, handedOff]);
  }
  // All answered by the front door itself: none handed to node:http.
  expect(front.frontDoor!.handedOff).toBe(handedOff);
  expect(front.fastPath!.served).toBe(served + requests.length - 1);
  expect(front.fastBeacon!.served).toBe(1);
  const after = await Promise.all([front, nodeFast, general].map(counters));
  const delta = (i: number) => after[i]!.filter((l) => !before[i]!.includes(l));
  expect(delta(0)).toEqual(delta(1));
  expect(delta(0)).toEqual(delta(2));
  expect(delta(0).length).toBeGreaterThan(0);
});

test('pipelined requests are answered in order; the first one it does not answer hands the connection to node:http, which answers the rest', async () => {
  const fresh = `/hls/live/sport/v1/${Date.now()}.ts`;
  upstream.on(fresh, { headers: { 'cache-control': 'max-age=60' }, body: 'fresh' });
  const handedOff = front.frontDoor!.handedOff;
  const client = new Client(front.url);
  const port = client.port;
  // A hit, a hit, a miss (node:http from here on), a hit, a POST with a body, then a hit.
  client.send(
    head('GET', PLAYLIST, port) +
      head('HEAD', SEGMENT, port) +
      head('GET', fresh, port) +
      head('GET', PLAYLIST, port) +
      `POST /api/v1/ping HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 5\r\n\r\nhello` +
      head('GET', SEGMENT, port),
  );
  const answers = [
    await client.answer('GET'),
    await client.answer('HEAD'),
    await client.answer('GET'),
    await client.answer('GET'),
    await client.answer('POST'),
    await client.answer('GET'),
  ];
  expect(answers.map((a) => [a.slice(9, 12), header(a, 'x-cache') ?? '-'])).toEqual([
    ['200', 'HIT'],
    ['200', 'HIT'],
    ['200', 'MISS'],
    ['200', 'HIT'],
    ['204', 'PASS'],
    ['200', 'HIT'],
  ]);
  expect(answers[2]!.endsWith('fresh')).toBe(true);
  expect(answers[5]!.endsWith('S'.repeat(5000))).toBe(true);
  expect(front.frontDoor!.handedOff).toBe(handedOff + 1);
  const metrics = await (
    await fetch(`${front.url}/_edge/metrics`, { headers: { authorization: 'Bearer tok' } })
  ).text();
  expect(metrics).toMatch(/edge_front_door_handoffs_total\{reason="not-answered"\} [1-9]/);
  // Later requests on it are node:http's: still answered.
  client.send(head('GET', PLAYLIST, port));
  expect(header(await client.answer(), 'x-cache')).toBe('HIT');
  client.close();
});

test('a head that comes in pieces is node:http’s to read: still answered', async () => {
  const handedOff = front.frontDoor!.handedOff;
  const client = new Client(front.url);
  const whole = head('GET', PLAYLIST, client.port);
  client.send(whole.slice(0, 30));
  await new Promise((r) => setTimeout(r, 50));
  client.send(whole.slice(30));
  expect(header(await client.answer(), 'x-cache')).toBe('HIT');
  expect(front.frontDoor!.handedOff).toBe(handedOff + 1);
  client.close();
});

test('hostile or unusual heads get node:http’s own answers, byte for byte', async () => {
  const cases = [
    // Smuggling: both framings.
    `GET ${PLAYLIST} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    // Obsolete line folding, a bare LF, a space before the colon, a control byte in a value.
    `GET ${PLAYLIST} HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n`,
    `GET ${PLAYLIST} HTTP/1.1\nHost: x\r\n\r\n`,
    `GET ${PLAYLIST} HTTP/1.1\r\nHost : x\r\n\r\n`,
    `GET ${PLAYLIST} HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n`,
    // Two Host fields, none, HTTP/1.0, an absolute target, an unknown method, a dot segment.
    `GET ${PLAYLIST} HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n`,
    `GET ${PLAYLIST} HTTP/1.1\r\n\r\n`,
    `GET ${PLAYLIST} HTTP/1.0\r\nHost: x\r\n\r\n`,
    `GET http://x${PLAYLIST} HTTP/1.1\r\nHost: x\r\n\r\n`,
    `BREW ${PLAYLIST} HTTP/1.1\r\nHost: x\r\n\r\n`,
    'GET /hls/live/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n',
    // Far too many header bytes (431), a request line far too long (414).
    `GET ${PLAYLIST} HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(40_000)}\r\n\r\n`,
    `GET ${PLAYLIST}?${'q'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    // Connection: close: answered, then closed.
    `GET ${PLAYLIST} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
  ];
  // The answer, or what came before the connection was closed.
  const raw = async (base: string, bytes: string) => {
    const client = new Client(base);
    client.send(bytes);
    const answer = await Promise.race([client.answer().catch(() => null), client.ended().then(() => null)]);
    client.close();
    return answer ?? client.rest;
  };
  for (const bytes of cases) {
    const [a, b] = [await raw(front.url, bytes), await raw(nodeFast.url, bytes)];
    expect([JSON.stringify(bytes.slice(0, 60)), comparable(a)]).toEqual([
      JSON.stringify(bytes.slice(0, 60)),
      comparable(b),
    ]);
    expect(a).toMatch(/^HTTP\/1\.1 \d{3} /);
  }
}, 30_000);

test('a connection it holds keeps node:http’s time-outs: 408 for a silent one, closed when idle after an answer', async () => {
  const edge = await start({ headersTimeoutMs: 300, keepAliveTimeoutMs: 400 });
  try {
    await once(edge.url, 'GET', PLAYLIST); // stored (a miss: node:http's)
    const handedOff = edge.frontDoor!.handedOff;
    const silent = new Client(edge.url);
    const idle = new Client(edge.url);
    idle.send(head('GET', PLAYLIST, idle.port));
    expect(header(await idle.answer(), 'x-cache')).toBe('HIT');
    await Promise.all([silent.ended(), idle.ended()]);
    expect(silent.rest).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(idle.rest).toBe('');
    expect(edge.frontDoor!.handedOff).toBe(handedOff);
  } finally {
    await edge.close(1000);
  }
});

test('slowloris is node:http’s as before: a head trickled byte by byte is cut off headersTimeoutMs after its first byte, on a new and on a kept-alive connection, as without the front door', async () => {
  const H = 1000; // headersTimeoutMs
  const K = 1500; // keepAliveTimeoutMs
  // node:http checks its header time-outs only every connectionsCheckingInterval (a quarter of
  // H here: 250 ms): a time-out is seen up to one period late.
  const config = { headersTimeoutMs: H, keepAliveTimeoutMs: K };
  const [door, plain] = [await start(config), await start({ ...config, frontDoor: false })];
  try {
    const period = serverOptions(door.edge.config).connectionsCheckingInterval;
    expect(period).toBe(250);
    // Timers firing late and loopback on a busy 2-core machine: what the upper bounds allow beyond design.
    const SLACK = 500;
    /** `ms` within [lo, hi], the value shown when not. */
    const within = (what: string, ms: number, lo: number, hi: number) =>
      expect({ what, ms: Math.round(ms), within: ms >= lo && ms <= hi }).toEqual({
        what,
        ms: Math.round(ms),
        within: true,
      });
    for (const edge of [door, plain]) await once(edge.url, 'GET', PLAYLIST); // stored: a hit from now on
    const incomplete = async () =>
      Number(
        /edge_front_door_handoffs_total\{reason="incomplete"\} (\d+)/.exec(
          await (await fetch(`${door.url}/_edge/metrics`, { headers: { authorization: 'Bearer tok' } })).text(),
        )?.[1] ?? 0,
      );
    const incompleteBefore = await incomplete();
    const served = door.fastPath!.served;

    /**
     * A slowloris client: connects, optionally gets one answer (a hit), waits `wait` ms, then
     * starts a head it never ends, one more byte every 200 ms, until the edge closes the connection
     * (or 3 s past every bound: the test then fails on what it saw).
     */
    const slowloris = async (base: string, wait: number, first: boolean) => {
      const client = new Client(base);
      const connected = await new Promise<number>((r) => client.socket.once('connect', () => r(performance.now())));
      let ended = null as number | null;
      client.socket.once('close', () => (ended = performance.now()));
      let answer = '';
      let answered = connected;
      if (first) {
        client.send(head('GET', PLAYLIST, client.port));
        answer = await client.answer();
        answered = performance.now();
      }
      await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now();
      client.send('GET /x HTTP/1.1\r\nHost: a\r\nX-Slow: ');
      let trickled = 0;
      const trickle = setInterval(() => {
        if (client.closed) return;
        client.send('a');
        trickled++;
      }, 200);
      await Promise.race([client.ended(), new Promise((r) => setTimeout(r, 2 * H + K + 3000))]);
      clearInterval(trickle);
      client.close();
      return { connected, answer, answered, sent, ended, trickled, rest: client.rest };
    };
    // A: on a new connection, the head starts 0.6 H in (the connection's own header time-out still
    // running). B: after an answer, the next head starts 0.6 K in (the keep-alive time-out still running).
    const [newDoor, newPlain, keptDoor, keptPlain] = await Promise.all([
      slowloris(door.url, 0.6 * H, false),
      slowloris(plain.url, 0.6 * H, false),
      slowloris(door.url, 0.6 * K, true),
      slowloris(plain.url, 0.6 * K, true),
    ]);

    for (const [name, seen] of Object.entries({ newDoor, newPlain })) {
      // The head came before the connection's own time-out (else that 408 came first)...
      within(`${name}: head begun after connecting`, seen.sent - seen.connected, 0, H - 1);
      // ... it kept coming (the client was never silent) and still got node:http's 408 and the close,
      expect([name, seen.trickled >= 3, seen.ended !== null]).toEqual([name, true, true]);
      expect([name, seen.rest]).toEqual([name, expect.stringMatching(/^HTTP\/1\.1 408 Request Timeout\r\n/)]);
      // ... not before H after its head began (node:http counts from a request's first byte: no
      // one is cut off early), at most one checking period (and scheduling slack) after that:
      const ended = seen.ended!;
      within(`${name}: closed after the head began`, ended - seen.sent, H, H + period + SLACK);
      // ... so within 2 H of connecting (silence under H, then H), plus that period.
      within(`${name}: closed after connecting`, ended - seen.connected, H, 2 * H + period + SLACK);
    }
    for (const [name, seen] of Object.entries({ keptDoor, keptPlain })) {
      expect([name, seen.answer.slice(0, 12), header(seen.answer, 'x-cache')]).toEqual([name, 'HTTP/1.1 200', 'HIT']);
      within(`${name}: head begun after the answer`, seen.sent - seen.answered, 0, K - 1);
      expect([name, seen.trickled >= 3, seen.ended !== null]).toEqual([name, true, true]);
      // Closed without an answer: bytes of one already went out on it (as node:http does).
      expect([name, seen.rest]).toEqual([name, '']);
      const ended = seen.ended!;
      within(`${name}: closed after the head began`, ended - seen.sent, H, H + period + SLACK);
      // The bound after an answer is K + H (not K): idle under K, then H for the next head.
      within(`${name}: closed after the answer`, ended - seen.answered, H, K + H + period + SLACK);
    }
    // The front door handed both trickled heads over as incomplete, at once; B's second one too, so
    // it had answered B's first request itself (a connection is handed over once, for good).
    expect(door.fastPath!.served).toBe(served + 1);
    expect((await incomplete()) - incompleteBefore).toBe(2);
  } finally {
    await Promise.all([door.close(1000), plain.close(1000)]);
  }
}, 15_000);

test('a client that does not read is not read either: pipelined requests for a big object wait for it', async () => {
  const served = front.fastPath!.served;
  const client = new Client(front.url);
  client.socket.pause();
  const requests = 100;
  client.send(head('GET', BIG, client.port).repeat(requests));
  await new Promise((r) => setTimeout(r, 500));
  // Some answers fill the socket buffers; the rest wait (100 MB otherwise queued in the edge).
  const early = front.fastPath!.served - served;
  expect(early).toBeGreaterThan(0);
  expect(early).toBeLessThan(40);
  client.socket.resume();
  for (let i = 0; i < requests; i++) expect((await client.answer()).length).toBeGreaterThan(BIG_BYTES);
  expect(front.fastPath!.served - served).toBe(requests);
  client.close();
}, 30_000);

test('a graceful stop closes the connections it holds once their answers are out', async () => {
  const edge = await start();
  await once(edge.url, 'GET', BIG);
  const client = new Client(edge.url);
  client.send(head('GET', BIG, client.port));
  const answer = client.answer();
  // Stopped once the answer is being written.
  while (edge.fastPath!.served === 0) await new Promise((r) => setTimeout(r, 5));
  const stopped = edge.close(5000);
  expect((await answer).length).toBeGreaterThan(BIG_BYTES);
  await client.ended();
  const t0 = Date.now();
  await stopped;
  expect(Date.now() - t0).toBeLessThan(2000);
});
