// One site: three edge nodes, separate processes on 127.0.0.1, 127.0.0.2 and 127.0.0.3 (the real
// entry point, bin/edge.node.ts), sharing a real 3-master Redis Cluster, in front of a counting
// origin. What an ISP would observe: one upstream request per object for the whole site, viewers
// on one node streaming from the node fetching (across addresses, its peer door closed to anyone
// without the site's token), purges everywhere, a node killed with SIGKILL costing at most one
// more fetch per object it held, a Redis master lost: every node serves alone until it is back.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createCluster } from 'redis';
import { ROOT } from '../support/built.ts';
import { startUpstream, gate, type TestUpstream } from '../support/upstream.ts';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.ts';

const TOKEN = 'site-secret-for-tests';
let upstream: TestUpstream;
let cluster: TestRedisCluster;
let redis: ReturnType<typeof createCluster>;

interface Node {
  ip: string;
  url: string;
  child: ChildProcess;
  output(): string;
}
const nodes: Node[] = [];

async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await cond()) return true;
    } catch {
      // a node not answering yet: try again
    }
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startNode(ip: string): Promise<Node> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'edge-origin/src/bin/edge.node.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      EDGE_HOST: ip,
      EDGE_PORT: '0',
      UPSTREAM_URL: upstream.url,
      EDGE_REDIS_CLUSTER_NODES: cluster.nodes.join(','),
      EDGE_PEER_LISTEN: `${ip}:0`,
      EDGE_PEER_TOKEN: TOKEN,
      EDGE_ADMIN_TOKEN: 'tok',
      EDGE_ACCESS_LOG: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const listening = await waitFor(() => /listening on (http:\/\/\S+)/.test(text) || child.exitCode !== null, 60_000);
  const match = /listening on (http:\/\/\S+)/.exec(text);
  if (!listening || !match) {
    child.kill('SIGKILL');
    throw new Error(`edge on ${ip} did not start:\n${text}`);
  }
  return { ip, url: match[1]!, child, output: () => text };
}

const sharing = async (node: Node) =>
  (await (await fetch(`${node.url}/_edge/health`, { headers: { authorization: 'Bearer tok' } })).json())
    .sharing as string;
const alive = () => nodes.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
const allSharing = async () => (await Promise.all(alive().map(sharing))).every((s) => s === 'up');
/** The peer URL holding an object's lease now ('' when none). */
const holder = async (p: string) => (await redis.get(`edge:lock:{${p}}`)) ?? '';
const upstreamRequests = (url: string) => upstream.requests.filter((r) => r.url === url).length;

beforeAll(async () => {
  upstream = await startUpstream();
  cluster = await startRedisCluster();
  redis = createCluster({ rootNodes: cluster.nodes.map((node) => ({ url: `redis://${node}` })) });
  await redis.connect();
  for (const ip of ['127.0.0.1', '127.0.0.2', '127.0.0.3']) nodes.push(await startNode(ip));
  await waitFor(allSharing);
}, 180_000);

afterAll(async () => {
  for (const node of nodes) {
    if (node.child.exitCode !== null || node.child.signalCode !== null) continue;
    const exited = new Promise((r) => node.child.once('exit', r));
    node.child.kill('SIGTERM');
    await exited;
  }
  await redis?.close();
  await cluster?.stop();
  await upstream?.close();
}, 60_000);

it('starts three nodes on three addresses, sharing through the cluster', async () => {
  expect(nodes.map((node) => new URL(node.url).hostname)).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
  expect(await Promise.all(nodes.map(sharing))).toEqual(['up', 'up', 'up']);
});

it('has viewers on the other nodes stream from the node fetching, across addresses; its peer door wants the token', async () => {
  const [a, b, c] = nodes as [Node, Node, Node];
  const p = '/hls/vod/across/v1/0.ts';
  const release = gate();
  const half = 'a'.repeat(64 * 1024);
  const rest = 'b'.repeat(64 * 1024);
  upstream.on(p, { headers: { 'cache-control': 'max-age=600' }, body: [half, { wait: release.promise }, rest] });
  const readFirstHalf = async (node: Node) => {
    const res = await fetch(node.url + p);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (text.length < half.length) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return { reader, decoder, text };
  };
  const onB = await readFirstHalf(b); // B fetches from the origin
  const owner = await holder(p);
  expect(new URL(owner).hostname).toBe('127.0.0.2');
  // A and C have the first half while the origin still holds the rest: they stream from B.
  const others = [await readFirstHalf(a), await readFirstHalf(c)];
  expect(others.map((o) => o.text)).toEqual([half, half]);
  expect(upstream.count(p)).toBe(1);

  // B's peer door: nothing without the site's token, even for an object it is fetching.
  expect((await fetch(owner + p)).status).toBe(403);
  expect((await fetch(owner + p, { headers: { 'x-edge-peer-token': 'guess' } })).status).toBe(403);

  release.open();
  for (const side of [onB, ...others]) {
    for (;;) {
      const { done, value } = await side.reader.read();
      if (done) break;
      side.text += side.decoder.decode(value, { stream: true });
    }
    expect(side.text).toBe(half + rest);
  }
  expect(upstream.count(p)).toBe(1);

  // B's figures: its one viewer in the viewers' counter, A and C (siblings, not viewers) apart.
  const total = async (node: Node, name: string, labels: string) => {
    const text = await (await fetch(`${node.url}/_edge/metrics`, { headers: { authorization: 'Bearer tok' } })).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };
  expect(await total(b, 'edge_sibling_requests_total', 'status="200"')).toBe(2);
  expect(await total(b, 'edge_requests_total', 'status="200"')).toBe(1);
}, 60_000);

it('fetches every segment and every blocking playlist reload once for the site, 30 viewers over 3 nodes', async () => {
  const base = '/hls/live/site/v1';
  let published = 2;
  const waiting: (() => void)[] = [];
  const playlist = () => {
    let text = '#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n';
    text += '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n';
    for (let i = 0; i <= published; i++) text += `#EXTINF:4.0,\nseg-${i}.ts\n`;
    return text;
  };
  const segmentBody = (i: number) => `segment-${i}-`.repeat(3000);
  const publish = (i: number) =>
    upstream.on(`${base}/seg-${i}.ts`, {
      headers: { 'cache-control': 'max-age=60', 'content-type': 'video/mp2t' },
      delay: new Promise((r) => setTimeout(r, 30)),
      body: segmentBody(i),
    });
  for (let i = 0; i <= published; i++) publish(i);
  // The origin holds a blocking reload until the asked-for segment exists (RFC 8216bis §6.2.5.2).
  upstream.on(`${base}/index.m3u8`, async (req) => {
    const msn = Number(new URL(req.url).searchParams.get('_HLS_msn') ?? -1);
    while (msn > published) await new Promise<void>((r) => waiting.push(r));
    return {
      headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=2' },
      body: playlist(),
    };
  });

  const last = 8;
  const viewer = async (node: Node) => {
    let text = await (await fetch(`${node.url}${base}/index.m3u8`)).text();
    let have = -1;
    for (;;) {
      const listed = [...text.matchAll(/seg-(\d+)\.ts/g)].map((m) => Number(m[1]));
      for (const i of listed.filter((i) => i > have)) {
        expect(await (await fetch(`${node.url}${base}/seg-${i}.ts`)).text()).toBe(segmentBody(i));
        have = i;
      }
      if (have >= last) return;
      text = await (await fetch(`${node.url}${base}/index.m3u8?_HLS_msn=${have + 1}`)).text();
    }
  };
  const viewers = Array.from({ length: 30 }, (_, k) => viewer(nodes[k % 3]!));
  // The encoder: a new segment each time every node has viewers waiting for it.
  while (published < last) {
    const next = published + 1;
    await waitFor(() => upstreamRequests(`${base}/index.m3u8?_HLS_msn=${next}`) >= 1);
    await new Promise((r) => setTimeout(r, 150)); // the other nodes' viewers ask too
    publish(next);
    published = next;
    for (const wake of waiting.splice(0)) wake();
  }
  await Promise.all(viewers);

  const segments = Array.from({ length: last + 1 }, (_, i) => upstream.count(`${base}/seg-${i}.ts`));
  expect(segments).toEqual(segments.map(() => 1));
  const reloads = Array.from({ length: last - 2 }, (_, k) => upstreamRequests(`${base}/index.m3u8?_HLS_msn=${k + 3}`));
  expect(reloads).toEqual(reloads.map(() => 1));
}, 120_000);

it('purges on every node what one node was asked to purge', async () => {
  const p = '/hls/vod/purged/v1/0.ts';
  upstream.on(p, (_req, k) => ({ headers: { 'cache-control': 'max-age=600' }, body: `version-${k}` }));
  for (const node of nodes) expect(await (await fetch(node.url + p)).text()).toBe('version-1');
  expect(upstream.count(p)).toBe(1);
  const purged = await fetch(`${nodes[1]!.url}/_edge/purge`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok' },
    body: JSON.stringify({ url: p }),
  });
  expect(purged.status).toBe(200);
  for (const node of nodes) {
    expect(await waitFor(async () => (await (await fetch(node.url + p)).text()) === 'version-2')).toBe(true);
  }
  expect(upstream.count(p)).toBe(2);
}, 60_000);

it('survives a node killed with SIGKILL mid-fetch: the others serve, what it held is fetched once more', async () => {
  const [a, b, c] = nodes as [Node, Node, Node];
  // Fetched by C before its death: its shared copy outlives it.
  const kept = '/hls/vod/kill/v1/kept.ts';
  upstream.on(kept, { headers: { 'cache-control': 'max-age=600' }, body: 'kept' });
  expect(await (await fetch(c.url + kept)).text()).toBe('kept');
  // In flight at C when it dies: the origin never finishes C's copy.
  const p = '/hls/vod/kill/v1/held.ts';
  const never = gate();
  const body = 'z'.repeat(64 * 1024);
  upstream.on(p, (_req, k) =>
    k === 1
      ? { headers: { 'cache-control': 'max-age=600' }, body: [body.slice(0, 1000), { wait: never.promise }] }
      : { headers: { 'cache-control': 'max-age=600' }, body },
  );
  const first = await fetch(c.url + p);
  expect(new URL(await holder(p)).hostname).toBe('127.0.0.3');
  // Viewers on A and B join C's fetch, then C dies.
  const joined = [a, b, a, b].map((node) =>
    fetch(node.url + p)
      .then((r) => r.text())
      .catch(() => 'cut'),
  );
  await new Promise((r) => setTimeout(r, 300));
  c.child.kill('SIGKILL');
  await new Promise((r) => c.child.once('exit', r));
  void first.body?.cancel().catch(() => {});
  await Promise.all(joined); // cut short with C: their players ask again

  // They ask again on the nodes left: one of them takes C's lease over and fetches, once.
  const again = await Promise.all([a, b, a, b, a, b].map((node) => fetch(node.url + p).then((r) => r.text())));
  expect(again.every((text) => text === body)).toBe(true);
  expect(upstream.count(p)).toBe(2);
  // C's shared copy is still the site's.
  for (const node of [a, b]) expect(await (await fetch(node.url + kept)).text()).toBe('kept');
  expect(upstream.count(kept)).toBe(1);
}, 60_000);

it('keeps serving while a Redis master is lost (its objects each node alone, the rest shared), and shares again once it is back', async () => {
  const [a, b] = alive() as [Node, Node];
  let p = '';
  for (let j = 0; !p; j++) {
    const candidate = `/hls/vod/redis-lost-${j}/v1/0.ts`;
    if ((await cluster.ownerOf(`edge:obj:{${candidate}}`)) === 2) p = candidate;
  }
  await cluster.kill(2);
  expect(await waitFor(async () => (await Promise.all([a, b].map(sharing))).every((s) => s === 'partial'))).toBe(true);
  upstream.on(p, { headers: { 'cache-control': 'max-age=600' }, body: 'alone' });
  for (const node of [a, b, a, b]) {
    const res = await fetch(node.url + p);
    expect([res.status, await res.text()]).toEqual([200, 'alone']);
  }
  expect(upstream.count(p)).toBe(2); // its master lost: each node fetched once, for itself

  await cluster.restart(2);
  expect(await waitFor(allSharing, 60_000)).toBe(true);
  const q = '/hls/vod/redis-back/v1/0.ts';
  upstream.on(q, { headers: { 'cache-control': 'max-age=600' }, body: 'shared-again' });
  expect(await (await fetch(a.url + q)).text()).toBe('shared-again');
  expect(await waitFor(async () => (await fetch(b.url + q)).headers.get('x-cache') === 'HIT')).toBe(true);
  expect(upstream.count(q)).toBe(1);
}, 120_000);
