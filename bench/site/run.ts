// `BENCH=site npm run bench`: one site of three edge nodes (separate processes on 127.0.0.1, .2, .3)
// in front of a live origin, simulated viewers spread evenly over the nodes. Two configurations in
// the same run, the same viewers: the nodes sharing a 3-master Redis Cluster (the site), and the
// same three nodes each alone (the peer). What to read: upstream requests per segment (the site
// should make 1.00, the lone nodes 3.00) and what the sharing costs the viewers (segment TTFB,
// stalls, errors), as ratios between the two. A third configuration, the site losing a node and
// a Redis master mid-run (failure.ts): the viewers hold the site's three addresses and move to
// another when theirs stops answering. Writes bench/results/site.json and prints the tables.
// Env: BENCH_SITE_VIEWERS (10000), BENCH_SITE_SECONDS (30), BENCH_SITE_JOIN_SECONDS (10),
// BENCH_SITE_ORDER (site,alone,site-failure), BENCH_SITE_KILL_AT_S (half of the run),
// BENCH_RESULTS_NAME (site: the file's name under bench/results/).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedisCluster, type TestRedisCluster } from '../../tests/support/redis-cluster.ts';
import { startLiveOrigin } from './live-origin.ts';
import { simulateViewers, type ViewerSimResult } from '../edge/viewer-sim/simulate.ts';
import { freePort, ResourceMeter, startProcess, waitForHttp, type Started } from '../edge/processes.ts';
import { type Failure, type FailureFigures, failureFigures, injectFailure } from './failure.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const settings = {
  viewers: Number(process.env.BENCH_SITE_VIEWERS ?? 10_000),
  seconds: Number(process.env.BENCH_SITE_SECONDS ?? 30),
  joinSeconds: Number(process.env.BENCH_SITE_JOIN_SECONDS ?? 10),
  /** `site-failure`: seconds into the run at which a node and a Redis master are killed. */
  killAtS: Number(process.env.BENCH_SITE_KILL_AT_S ?? Number(process.env.BENCH_SITE_SECONDS ?? 30) / 2),
  /** Which configuration runs first (a busy box drifts: swap them to see the order's effect). */
  order: (process.env.BENCH_SITE_ORDER ?? 'site,alone,site-failure')
    .split(',')
    .filter((c): c is Row['config'] => ['site', 'alone', 'site-failure'].includes(c)),
};
if (settings.order.includes('site-failure') && !(settings.killAtS > 0 && settings.killAtS < settings.seconds))
  throw new Error('bench: site: BENCH_SITE_KILL_AT_S must fall inside the run');
const IPS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
const TARGET_DURATION_S = 2;
/** `site-failure`: the viewers' generators load before a clock they share (the kill is timed on it). */
const GENERATORS_LOAD_MS = 10_000;
const ADMIN_TOKEN = 'bench';

interface Row {
  config: 'site' | 'alone' | 'site-failure';
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
  /** `site-failure` only. */
  failure?: FailureFigures;
}

async function startNodes(
  upstreamUrl: string,
  clusterNodes: string[] | null,
  admin: boolean,
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
      // The failure run reads each node's sharing state (/_edge/health) after the kill.
      ...(admin ? { EDGE_ADMIN_TOKEN: ADMIN_TOKEN } : {}),
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

async function measure(config: Row['config'], cluster: TestRedisCluster | null): Promise<Row> {
  const failing = config === 'site-failure';
  const origin = await startLiveOrigin({ targetDurationS: TARGET_DURATION_S, segmentBytes: 200_000, latencyMs: 30 });
  const { urls, nodes } = await startNodes(origin.baseUrl, cluster?.nodes ?? null, failing);
  let failure: Failure | undefined;
  try {
    // Sharing is up before the clock starts (the nodes connect to the cluster in the background).
    if (cluster) await new Promise((r) => setTimeout(r, 3000));
    origin.counts.clear();
    const startAtEpochMs = failing ? Date.now() + GENERATORS_LOAD_MS : undefined;
    if (failing && cluster && startAtEpochMs !== undefined) {
      failure = injectFailure({
        atEpochMs: startAtEpochMs + settings.killAtS * 1000,
        nodes,
        cluster,
        origin,
      });
    }
    const meter = new ResourceMeter({ pids: () => nodes.flatMap((n) => (failure?.isDead(n) ? [] : n.pids())) });
    let meteredFrom = performance.now();
    const startMeter = () => {
      meteredFrom = performance.now();
      meter.start();
    };
    // On the shared clock when there is one (not the generators' loading).
    if (startAtEpochMs === undefined) startMeter();
    else setTimeout(startMeter, startAtEpochMs - Date.now());
    const share = Math.floor(settings.viewers / urls.length);
    const end = settings.seconds * 1000;
    const window = 2 * TARGET_DURATION_S * 1000;
    const sims: ViewerSimResult[] = await Promise.all(
      urls.map((baseUrl, i) =>
        simulateViewers({
          baseUrl,
          playlistPath: origin.playlistPath,
          viewers: share,
          durationMs: settings.seconds * 1000,
          joinSpreadMs: settings.joinSeconds * 1000,
          processes: 1,
          ...(failing
            ? {
                startAtEpochMs,
                // The site's other addresses, as a TV resolving the site's name would hold them.
                fallbackBaseUrls: urls.filter((_, k) => k !== i),
                // Viewers receiving media just before the kill, and just before the end.
                watchingWindowsMs: [
                  [settings.killAtS * 1000 - window, settings.killAtS * 1000],
                  [end - window, end],
                ] as [number, number][],
              }
            : {}),
        }),
      ),
    );
    const { cpuCores } = meter.stop();
    const seconds = (performance.now() - meteredFrom) / 1000;
    const segments = new Set(sims.flatMap((s) => [...s.uniqueSegments]));
    let upstreamSegments = 0;
    for (const p of segments) upstreamSegments += origin.counts.get(p) ?? 0;
    const sum = (f: (s: ViewerSimResult) => number) => sims.reduce((a, s) => a + f(s), 0);
    const kill = failure ? await failure.done : undefined;
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
      // The killed node's CPU up to its death counts too (its pids are gone from the meter).
      edgeCpuCores: cpuCores + (kill ? kill.deadCpuSeconds / seconds : 0),
      ...(kill
        ? {
            failure: await failureFigures({
              kill,
              sims,
              segments,
              origin,
              urls,
              clusterNodes: cluster?.nodes ?? [],
              adminToken: ADMIN_TOKEN,
              killAtS: settings.killAtS,
              targetDurationS: TARGET_DURATION_S,
            }),
          }
        : {}),
    };
  } finally {
    failure?.cancel();
    await Promise.all(nodes.filter((n) => !failure?.isDead(n)).map((n) => n.stop()));
    await origin.close();
    // The cluster whole again for whatever configuration comes next.
    if (failure?.masterKilled() && cluster) await cluster.restart(failure.master);
  }
}

// A replica per master, as a site runs it (edge README): a lost master's slots fail over.
const cluster = await startRedisCluster({ replicas: 1 });
const rows: Row[] = [];
try {
  for (const config of settings.order) {
    const how = {
      site: 'sharing a Redis Cluster',
      alone: 'each alone',
      'site-failure': `sharing a Redis Cluster, a node and a master killed at ${settings.killAtS}s`,
    }[config];
    console.log(`bench: site: ${settings.viewers} viewers over 3 nodes ${how}, ${settings.seconds}s…`);
    rows.push(await measure(config, config === 'alone' ? null : cluster));
  }
} finally {
  await cluster.stop();
}
console.table(rows.map(({ failure, ...row }) => row));
for (const { failure } of rows) {
  if (failure)
    console.table({
      ...failure,
      errorsByStatus: JSON.stringify(failure.errorsByStatus),
      sharingAtEnd: failure.sharingAtEnd.join(' '),
    });
}
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(
  path.join(root, `bench/results/${process.env.BENCH_RESULTS_NAME ?? 'site'}.json`),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), settings, rows }, null, 2)}\n`,
);
