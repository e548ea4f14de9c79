// The native front door on several threads (config.nativeFrontDoorThreads): each thread its own
// socket on the port, the kernel sharing connections out, all answering from the process's one
// table. Held here on a real edge: connections land on every thread; an object asked on all of
// them at once is fetched once and answered on each; a purge or a new live playlist reaches every
// thread at once; every answer's record comes back, whichever thread gave it.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startEdgeNode, type RunningEdge } from '../../edge-origin/src/edge/node/start-edge-node.ts';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';
import { Client, head } from '../support/raw-http.ts';

const THREADS = 2;
const CONNECTIONS = 40; // all on one thread by chance: 2 × 2⁻⁴⁰
const LIVE = '/hls/live/culture/v1/index.m3u8';
const PURGED = '/hls/vod/concert/v1/index.m3u8';

let upstream: TestUpstream;
let edge: RunningEdge;
let clients: Client[] = [];
let liveVersion = 1;

beforeAll(async () => {
  upstream = await startUpstream();
  upstream.on(LIVE, () => ({
    headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=1' },
    body: `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:${liveVersion}\n#EXTINF:2.0,\n${liveVersion}.ts\n`,
  }));
  upstream.on(PURGED, (_req, n) => ({
    headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=600' },
    body: `#EXTM3U\n#EXT-X-VERSION:${n}\n#EXT-X-ENDLIST\n`,
  }));
  edge = await startEdgeNode({
    port: 0,
    host: '127.0.0.1',
    upstreamUrl: upstream.url,
    adminToken: 'tok',
    nativeFrontDoor: true,
    nativeFrontDoorThreads: THREADS,
  });
  expect(edge.nativeFrontDoor).not.toBeNull();
  clients = Array.from({ length: CONNECTIONS }, () => new Client(edge.url));
});

afterAll(async () => {
  for (const c of clients) c.close();
  await edge?.close(1000);
  await upstream?.close();
});

/** Every client asks `target` at once: their answers. */
function askAll(target: string): Promise<string[]> {
  for (const c of clients) c.send(head('GET', target, c.port));
  return Promise.all(clients.map((c) => c.answer()));
}

test('connections land on every thread; a new object asked on all of them at once is fetched once, answered on each', async () => {
  const upstreamUrl = '/hls/vod/concert/v1/1.ts';
  upstream.on(upstreamUrl, { headers: { 'cache-control': 'max-age=600' }, body: 'tutti' });
  const answers = await askAll(upstreamUrl);
  for (const a of answers)
    expect(a).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*x-cache: (COLLAPSED|HIT)\r\n[\s\S]*\r\n\r\ntutti$/);
  expect(upstream.count(upstreamUrl)).toBe(1);
  // None left the door: each thread waited for the one fill and answered its own connections.
  expect(edge.nativeFrontDoor!.handedOff).toBe(0);
  const { perThread, connections } = edge.nativeFrontDoor!.stats();
  expect(perThread).toHaveLength(THREADS);
  for (const held of perThread) expect(held).toBeGreaterThan(0);
  expect(connections).toBe(CONNECTIONS);
  // Every answer's record came back, whichever thread gave it.
  await waitFor(() => edge.nativeFrontDoor!.served === CONNECTIONS);
  // A hit, now, on every thread.
  for (const a of await askAll(upstreamUrl)) expect(a).toMatch(/x-cache: HIT\r\n[\s\S]*\r\n\r\ntutti$/);
  expect(upstream.count(upstreamUrl)).toBe(1);
});

test('a purge reaches every thread at once; a live playlist refreshed in the background, every thread’s answer', async () => {
  const first = await askAll(PURGED);
  const fetched = upstream.count(PURGED);
  for (const a of first) expect(a).toContain(`#EXT-X-VERSION:${fetched}`);
  const purge = await fetch(`${edge.url}/_edge/purge`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: JSON.stringify({ url: PURGED }),
  });
  expect(purge.status).toBe(200);
  const handed = edge.nativeFrontDoor!.handedOff; // (the purge itself goes to node:http)
  // No thread answers the purged version: the next requests wait for one new fetch.
  for (const a of await askAll(PURGED)) expect(a).toContain(`#EXT-X-VERSION:${fetched + 1}`);
  expect(upstream.count(PURGED)).toBe(fetched + 1);

  // The live playlist: once refreshed (in the background, as the door serves it), every thread
  // answers the new version.
  const sequence = (a: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)\n/.exec(a)?.[1]);
  const now = (await askAll(LIVE)).map(sequence);
  expect(new Set(now).size).toBe(1);
  liveVersion = now[0]! + 1;
  let answers = now;
  for (let i = 0; i < 50 && answers.some((n) => n !== liveVersion); i++) {
    await new Promise((r) => setTimeout(r, 100));
    answers = (await askAll(LIVE)).map(sequence);
  }
  expect(answers).toEqual(clients.map(() => liveVersion));
  expect(edge.nativeFrontDoor!.handedOff).toBe(handed);
});

async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
