// Edges on a Redis Cluster with a replica per master (the site's deployment, edge README): a
// master SIGKILLed, its replica promoted by the cluster. Meanwhile the edges share what the other
// masters hold and fetch the lost master's objects each alone; once the promotion is seen they
// share everything again, and a purge asked during the failover reaches every edge and the
// promoted master's copy. Real redis-server (six), edges and upstream on loopback.
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.ts';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';

const NODE_TIMEOUT_MS = 1000;
let upstream: TestUpstream;
let cluster: TestRedisCluster;
const edges: StartedEdge[] = [];
const logs: Record<string, unknown>[] = [];

async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
const sharing = async (e: StartedEdge) =>
  (await (await fetch(`${e.url}/_edge/health`, { headers: { authorization: 'Bearer tok' } })).json()).sharing as string;
const everyEdge = async (state: string) => (await Promise.all(edges.map(sharing))).every((s) => s === state);
const text = async (e: StartedEdge, p: string) => (await fetch(e.url + p)).text();

/** A path whose shared copy lives in the slots of master `i` (or, with `not`, of another). */
async function pathOn(i: number, name: string, not = false): Promise<string> {
  for (let j = 0; ; j++) {
    const p = `/hls/vod/${name}-${j}/v1/0.ts`;
    if (((await cluster.ownerOf(`edge:obj:{${p}}`)) === i) !== not) return p;
  }
}

beforeAll(async () => {
  upstream = await startUpstream();
  cluster = await startRedisCluster({ replicas: 1, nodeTimeoutMs: NODE_TIMEOUT_MS });
  for (let i = 0; i < 3; i++)
    edges.push(
      await startEdge(
        { upstreamUrl: upstream.url, redisClusterNodes: cluster.nodes, adminToken: 'tok' },
        { log: (l) => logs.push(l) },
      ),
    );
  expect(await waitFor(() => everyEdge('up'))).toBe(true);
}, 120_000);
afterAll(async () => {
  await Promise.all(edges.map((e) => e.close()));
  await cluster?.stop();
  await upstream?.close();
});

it('a master killed: its objects fetched alone until its replica is promoted, then everything shared again, purges included', async () => {
  const versioned = (p: string) =>
    upstream.on(p, (_req, k) => ({ headers: { 'cache-control': 'max-age=600' }, body: `${p} version-${k}` }));
  // Shared before the kill, then purged during the failover: its copy is on the lost master.
  const purged = await pathOn(1, 'purged');
  // Asked during the failover.
  const lost = await pathOn(1, 'lost');
  const kept = await pathOn(1, 'kept', true);
  const after = await pathOn(1, 'after');
  for (const p of [purged, lost, kept, after]) versioned(p);

  expect(await text(edges[0]!, purged)).toBe(`${purged} version-1`);
  expect(await waitFor(async () => (await fetch(edges[1]!.url + purged)).headers.get('x-cache') === 'HIT')).toBe(true);
  expect(upstream.count(purged)).toBe(1);

  await cluster.kill(1);
  const killedAt = Date.now();
  expect(await waitFor(() => everyEdge('partial'), 10_000)).toBe(true);

  // The lost master's object: each edge alone. Another master's: one fetch for the site.
  for (const e of edges) {
    expect(await text(e, lost)).toMatch(`${lost} version-`); // each its own fetch
    expect(await text(e, kept)).toBe(`${kept} version-1`);
  }
  expect(upstream.count(kept)).toBe(1);
  expect(upstream.count(lost)).toBeGreaterThanOrEqual(2); // no election: more than one edge went up

  // A purge asked now cannot reach the whole bus: edge 2 keeps it and does it again once it can.
  const purge = await fetch(`${edges[2]!.url}/_edge/purge`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok' },
    body: JSON.stringify({ url: purged }),
  });
  expect(purge.status).toBe(200);

  await cluster.failedOver(1);
  const promotedAt = Date.now();
  // The edges see the promotion on their own, within about a second of the cluster's.
  expect(await waitFor(() => everyEdge('up'), 10_000)).toBe(true);
  const seenAfterMs = Date.now() - promotedAt;
  expect(seenAfterMs).toBeLessThan(5000);
  console.log(
    `failover: promoted ${promotedAt - killedAt} ms after the kill, seen by every edge ${seenAfterMs} ms later`,
  );

  // The purge was replayed: no edge serves the purged copy any more (not from its own store, nor
  // from the promoted master's copy). Edge 2 may have fetched anew before its replay, the others
  // after it: one or two new fetches.
  const notPurged = async () =>
    (await Promise.all(edges.map((e) => text(e, purged)))).every((t) => !t.endsWith('version-1'));
  expect(await waitFor(notPurged, 10_000)).toBe(true);
  expect(upstream.count(purged)).toBeLessThanOrEqual(3);

  // The failed-over slots are shared again: one fetch for three edges.
  expect(await text(edges[0]!, after)).toBe(`${after} version-1`);
  for (const e of edges.slice(1))
    expect(await waitFor(async () => (await fetch(e.url + after)).headers.get('x-cache') === 'HIT')).toBe(true);
  expect(upstream.count(after)).toBe(1);
  // Each edge says so once it has seen it (its poll of the topology runs every 250 ms: the checks
  // above may finish before the last one).
  const sayReachable = () => logs.filter((l) => String(l.msg).startsWith('redis reachable again')).length;
  expect(await waitFor(() => sayReachable() === 3, 5000)).toBe(true);
}, 120_000);
