// The native front door (edge/node/native/front-door.cc, edge/node/native-front.ts): a thread of
// its own answers plain fresh hits without JavaScript, from answers published as the memory tier
// changes; everything else goes to node:http with the connection. Held here, on a real edge and
// a real clock (the add-on reads the wall clock): the same bytes as the JavaScript fast path for
// the same entry, the same records (metrics, access log), node:http for the rest (hostile heads
// included), a purge or a new version at once, the background refresh of a live playlist, the
// time-outs, pipelining and a client that does not read.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startEdgeNode, type RunningEdge } from '../../edge-origin/src/edge/node/start-edge-node.ts';
import { readPlainHead } from '../../edge-origin/src/edge/node/request-head.ts';
import { loadAddon } from '../../edge-origin/src/edge/node/native-front.ts';
import { wireAnswer } from '../../edge-origin/src/edge/node/response-head.ts';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';
import { Client, head, once } from '../support/raw-http.ts';

let upstream: TestUpstream;
let edge: RunningEdge;
const logged: Record<string, unknown>[] = [];

const LIVE = '/hls/live/sport/v1/index.m3u8';
const SEGMENT = '/hls/live/sport/v1/7.ts';
const BIG = '/hls/vod/match/v1/1.ts';
const NOT_YET = '/hls/live/sport/v1/99.ts';
const EMPTY = '/api/v1/ping';
const PURGED = '/hls/vod/match/v1/index.m3u8';
const BIG_BYTES = 1_000_000;
const HELD = '/hls/vod/match/v1/2.ts';
const SLOW = '/hls/vod/match/v1/3.ts';
const SLOW_BYTES = 12 * 1024 * 1024; // more than a paused reader's socket buffers take
let liveVersion = 7;

function livePlaylist(first: number): string {
  return `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:${first}\n#EXTINF:2.0,\n${first}.ts\n#EXTINF:2.0,\n${first + 1}.ts\n`;
}

const counters = async () =>
  (await (await fetch(`${edge.url}/_edge/metrics`, { headers: { authorization: 'Bearer tok' } })).text())
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('edge_requests_total{') ||
        l.startsWith('edge_bytes_served_total') ||
        l.startsWith('edge_front_door_handoffs_total{'),
    )
    .reduce<Record<string, number>>((all, line) => {
      const [name, value] = line.split(' ');
      all[name!] = Number(value);
      return all;
    }, {});

/** What the JavaScript door writes for this request, now, on the same edge (fast-hit.ts, response-head.ts). */
function javascriptAnswer(method: string, target: string, port: string): string | null {
  const text = head(method, target, port);
  const parsed = readPlainHead(text, 0, text.length - 4)!;
  const taken = edge.fastPath!.answer({ ...parsed, socket: { remoteAddress: '127.0.0.1' } });
  if (!taken) return null;
  const wire = wireAnswer(taken.answer, method === 'HEAD', edge.edge.config.keepAliveTimeoutMs);
  return wire.head + wire.chunks.map((c) => (typeof c === 'string' ? c : Buffer.from(c).toString('latin1'))).join('');
}

beforeAll(async () => {
  upstream = await startUpstream();
  upstream.on(LIVE, () => ({
    headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=2' },
    body: livePlaylist(liveVersion),
  }));
  for (let n = 7; n < 40; n++)
    upstream.on(`/hls/live/sport/v1/${n}.ts`, {
      headers: { 'cache-control': 'max-age=60', 'content-type': 'video/mp2t' },
      body: `S${n}`.repeat(2500),
    });
  upstream.on(BIG, {
    headers: { 'cache-control': 'max-age=600', 'content-type': 'video/mp2t' },
    body: new Uint8Array(BIG_BYTES).fill(66),
  });
  upstream.on(HELD, {
    headers: { 'cache-control': 'max-age=600', 'content-type': 'video/mp2t' },
    body: 'held once '.repeat(1000),
  });
  upstream.on(SLOW, {
    headers: { 'cache-control': 'max-age=600', 'content-type': 'video/mp2t' },
    body: new Uint8Array(SLOW_BYTES).fill(67),
  });
  upstream.on(NOT_YET, {
    status: 404,
    headers: { 'content-type': 'text/plain', 'cache-control': 'max-age=60' },
    body: 'pas encore',
  });
  upstream.on(EMPTY, { status: 204, headers: { 'cache-control': 'max-age=60' } });
  upstream.on(PURGED, (_req, n) => ({
    headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=600' },
    body: `#EXTM3U\n#EXT-X-VERSION:${n}\n#EXT-X-ENDLIST\n`,
  }));
  edge = await startEdgeNode(
    {
      port: 0,
      host: '127.0.0.1',
      upstreamUrl: upstream.url,
      adminToken: 'tok',
      nativeFrontDoor: true,
      headersTimeoutMs: 400,
      keepAliveTimeoutMs: 1500,
    },
    { log: (line) => void logged.push(line as Record<string, unknown>) },
  );
  expect(edge.nativeFrontDoor).not.toBeNull();
  expect(edge.frontDoor).toBeNull();
  for (const p of [LIVE, SEGMENT, BIG, NOT_YET, EMPTY, PURGED]) await once(edge.url, 'GET', p);
  // Their records come in a batch (nativeFrontDoorRecordMs): counted before the tests count.
  await waitFor(() => edge.nativeFrontDoor!.served >= 6);
});

afterAll(async () => {
  await edge?.close(1000);
  await upstream?.close();
});

test('plain hits are answered natively, byte for byte what the JavaScript door writes for the same entry', async () => {
  const port = new URL(edge.url).port;
  const client = new Client(edge.url);
  const served = edge.nativeFrontDoor!.served;
  const handed = edge.nativeFrontDoor!.handedOff;
  const requests: [string, string][] = [
    ['GET', SEGMENT],
    ['HEAD', SEGMENT],
    ['GET', BIG],
    ['HEAD', BIG],
    ['GET', NOT_YET],
    ['GET', EMPTY],
    ['GET', PURGED],
    ['HEAD', PURGED],
    // A player's CMCD query (hls.js writes it so) is left out of the key: the same answer.
    ['GET', `${SEGMENT}?CMCD=${encodeURIComponent('br=800,sid="tv-1",su')}`],
    ['HEAD', `${BIG}?CMCD=${encodeURIComponent('bl=2000,sid="tv-2"')}`],
  ];
  for (const [method, target] of requests) {
    // Age and Date move with the second: compare within one (a few tries at a boundary).
    let native = '';
    let expected: string | null = null;
    for (let attempt = 0; attempt < 5; attempt++) {
      client.send(head(method, target, port));
      native = await client.answer(method);
      expected = javascriptAnswer(method, target, port);
      if (native === expected) break;
    }
    expect({ method, target, answer: native.slice(0, 400) }).toEqual({
      method,
      target,
      answer: expected?.slice(0, 400),
    });
    expect(native.length).toBe(expected?.length);

    expect(native).toContain('\r\nx-cache: ');
  }
  client.close();
  // Its own: the connection never went to node:http.
  await waitFor(() => edge.nativeFrontDoor!.served >= served + requests.length);
  expect(edge.nativeFrontDoor!.handedOff).toBe(handed);
});

test('each native answer is counted and logged as the fast path’s', async () => {
  const before = await counters();
  const lines = logged.length;
  const client = new Client(edge.url);
  for (let i = 0; i < 5; i++) {
    client.send(head('GET', SEGMENT, client.port));
    expect(await client.answer()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  }
  client.send(head('HEAD', BIG, client.port));
  await client.answer('HEAD');
  client.close();
  await waitFor(() => logged.slice(lines).filter((l) => l.path === SEGMENT || l.url === SEGMENT).length >= 5);
  const after = await counters();
  const hits = (c: Record<string, number>) =>
    Object.entries(c)
      .filter(([k]) => k.startsWith('edge_requests_total{') && k.includes('cache="HIT"') && k.includes('status="200"'))
      .reduce((n, [, v]) => n + v, 0);
  expect(hits(after) - hits(before)).toBe(6);
  // Bytes served: the five bodies, not the HEAD's.
  const bytes = (c: Record<string, number>) => c.edge_bytes_served_total ?? 0;
  expect(bytes(after) - bytes(before)).toBe(5 * 5000);
  const line = logged.slice(lines).find((l) => JSON.stringify(l).includes(SEGMENT))!;
  expect(JSON.stringify(line)).toContain('"status":200');
});

test('a miss waits for its fill and is answered by the door; an object it may not answer goes to node:http', async () => {
  // (A scrape is itself handed to node:http: read before the door's counts.)
  const collapsed = (await counters())['edge_requests_total{status="200",cache="COLLAPSED"}'] ?? 0;
  const handed = edge.nativeFrontDoor!.handedOff;
  const served = edge.nativeFrontDoor!.served;
  upstream.on('/hls/vod/new/1.ts', { headers: { 'cache-control': 'max-age=60' }, body: 'nouveau' });
  upstream.on('/hls/vod/new/2.ts', { headers: { 'cache-control': 'no-store' }, body: 'a chaque fois' });
  const client = new Client(edge.url);
  // Two players at once on the same new object: one fetch, both answered here.
  const other = new Client(edge.url);
  client.send(head('GET', '/hls/vod/new/1.ts', client.port));
  other.send(head('GET', '/hls/vod/new/1.ts', other.port));
  // Each says it joined a fill, as the general path would; a later request is a hit.
  for (const c of [client, other])
    expect(await c.answer()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*x-cache: COLLAPSED\r\n[\s\S]*\r\n\r\nnouveau$/);
  other.close();
  expect(upstream.count('/hls/vod/new/1.ts')).toBe(1);
  await waitFor(() => edge.nativeFrontDoor!.served >= served + 2);
  expect(await once(edge.url, 'GET', '/hls/vod/new/1.ts')).toMatch(/x-cache: HIT\r\n[\s\S]*\r\n\r\nnouveau$/);
  expect(edge.nativeFrontDoor!.handedOff).toBe(handed);
  // Not stored (no-store): given up after its fill, node:http answers it (the fill's answer was
  // not kept: a second upstream request) and takes the connection.
  client.send(head('GET', '/hls/vod/new/2.ts', client.port));
  expect(await client.answer()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\na chaque fois$/);
  expect(edge.nativeFrontDoor!.handedOff).toBe(handed + 1);
  expect(upstream.count('/hls/vod/new/2.ts')).toBe(2);
  // Given up for a while: a new connection's request for it goes to node:http at once (one fetch).
  expect(await once(edge.url, 'GET', '/hls/vod/new/2.ts')).toMatch(/\r\n\r\na chaque fois$/);
  expect(upstream.count('/hls/vod/new/2.ts')).toBe(3);
  expect(edge.nativeFrontDoor!.handedOff).toBe(handed + 2);
  // Kept alive, now node:http's: a hit on the same connection still answers.
  client.send(head('GET', SEGMENT, client.port));
  expect(await client.answer()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  client.close();
  expect((await counters())['edge_requests_total{status="200",cache="COLLAPSED"}']).toBe(collapsed + 2);
});

test('anything else goes to node:http with its connection: bodies, queries, HTTP/1.0, hostile heads', async () => {
  const handed = edge.nativeFrontDoor!.handedOff;
  // Queries but one of CMCD parameters and delivery directives: another key, an escaped name, an
  // empty part, a directive twice, another _HLS_ name.
  for (const query of [
    'x=1',
    'CMCD=sid%3D%22a%22&x=1',
    '%43MCD=sid%3D%22a%22',
    'CMCD=a&',
    '_HLS_msn=7&_HLS_msn=8',
    '_HLS_x=1',
  ])
    expect(await once(edge.url, 'GET', `${SEGMENT}?${query}`)).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  const post = new Client(edge.url);
  post.send(`POST ${EMPTY} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi`);
  expect(await post.answer()).toMatch(/^HTTP\/1\.1 \d{3} /);
  post.close();
  // Hostile: two Host fields, a field with a space in its name, HTTP/1.0, a bare LF.
  // (node:http takes the first Host.)
  const twoHosts = new Client(edge.url);
  twoHosts.send(`GET ${SEGMENT} HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`);
  expect(await twoHosts.answer()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  twoHosts.close();
  const spaced = new Client(edge.url);
  spaced.send(`GET ${SEGMENT} HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n`);
  expect(await spaced.answer()).toMatch(/^HTTP\/1\.1 400 /);
  spaced.close();
  const old = new Client(edge.url);
  old.send(`GET ${SEGMENT} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`);
  expect(await old.answer()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  old.close();
  expect(edge.nativeFrontDoor!.handedOff - handed).toBe(10);
  const after = await counters();
  expect(after['edge_front_door_handoffs_total{reason="not-answered"}']).toBeGreaterThan(0);
  expect(after['edge_front_door_handoffs_total{reason="not-plain"}']).toBeGreaterThan(0);
});

test('a purge takes effect at once: the next request waits for a new fetch and gets the new version', async () => {
  const fetched = upstream.count(PURGED);
  const v1 = await once(edge.url, 'GET', PURGED);
  expect(v1).toContain(`#EXT-X-VERSION:${fetched}`);
  const purge = await fetch(`${edge.url}/_edge/purge`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: JSON.stringify({ url: PURGED }),
  });
  expect(purge.status).toBe(200);
  const v2 = await once(edge.url, 'GET', PURGED);
  expect(v2).toContain(`#EXT-X-VERSION:${fetched + 1}`);
  expect(upstream.count(PURGED)).toBe(fetched + 1);
  // Stored again, published again: natively answered.
  const served = edge.nativeFrontDoor!.served;
  const handed = edge.nativeFrontDoor!.handedOff;
  expect(await once(edge.url, 'GET', PURGED)).toContain(`#EXT-X-VERSION:${fetched + 1}`);
  await waitFor(() => edge.nativeFrontDoor!.served > served);
  expect(edge.nativeFrontDoor!.handedOff).toBe(handed);
});

test('a live playlist is refreshed in the background while the door serves it, each new version in the old one’s place at once', async () => {
  const handed = edge.nativeFrontDoor!.handedOff;
  const fetched = upstream.count(LIVE);
  // Each withdrawal the add-on is told of (the real one, watched): none for the playlist while
  // new versions replace old ones.
  const addon = (loadAddon(edge.edge.config) as { addon: { unpublish(door: unknown, key: string): boolean } }).addon;
  const unpublish = addon.unpublish;
  const withdrawn: string[] = [];
  addon.unpublish = (door, key) => {
    withdrawn.push(key);
    return unpublish(door, key);
  };
  const seen = new Set<string>();
  const deadline = Date.now() + 8000;
  // The live moves on upstream every 2 s.
  const mover = setInterval(() => (liveVersion = 7 + (Math.floor(Date.now() / 2000) % 30)), 50);
  // Sixteen players reloading back to back, each on its own connection: a moment without an
  // answer for the playlist (the old version withdrawn before the new one is in) would hand
  // their connections to node:http.
  const player = async () => {
    const client = new Client(edge.url);
    while (Date.now() < deadline && seen.size < 4) {
      client.send(head('GET', LIVE, client.port));
      const answer = await client.answer();
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      seen.add(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(answer)![1]!);
    }
    client.close();
  };
  await Promise.all(Array.from({ length: 16 }, player));
  clearInterval(mover);
  addon.unpublish = unpublish;
  expect(withdrawn.filter((key) => key === LIVE)).toEqual([]);
  expect(seen.size).toBeGreaterThanOrEqual(4);
  expect(upstream.count(LIVE) - fetched).toBeGreaterThanOrEqual(3);
  expect(edge.nativeFrontDoor!.handedOff).toBe(handed);
});

test('an LL-HLS blocking reload is answered by the door: the TVs asking it wait for one fetch, then a hit; one a newer playlist answers goes to node:http', async () => {
  const path = '/hls/live/agglo/v1/index.m3u8';
  // The origin's LL-HLS playlist up to part `last` of segment 10, holding a blocking reload 300 ms.
  const playlist = (last: number) =>
    [
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-PART-INF:PART-TARGET=0.5',
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.5',
      '#EXT-X-MEDIA-SEQUENCE:8',
      '#EXTINF:2.0,',
      '8.ts',
      '#EXTINF:2.0,',
      '9.ts',
      ...Array.from({ length: last + 1 }, (_, i) => `#EXT-X-PART:DURATION=0.5,URI="10.${i}.ts"`),
      '',
    ].join('\n');
  let blocking = 0;
  upstream.on(path, (req) => {
    const asked = new URL(req.url).searchParams;
    const headers = { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=4' };
    if (!asked.has('_HLS_msn')) return { headers, body: playlist(2) };
    blocking++;
    return { headers, body: playlist(Number(asked.get('_HLS_part'))), delay: new Promise((r) => setTimeout(r, 300)) };
  });
  await once(edge.url, 'GET', path); // the newest playlist: parts 10.0 to 10.2
  const handed = edge.nativeFrontDoor!.handedOff;
  const served = edge.nativeFrontDoor!.served;
  // Eight TVs ask for the next part, their directives in either order, with CMCD or without.
  const targets = [
    `${path}?_HLS_msn=10&_HLS_part=3`,
    `${path}?_HLS_part=3&_HLS_msn=10`,
    `${path}?CMCD=bl%3D1200%2Csid%3D%22tv-1%22&_HLS_msn=10&_HLS_part=3`,
    `${path}?_HLS_part=3&CMCD=sid%3D%22tv-2%22&_HLS_msn=10`,
  ];
  const tvs = Array.from({ length: 8 }, () => new Client(edge.url));
  for (const [i, tv] of tvs.entries()) tv.send(head('GET', targets[i % targets.length]!, tv.port));
  for (const tv of tvs)
    expect(await tv.answer()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*x-cache: COLLAPSED\r\n[\s\S]*URI="10\.3\.ts"\n$/);
  expect(blocking).toBe(1);
  // None left the door, and a ninth TV asking it now gets a hit there, on the same connection.
  expect(edge.nativeFrontDoor!.handedOff).toBe(handed);
  tvs[0]!.send(head('GET', targets[1]!, tvs[0]!.port));
  expect(await tvs[0]!.answer()).toMatch(/x-cache: HIT\r\n[\s\S]*URI="10\.3\.ts"\n$/);
  await waitFor(() => edge.nativeFrontDoor!.served >= served + 9);
  expect(edge.nativeFrontDoor!.handedOff).toBe(handed);
  // A TV behind asks for a part the newest playlist holds: node:http answers with that playlist
  // at once (no fetch), as the general path does.
  const late = tvs[1]!;
  late.send(head('GET', `${path}?_HLS_msn=10&_HLS_part=1`, late.port));
  expect(await late.answer()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*URI="10\.(2|3)\.ts"\n$/);
  expect(blocking).toBe(1);
  expect(edge.nativeFrontDoor!.handedOff).toBe(handed + 1);
  for (const tv of tvs) tv.close();
});

test('time-outs: a connection silent before its first request gets a 408, an idle one is closed', async () => {
  const silent = new Client(edge.url);
  const started = Date.now();
  await silent.ended();
  expect(silent.rest).toMatch(/^HTTP\/1\.1 408 /);
  expect(Date.now() - started).toBeLessThan(3000);
  const idle = new Client(edge.url);
  idle.send(head('GET', SEGMENT, idle.port));
  await idle.answer();
  const answered = Date.now();
  await idle.ended();
  expect(Date.now() - answered).toBeGreaterThanOrEqual(1000);
  expect(idle.rest).toBe('');
});

test('pipelined requests are answered in order, and a client that does not read is not read either', async () => {
  const client = new Client(edge.url);
  client.socket.pause();
  const port = client.port;
  client.send(
    head('GET', BIG, port) + head('HEAD', SEGMENT, port) + head('GET', SEGMENT, port) + head('GET', BIG, port),
  );
  await new Promise((r) => setTimeout(r, 300));
  client.socket.resume();
  const first = await client.answer();
  expect(first.length).toBeGreaterThan(BIG_BYTES);
  expect(first.endsWith('B'.repeat(100))).toBe(true);
  expect(await client.answer('HEAD')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*content-length: 5000\r\n/i);
  expect(await client.answer()).toContain('S7S7');
  expect((await client.answer()).length).toBeGreaterThan(BIG_BYTES);
  client.close();
});

test('a cached object is held once: the door writes the memory tier’s own bytes, not a copy of them', async () => {
  const served = edge.nativeFrontDoor!.served;
  expect(await once(edge.url, 'GET', HELD)).toMatch(/^HTTP\/1\.1 200 /); // the miss, stored and published
  const entry = [...edge.edge.context.store.entries()].find((e) => e.storageKey === HELD)!;
  expect(Buffer.from(entry.body).toString('latin1', 0, 10)).toBe('held once ');
  // A byte changed where the store keeps the body shows in the door's next answer: it holds no
  // bytes of its own (a copy doubled the memory a cached object takes).
  entry.body[0] = 'H'.charCodeAt(0);
  const answer = await once(edge.url, 'GET', HELD);
  expect(answer).toMatch(/^HTTP\/1\.1 200 [\s\S]*\r\nx-cache: HIT\r\n[\s\S]*\r\n\r\nHeld once held once /);
  await waitFor(() => edge.nativeFrontDoor!.served >= served + 2); // both answered by the door
});

test('a body withdrawn while a slow client is still being sent it is let go once it is sent', async () => {
  const door = edge.nativeFrontDoor!;
  expect(await once(edge.url, 'GET', SLOW)).toMatch(/^HTTP\/1\.1 200 /); // stored and published
  // The bodies of answers just written (the fill's, published again once no request waits for it)
  // are let go on an event of their own: counted once that has come.
  let held = -1;
  for (let seen = door.stats().heldBodies; seen !== held; seen = door.stats().heldBodies) {
    held = seen;
    await new Promise((r) => setTimeout(r, 200));
  }
  const client = new Client(edge.url);
  client.socket.pause();
  client.send(head('GET', SLOW, client.port));
  await new Promise((r) => setTimeout(r, 300)); // what the socket took is written; the rest waits
  const purge = await fetch(`${edge.url}/_edge/purge`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: JSON.stringify({ url: SLOW }),
  });
  expect(purge.status).toBe(200);
  // Withdrawn, but the door's thread still writes it: the body stays alive (no use after free).
  await new Promise((r) => setTimeout(r, 300));
  expect(door.stats().heldBodies).toBe(held);
  client.socket.resume();
  const answer = await client.answer();
  expect(answer.length).toBeGreaterThan(SLOW_BYTES);
  expect(answer.endsWith('C'.repeat(100))).toBe(true);
  client.close();
  // Written: the thread let it go last, and JavaScript dropped its reference on the event posted for it.
  await waitFor(() => door.stats().heldBodies === held - 1);
});

test('without its add-on, or on a test clock, the edge says so and the JavaScript door answers', async () => {
  const warned: Record<string, unknown>[] = [];
  const missing = await startEdgeNode(
    {
      port: 0,
      host: '127.0.0.1',
      upstreamUrl: upstream.url,
      nativeFrontDoor: true,
      nativeFrontDoorAddon: '/nonexistent/front-door.node',
    },
    { log: (line) => void warned.push(line as Record<string, unknown>) },
  );
  const clocked = await startEdgeNode(
    { port: 0, host: '127.0.0.1', upstreamUrl: upstream.url, nativeFrontDoor: true },
    { now: () => Date.now() / 1000, log: () => {} },
  );
  try {
    expect(loadAddon({ ...missing.edge.config })).toEqual({
      error: expect.stringContaining('/nonexistent/front-door.node'),
    });
    // The same process still loads the real add-on for an edge that finds it (one result per path).
    expect('addon' in loadAddon({ ...missing.edge.config, nativeFrontDoorAddon: '' })).toBe(true);
    for (const running of [missing, clocked]) {
      expect(running.nativeFrontDoor).toBeNull();
      expect(running.frontDoor).not.toBeNull();
      await once(running.url, 'GET', SEGMENT);
      expect(await once(running.url, 'GET', SEGMENT)).toMatch(
        /^HTTP\/1\.1 200 OK\r\n[\s\S]*x-cache: HIT\r\n[\s\S]*S7S7/i,
      );
      expect(running.fastPath!.served).toBeGreaterThan(0);
    }
    expect(warned.filter((l) => String(l.msg).startsWith('native front door unavailable'))).toEqual([
      expect.objectContaining({ level: 'warn', error: expect.stringContaining('/nonexistent/front-door.node') }),
    ]);
  } finally {
    await missing.close(1000);
    await clocked.close(1000);
  }
});

test('records come back once per nativeFrontDoorRecordMs: a request is counted within the period, not before', async () => {
  const slow = await startEdgeNode(
    { port: 0, host: '127.0.0.1', upstreamUrl: upstream.url, nativeFrontDoor: true, nativeFrontDoorRecordMs: 1500 },
    { log: () => {} },
  );
  try {
    await once(slow.url, 'GET', SEGMENT); // waits for its fill: published
    await waitFor(() => slow.nativeFrontDoor!.served === 1, 5000);
    const sent = Date.now();
    expect(await once(slow.url, 'GET', SEGMENT)).toMatch(/x-cache: HIT\r\n/);
    await new Promise((r) => setTimeout(r, 300));
    expect(slow.nativeFrontDoor!.served).toBe(1); // answered, not yet told
    await waitFor(() => slow.nativeFrontDoor!.served === 2, 5000);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(1000);
  } finally {
    await slow.close(1000);
  }
});

async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
