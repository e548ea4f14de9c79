// `BENCH=site npm run bench`: one site of three edge nodes (separate processes on 127.0.0.1, .2, .3)
// in front of a live origin, simulated viewers spread evenly over the nodes. Two configurations in
// the same run, the same viewers: the nodes sharing a 3-master Redis Cluster (the site), and the
// same three nodes each alone (the peer). What to read: upstream requests per segment (the site
// should make 1.00, the lone nodes 3.00) and what the sharing costs the viewers (segment TTFB,
// stalls, errors), as ratios between the two. Writes bench/results/site.json and prints a table.
// Env: BENCH_SITE_VIEWERS (10000), BENCH_SITE_SECONDS (30), BENCH_SITE_JOIN_SECONDS (10),
// BENCH_SITE_ORDER (site,alone).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedisCluster } from '../../tests/support/redis-cluster.ts';
import { startLiveOrigin } from './live-origin.ts';
import { simulateViewers, type ViewerSimResult } from '../edge/viewer-sim/simulate.ts';
import { freePort, ResourceMeter, startProcess, waitForHttp, type Started } from '../edge/processes.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const settings = {
  viewers: Number(process.env.BENCH_SITE_VIEWERS ?? 10_000),
  seconds: Number(process.env.BENCH_SITE_SECONDS ?? 30),
  joinSeconds: Number(process.env.BENCH_SITE_JOIN_SECONDS ?? 10),
  /** Which configuration runs first (a busy box drifts: swap them to see the order's effect). */
  order: (process.env.BENCH_SITE_ORDER ?? 'site,alone')
    .split(',')
    .filter((c): c is Row['config'] => ['site', 'alone'].includes(c)),
};
const IPS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];

interface Row {
  config: 'site' | 'alone';
  viewers: number;
  uniqueSegments: number;
  upstreamRequestsPerSegment: number;
  upstreamPlaylistRequestsPerSecond: number;
  segmentRequests: number;
  errors: number;
  segmentTtfbP50Ms: number;
  segmentTtfbP99Ms: number;
  stalls: number;
  playing: number;
  edgeCpuCores: number;
}

async function startNodes(
  upstreamUrl: string,
  clusterNodes: string[] | null,
): Promise<{ urls: string[]; nodes: Started[] }> {
  const nodes: Started[] = [];
  const urls: string[] = [];
  for (const ip of IPS) {
    const port = await freePort();
    const env: Record<string, string> = {
      EDGE_HOST: ip,
      EDGE_PORT: String(port),
      UPSTREAM_URL: upstreamUrl,
      EDGE_ACCESS_LOG: 'false',
      ...(clusterNodes
        ? { EDGE_REDIS_CLUSTER_NODES: clusterNodes.join(','), EDGE_PEER_LISTEN: `${ip}:0`, EDGE_PEER_TOKEN: 'bench' }
        : {}),
    };
    const node = startProcess(
      `edge ${ip}`,
      process.execPath,
      ['--import', 'tsx', path.join(root, 'edge-origin/src/bin/edge.node.ts')],
      env,
    );
    nodes.push(node);
    urls.push(`http://${ip}:${port}`);
    await waitForHttp(`http://${ip}:${port}/_edge/health/live`, 120_000, node);
  }
  return { urls, nodes };
}

async function measure(config: Row['config'], clusterNodes: string[] | null): Promise<Row> {
  const origin = await startLiveOrigin({ targetDurationS: 2, segmentBytes: 200_000, latencyMs: 30 });
  const { urls, nodes } = await startNodes(origin.baseUrl, clusterNodes);
  try {
    // Sharing is up before the clock starts (the nodes connect to the cluster in the background).
    if (clusterNodes) await new Promise((r) => setTimeout(r, 3000));
    origin.counts.clear();
    const meter = new ResourceMeter({ pids: () => nodes.flatMap((n) => n.pids()) });
    meter.start();
    const share = Math.floor(settings.viewers / urls.length);
    const sims: ViewerSimResult[] = await Promise.all(
      urls.map((baseUrl) =>
        simulateViewers({
          baseUrl,
          playlistPath: origin.playlistPath,
          viewers: share,
          durationMs: settings.seconds * 1000,
          joinSpreadMs: settings.joinSeconds * 1000,
          processes: 1,
        }),
      ),
    );
    const { cpuCores } = meter.stop();
    const segments = new Set(sims.flatMap((s) => [...s.uniqueSegments]));
    let upstreamSegments = 0;
    for (const p of segments) upstreamSegments += origin.counts.get(p) ?? 0;
    const sum = (f: (s: ViewerSimResult) => number) => sims.reduce((a, s) => a + f(s), 0);
    return {
      config,
      viewers: share * urls.length,
      uniqueSegments: segments.size,
      upstreamRequestsPerSegment: upstreamSegments / Math.max(1, segments.size),
      upstreamPlaylistRequestsPerSecond: (origin.counts.get(origin.playlistPath) ?? 0) / settings.seconds,
      segmentRequests: sum((s) => s.segmentRequests),
      errors: sum((s) => s.errors),
      // The worst node's percentiles (each node's viewers are measured apart).
      segmentTtfbP50Ms: Math.max(...sims.map((s) => s.segmentTtfbP50Ms)),
      segmentTtfbP99Ms: Math.max(...sims.map((s) => s.segmentTtfbP99Ms)),
      stalls: sum((s) => s.stalls),
      playing: sum((s) => s.playing),
      edgeCpuCores: cpuCores,
    };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await origin.close();
  }
}

const cluster = await startRedisCluster();
const rows: Row[] = [];
try {
  for (const config of settings.order) {
    const how = config === 'site' ? 'sharing a Redis Cluster' : 'each alone';
    console.log(`bench: site: ${settings.viewers} viewers over 3 nodes ${how}, ${settings.seconds}s…`);
    rows.push(await measure(config, config === 'site' ? cluster.nodes : null));
  }
} finally {
  await cluster.stop();
}
console.table(rows);
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(
  path.join(root, 'bench/results/site.json'),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), settings, rows }, null, 2)}\n`,
);
