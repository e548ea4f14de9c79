// Edges sharing one cache through a real 3-master Redis Cluster (EDGE_REDIS_CLUSTER_NODES): one
// upstream fetch per object whichever master owns it, purges seen by every edge, and edges that
// keep serving while a master is lost (its objects each alone, the others still shared), then
// share everything again once it is back. With replicas: redis-failover.test.ts.
import { createCluster } from 'redis';
import { startUpstream, gate, type TestUpstream } from '../support/upstream.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.ts';

let upstream: TestUpstream;
let cluster: TestRedisCluster;
const edges: StartedEdge[] = [];
const logs: Record<string, unknown>[] = [];
let n = 0;

async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
const sharing = async (e: StartedEdge) =>
  (await (await fetch(`${e.url}/_edge/health`, { headers: { authorization: 'Bearer tok' } })).json()).sharing as string;
const allSharing = async () => (await Promise.all(edges.map(sharing))).every((s) => s === 'up');

beforeAll(async () => {
  upstream = await startUpstream();
  cluster = await startRedisCluster();
  for (let i = 0; i < 3; i++) {
    edges.push(
      await startEdge(
        { upstreamUrl: upstream.url, redisClusterNodes: cluster.nodes, adminToken: 'tok' },
        { log: (l) => logs.push(l) },
      ),
    );
  }
  await waitFor(allSharing);
}, 120_000);
afterAll(async () => {
  await Promise.all(edges.map((e) => e.close()));
  await cluster?.stop();
  await upstream?.close();
});

it('fetches each of 30 segments once for three edges, the objects spread over the three masters', async () => {
  expect(await allSharing()).toBe(true);
  const release = gate();
  const base = `/hls/live/spread${++n}/`;
  const paths = Array.from({ length: 30 }, (_, i) => `${base}v1/${i}.ts`);
  for (const p of paths)
    upstream.on(p, {
      headers: { 'cache-control': 'max-age=600' },
      body: [`${p}:`, { wait: release.promise }, 'x'.repeat(20_000)],
    });
  // Every edge asks for every segment while the origin holds the bodies back.
  const answers = paths.flatMap((p) =>
    edges.map((e) => fetch(e.url + p).then(async (r) => ({ p, status: r.status, body: await r.text() }))),
  );
  await waitFor(() => paths.every((p) => upstream.count(p) >= 1));
  await new Promise((r) => setTimeout(r, 200)); // the other edges' requests reach their holder
  release.open();
  for (const a of await Promise.all(answers)) expect([a.status, a.body]).toEqual([200, `${a.p}:${'x'.repeat(20_000)}`]);
  expect(paths.map((p) => upstream.count(p))).toEqual(paths.map(() => 1));

  // The shared copies are on every master (hash slots spread them), each with its lease's slot.
  const client = createCluster({ rootNodes: cluster.nodes.map((node) => ({ url: `redis://${node}` })) });
  await client.connect();
  try {
    await waitFor(async () => {
      let found = 0;
      for (const master of client.masters) found += await (await client.nodeClient(master)).dbSize();
      return found >= 30;
    });
    const perMaster = [];
    for (const master of client.masters) {
      const node = await client.nodeClient(master);
      perMaster.push((await node.keys('edge:obj:{/hls/live/spread*')).length);
    }
    expect(perMaster.every((count) => count > 0)).toBe(true);
    expect(perMaster.reduce((a, b) => a + b, 0)).toBe(30);
  } finally {
    await client.close();
  }
}, 60_000);

it("shares the edges' upstream probes on the cluster: each sees the two others reach the upstream", async () => {
  // The site's readiness registry (workers/site-readiness.ts): one hash, one slot of the cluster.
  const site = async (e: StartedEdge) =>
    (
      (await (await fetch(`${e.url}/_edge/health`, { headers: { authorization: 'Bearer tok' } })).json()) as {
        readiness: { site: { registry: string; siblings: { ok: boolean }[] } };
      }
    ).readiness.site;
  const seen = async () => Promise.all(edges.map(site));
  await waitFor(async () => (await seen()).every((s) => s.siblings.filter((x) => x.ok).length === 2), 15_000);
  for (const view of await seen())
    expect(view).toMatchObject({ registry: 'up', siblings: [{ ok: true }, { ok: true }] });
}, 30_000);

it('propagates a purge by prefix to every edge and every master', async () => {
  const base = `/hls/vod/purge${++n}/`;
  const paths = Array.from({ length: 12 }, (_, i) => `${base}v1/${i}.ts`);
  for (const p of paths)
    upstream.on(p, (_req, k) => ({ headers: { 'cache-control': 'max-age=600' }, body: `${p} version-${k}` }));
  for (const p of paths) expect(await (await fetch(edges[0]!.url + p)).text()).toBe(`${p} version-1`);
  // The others take the shared copy.
  for (const e of edges.slice(1)) {
    for (const p of paths) {
      await waitFor(async () => (await fetch(e.url + p)).headers.get('x-cache') === 'HIT');
      expect(await (await fetch(e.url + p)).text()).toBe(`${p} version-1`);
    }
  }
  expect(paths.map((p) => upstream.count(p))).toEqual(paths.map(() => 1));
  const purged = await fetch(`${edges[1]!.url}/_edge/purge`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok' },
    body: JSON.stringify({ prefix: base }),
  });
  expect(purged.status).toBe(200);
  // Every edge now serves the origin's new version (one new fetch per object for the site).
  for (const e of [edges[2]!, edges[0]!])
    await waitFor(async () => (await (await fetch(e.url + paths[0]!)).text()) === `${paths[0]} version-2`);
  for (const e of edges) for (const p of paths) expect(await (await fetch(e.url + p)).text()).toBe(`${p} version-2`);
  expect(paths.map((p) => upstream.count(p))).toEqual(paths.map(() => 2));
}, 60_000);

it('keeps serving while a master is lost: its objects fetched by each edge alone, the others still shared', async () => {
  logs.length = 0;
  // Two objects: one in the slots of the master about to be lost, one in another master's.
  const lost: string[] = [];
  const kept: string[] = [];
  for (let j = 0; lost.length === 0 || kept.length === 0; j++) {
    const p = `/hls/vod/lost${++n}-${j}/v1/0.ts`;
    ((await cluster.ownerOf(`edge:obj:{${p}}`)) === 1 ? lost : kept).push(p);
  }
  const [p, k] = [lost[0]!, kept[0]!];
  // A third, tagged (Surrogate-Key), in a kept master's slots too: its copy would need its tag set
  // written where a purge by tag finds it, maybe in the lost master, so it is not shared meanwhile.
  let t = '';
  for (let j = 0; !t; j++) {
    const candidate = `/hls/vod/tagged${++n}-${j}/v1/0.ts`;
    if ((await cluster.ownerOf(`edge:obj:{${candidate}}`)) !== 1) t = candidate;
  }
  await cluster.kill(1);
  await waitFor(async () => (await Promise.all(edges.map(sharing))).every((s) => s === 'partial'));
  expect(await Promise.all(edges.map(sharing))).toEqual(['partial', 'partial', 'partial']);
  upstream.on(p, { headers: { 'cache-control': 'max-age=600' }, body: 'alone' });
  upstream.on(k, { headers: { 'cache-control': 'max-age=600' }, body: 'shared' });
  upstream.on(t, { headers: { 'cache-control': 'max-age=600', 'surrogate-key': 'match-7' }, body: 'tagged' });
  for (const e of edges) {
    const res = await fetch(e.url + p);
    expect([res.status, await res.text()]).toEqual([200, 'alone']);
    expect(await (await fetch(e.url + k)).text()).toBe('shared');
    expect(await (await fetch(e.url + t)).text()).toBe('tagged');
  }
  expect(upstream.count(p)).toBe(3); // its master lost: each edge fetched once, for itself
  expect(upstream.count(k)).toBe(1); // the rest of the cluster still elects one fetcher for the site
  expect(upstream.count(t)).toBe(3); // tagged: kept by each edge for itself until the whole bus is back
  expect(logs.filter((l) => String(l.msg).startsWith('redis unreachable')).length).toBe(3); // once per edge

  await cluster.restart(1);
  await waitFor(allSharing, 60_000);
  expect(await allSharing()).toBe(true);
  const q = `/hls/vod/back${++n}/v1/0.ts`;
  upstream.on(q, { headers: { 'cache-control': 'max-age=600' }, body: 'shared-again' });
  expect(await (await fetch(edges[0]!.url + q)).text()).toBe('shared-again');
  for (const e of edges.slice(1)) await waitFor(async () => (await fetch(e.url + q)).headers.get('x-cache') === 'HIT');
  expect(upstream.count(q)).toBe(1);
  // Tagged copies shared again, and a purge by their tag reaches every edge.
  const tq = `/hls/vod/tagged-back${++n}/v1/0.ts`;
  upstream.on(tq, (_req, version) => ({
    headers: { 'cache-control': 'max-age=600', 'surrogate-key': 'match-8' },
    body: `tagged-v${version}`,
  }));
  expect(await (await fetch(edges[0]!.url + tq)).text()).toBe('tagged-v1');
  for (const e of edges.slice(1)) await waitFor(async () => (await fetch(e.url + tq)).headers.get('x-cache') === 'HIT');
  expect(upstream.count(tq)).toBe(1);
  const purged = await fetch(`${edges[2]!.url}/_edge/purge`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok' },
    body: JSON.stringify({ tag: 'match-8' }),
  });
  expect(purged.status).toBe(200);
  for (const e of edges) await waitFor(async () => (await (await fetch(e.url + tq)).text()) === 'tagged-v2');
  for (const e of edges) expect(await (await fetch(e.url + tq)).text()).toBe('tagged-v2');
  expect(upstream.count(tq)).toBe(2); // one new fetch for the site after the purge
}, 120_000);
