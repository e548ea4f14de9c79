// `npm run bench` (edge part): our edge and nginx, side by side in ONE run, in front of the same
// origin (with 50 ms of added latency), measured the same way. Writes bench/results/edge.json and
// bench/results/edge.svg (BENCH_RESULTS_NAME=other: other.json…) and prints a table. Ratios are what to read: absolute
// numbers on a 2-core box where the load generator shares the CPU say little on their own.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startProcess, waitForHttp, ResourceMeter, MachineMeter, sleep, freePort, type Started } from './processes.ts';
import { startBenchUpstream, BIG_SEGMENT_PATH, type BenchUpstream } from './bench-upstream.ts';
import { ensureNginx, startNginx } from './nginx.ts';
import { runWrk, type HitThroughput } from './wrk.ts';
import { simulateViewers } from './viewer-sim/simulate.ts';
import { renderChart } from './chart.ts';
import { runStorm, type StormResult } from './storm.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// What ships: the built bundles run by node alone (scripts/build-server.mjs, made at the start).
const dist = (name: string) => path.join(root, `edge-origin/dist/${name}.mjs`);

const settings = {
  originLatencyMs: Number(process.env.BENCH_ORIGIN_LATENCY_MS ?? 50),
  wrkSeconds: Number(process.env.BENCH_WRK_SECONDS ?? 10),
  wrkConnections: Number(process.env.BENCH_WRK_CONNECTIONS ?? 64),
  viewerCounts: (process.env.BENCH_VIEWERS ?? '1000,5000,10000').split(',').map(Number),
  viewerSeconds: Number(process.env.BENCH_VIEWER_SECONDS ?? 30),
  /**
   * Before each measured period, the same audience for this long, not measured, on the same
   * server: a server's steady state is what a site lives with. A fresh Node edge's CPU per request
   * falls for minutes (JIT tiers, heap sizing: README, Benchmarks); nginx's does not. 0: measure cold.
   */
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 60),
  /**
   * Viewers join at random over the first seconds of the period (an audience arriving: 10,000
   * in 10 s is already a flash crowd); stalls are reported in total and after that join rush.
   */
  viewerJoinSeconds: Number(process.env.BENCH_VIEWER_JOIN_SECONDS ?? 10),
  /** Load-generator processes for the viewer simulation (0: one per core). */
  simulatorProcesses: Number(process.env.BENCH_SIM_PROCESSES ?? 0),
  /**
   * Edge worker processes (>1: they share fetches through a Redis the bench starts). Default 1:
   * on a 2-core box the load generator needs the other core (README, Benchmarks: 2 workers did worse).
   */
  edgeWorkers: Number(process.env.BENCH_EDGE_WORKERS ?? 1),
  stormClients: Number(process.env.BENCH_STORM_CLIENTS ?? 200),
  stormRounds: Number(process.env.BENCH_STORM_ROUNDS ?? 3),
  /** Base name of the result files (a trial run can keep the reference results intact). */
  resultsName: process.env.BENCH_RESULTS_NAME ?? 'edge',
  channel: 'sport',
  rendition: 'v240',
  ports: { origin: 0, edge: 0, nginx: 0 },
};

type Cache = 'edge' | 'nginx';

let redisUrl = '';

function startCache(which: Cache, upstreamUrl: string): Started {
  if (which === 'nginx') return startNginx(ensureNginx(), settings.ports.nginx, upstreamUrl, 1);
  // With V8's flags as deploy/ runs it (the systemd unit, the Dockerfile; workers get them from bin/edge.node.ts).
  return startProcess('edge', process.execPath, ['--no-memory-reducer', dist('edge')], {
    EDGE_PORT: String(settings.ports.edge),
    UPSTREAM_URL: upstreamUrl,
    EDGE_ACCESS_LOG: 'false',
    EDGE_WORKERS: String(settings.edgeWorkers),
    ...(redisUrl ? { EDGE_REDIS_URL: redisUrl } : {}),
  });
}

/** The Redis the edge's workers share (flushed between runs so every run starts cold). */
async function startRedis(): Promise<Started & { flush(): Promise<void> }> {
  const port = await freePort();
  const server = startProcess('redis', 'redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  redisUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') break;
    await sleep(100);
  }
  return { ...server, flush: async () => void spawnSync('redis-cli', ['-p', String(port), 'flushall']) };
}

const cacheUrl = (which: Cache) => `http://127.0.0.1:${which === 'edge' ? settings.ports.edge : settings.ports.nginx}`;

let redis: Awaited<ReturnType<typeof startRedis>> | undefined;

async function withCache<T>(which: Cache, upstream: BenchUpstream, fn: (server: Started) => Promise<T>): Promise<T> {
  await redis?.flush();
  const server = startCache(which, upstream.url);
  try {
    await waitForHttp(`${cacheUrl(which)}/api/v1/channels`, 120_000, server);
    return await fn(server);
  } finally {
    await server.stop();
  }
}

async function main() {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  settings.ports = { origin: await freePort(), edge: await freePort(), nginx: await freePort() };
  console.log('bench: starting the origin (makes the demo media on first run)…');
  const built = spawnSync(process.execPath, [path.join(root, 'scripts/build-server.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('bench: npm run build (scripts/build-server.mjs) failed');
  const origin = startProcess('origin', process.execPath, [dist('origin')], {
    ORIGIN_PORT: String(settings.ports.origin),
  });
  const upstream = await (async () => {
    await waitForHttp(`http://127.0.0.1:${settings.ports.origin}/api/v1/channels`, 600_000, origin);
    return startBenchUpstream(`http://127.0.0.1:${settings.ports.origin}`, settings.originLatencyMs);
  })();
  const mediaPlaylist = `/hls/live/${settings.channel}/${settings.rendition}/index.m3u8`;
  if (settings.edgeWorkers > 1) redis = await startRedis();

  const hits: Record<Cache, { segment: HitThroughput; playlist: HitThroughput }> = {} as never;
  const storms: Record<Cache, StormResult> = {} as never;
  const viewers: Record<Cache, Record<string, unknown>[]> = { edge: [], nginx: [] };
  try {
    for (const which of ['edge', 'nginx'] as Cache[]) {
      await withCache(which, upstream, async () => {
        for (const p of [BIG_SEGMENT_PATH, mediaPlaylist]) await (await fetch(cacheUrl(which) + p)).arrayBuffer();
        console.log(`bench: ${which}: cached-hit throughput (wrk, ${settings.wrkSeconds}s each)…`);
        hits[which] = {
          segment: await runWrk(cacheUrl(which) + BIG_SEGMENT_PATH, settings.wrkSeconds, settings.wrkConnections),
          playlist: await runWrk(cacheUrl(which) + mediaPlaylist, settings.wrkSeconds, settings.wrkConnections),
        };
        console.log(`bench: ${which}: new-segment storm (${settings.stormClients} viewers at once)…`);
        storms[which] = await runStorm(cacheUrl(which), upstream, which, settings.stormClients, settings.stormRounds);
      });
    }
    for (const n of settings.viewerCounts) {
      for (const which of ['edge', 'nginx'] as Cache[]) {
        await withCache(which, upstream, async (server) => {
          // Counted from here: a segment of the measured period may have been fetched while warming up.
          upstream.reset();
          if (settings.warmupSeconds > 0) {
            console.log(`bench: ${which}: ${n} viewers for ${settings.warmupSeconds}s to warm up (not measured)…`);
            await simulateViewers({
              baseUrl: cacheUrl(which),
              playlistPath: mediaPlaylist,
              viewers: n,
              durationMs: settings.warmupSeconds * 1000,
              joinSpreadMs: Math.min(settings.viewerJoinSeconds, settings.warmupSeconds) * 1000,
              ...(settings.simulatorProcesses > 0 ? { processes: settings.simulatorProcesses } : {}),
            });
          }
          console.log(`bench: ${which}: ${n} viewers for ${settings.viewerSeconds}s…`);
          const meter = new ResourceMeter(server);
          const originMeter = new ResourceMeter(origin);
          const machine = new MachineMeter();
          const parentCpu0 = process.cpuUsage();
          const t0 = performance.now();
          meter.start();
          originMeter.start();
          const sim = await simulateViewers({
            baseUrl: cacheUrl(which),
            playlistPath: mediaPlaylist,
            viewers: n,
            durationMs: settings.viewerSeconds * 1000,
            joinSpreadMs: settings.viewerJoinSeconds * 1000,
            ...(settings.simulatorProcesses > 0 ? { processes: settings.simulatorProcesses } : {}),
          });
          const resources = meter.stop();
          const originCores = originMeter.stop().cpuCores;
          const { busyCores: machineBusyCores, listenOverflows } = machine.stop();
          const parentCpu = process.cpuUsage(parentCpu0);
          // This process hosts the latency-adding upstream proxy (and waits for the generators).
          const parentCores = (parentCpu.user + parentCpu.system) / 1e6 / ((performance.now() - t0) / 1000);
          let upstreamSegmentRequests = 0;
          for (const p of sim.uniqueSegments) upstreamSegmentRequests += upstream.counts.get(p) ?? 0;
          const upstreamPlaylistRequests = upstream.counts.get(mediaPlaylist) ?? 0;
          viewers[which].push({
            viewers: n,
            uniqueSegments: sim.uniqueSegments.size,
            upstreamRequestsPerSegment: upstreamSegmentRequests / Math.max(1, sim.uniqueSegments.size),
            upstreamPlaylistRequestsPerSecond:
              upstreamPlaylistRequests / (settings.warmupSeconds + settings.viewerSeconds),
            segmentRequests: sim.segmentRequests,
            playlistRequests: sim.playlistRequests,
            errors: sim.errors,
            errorsByStatus: sim.errorsByStatus,
            segmentTtfbP50Ms: sim.segmentTtfbP50Ms,
            segmentTtfbP99Ms: sim.segmentTtfbP99Ms,
            stalls: sim.stalls,
            stallSeconds: sim.stallSeconds,
            stallsAfterJoin: sim.stallsPerSecond.slice(settings.viewerJoinSeconds).reduce((a, b) => a + b, 0),
            stallsPerSecond: sim.stallsPerSecond,
            playing: sim.playing,
            startupP50Ms: sim.startupP50Ms,
            startupP99Ms: sim.startupP99Ms,
            reconnects: sim.reconnects,
            listenOverflows,
            cpuCores: resources.cpuCores,
            // Server CPU per request served: what 10,000 viewers will cost it (one Node process tops out at one core).
            cpuUsPerRequest:
              (resources.cpuCores * settings.viewerSeconds * 1e6) /
              Math.max(1, sim.playlistRequests + sim.segmentRequests),
            peakRssMiB: resources.peakRssBytes / 1024 / 1024,
            simulator: sim.simulator,
            // Who used the 2 cores: the server above, the simulator, the origin, this process
            // (upstream proxy), and whatever else runs on the box (othersCores: noise).
            originCpuCores: originCores,
            benchProcessCpuCores: parentCores,
            machineBusyCores,
            othersCores: machineBusyCores - resources.cpuCores - sim.simulator.cpuCores - originCores - parentCores,
          });
        });
        await sleep(500);
      }
    }
  } finally {
    await upstream.close();
    await origin.stop();
    await redis?.stop();
  }

  const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
  const results = {
    date: new Date().toISOString(),
    machine: { cores: (await import('node:os')).cpus().length, node: process.version },
    settings,
    hitThroughput: hits,
    newSegmentStorm: storms,
    viewerSimulation: viewers,
    ratios: {
      segmentHitRps: ratio(hits.edge.segment.requestsPerSecond, hits.nginx.segment.requestsPerSecond),
      playlistHitRps: ratio(hits.edge.playlist.requestsPerSecond, hits.nginx.playlist.requestsPerSecond),
      stormFirstByteP50: ratio(storms.edge.ttfbMs.p50, storms.nginx.ttfbMs.p50),
      stormWholeSegmentP95: ratio(storms.edge.totalMs.p95, storms.nginx.totalMs.p95),
      viewerP99Ttfb: viewers.edge.map((e, i) =>
        ratio(e.segmentTtfbP99Ms as number, itemAt(viewers.nginx, i).segmentTtfbP99Ms as number),
      ),
      /** Server CPU per viewer request (issue #15: ≤ 1.2 with `--workers 2`), per audience size. */
      viewerCpuPerRequest: viewers.edge.map((e, i) =>
        ratio(e.cpuUsPerRequest as number, itemAt(viewers.nginx, i).cpuUsPerRequest as number),
      ),
    },
  };
  writeFileSync(path.join(root, `bench/results/${settings.resultsName}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(root, `bench/results/${settings.resultsName}.svg`), renderChart(results));
  printTable(results);
}

function printTable(r: {
  hitThroughput: Record<Cache, { segment: HitThroughput; playlist: HitThroughput }>;
  newSegmentStorm: Record<Cache, StormResult>;
  viewerSimulation: Record<Cache, Record<string, unknown>[]>;
  ratios: Record<string, unknown>;
}) {
  const f = (n: unknown, d = 1) => (typeof n === 'number' ? n.toFixed(d) : String(n));
  console.log('\nCached-hit throughput (wrk, loopback)');
  console.log('object    server  req/s     Gbit/s  p50 ms  p99 ms');
  for (const obj of ['segment', 'playlist'] as const) {
    for (const s of ['edge', 'nginx'] as Cache[]) {
      const h = r.hitThroughput[s][obj];
      console.log(
        `${obj.padEnd(9)} ${s.padEnd(7)} ${f(h.requestsPerSecond, 0).padStart(8)}  ${f(h.gbitPerSecond, 2).padStart(6)}  ${f(h.p50Ms, 2).padStart(6)}  ${f(h.p99Ms, 2).padStart(6)}`,
      );
    }
  }
  console.log('\nNew-segment storm (viewers at once on a segment still being produced)');
  console.log('server  first byte p50/p95 ms  whole p50/p95 ms  origin req/segment  failures');
  for (const s of ['edge', 'nginx'] as Cache[]) {
    const st = r.newSegmentStorm[s];
    console.log(
      `${s.padEnd(7)} ${`${f(st.ttfbMs.p50)} / ${f(st.ttfbMs.p95)}`.padStart(20)}  ${`${f(st.totalMs.p50)} / ${f(st.totalMs.p95)}`.padStart(16)}  ${f(st.originRequestsPerSegment, 2).padStart(18)}  ${f(st.failures, 0).padStart(8)}`,
    );
  }
  console.log('\nViewer simulation (live channel, origin +50 ms; CPU in cores of the 2)');
  console.log(
    'viewers server  upstream/seg  p50/p99 TTFB ms  stalls (after join)  playing  SYN drops  server CPU, µs/req  RSS MiB  simulator CPU, µs/req, loop p99 ms  others',
  );
  for (let i = 0; i < r.viewerSimulation.edge.length; i++) {
    for (const s of ['edge', 'nginx'] as Cache[]) {
      const v = itemAt(r.viewerSimulation[s], i);
      const sim = v.simulator as { cpuCores: number; cpuUsPerRequest: number; loopDelayP99Ms: number };
      console.log(
        `${f(v.viewers, 0).padStart(7)} ${s.padEnd(7)} ${f(v.upstreamRequestsPerSegment, 2).padStart(12)}  ${`${f(v.segmentTtfbP50Ms)} / ${f(v.segmentTtfbP99Ms)}`.padStart(15)}  ${`${f(v.stalls, 0)} (${f(v.stallsAfterJoin, 0)})`.padStart(19)}  ${f(v.playing, 0).padStart(7)}  ${f(v.listenOverflows, 0).padStart(9)}  ${`${f(v.cpuCores, 2)}, ${f(v.cpuUsPerRequest, 0)}`.padStart(18)}  ${f(v.peakRssMiB, 0).padStart(7)}  ${`${f(sim.cpuCores, 2)}, ${f(sim.cpuUsPerRequest, 0)}, ${f(sim.loopDelayP99Ms, 0)}`.padStart(33)}  ${f(v.othersCores, 2).padStart(6)}`,
      );
    }
  }
  for (const s of ['edge', 'nginx'] as Cache[]) {
    for (const v of r.viewerSimulation[s])
      if ((v.errors as number) > 0)
        console.log(
          `  ${s}, ${f(v.viewers, 0)} viewers: ${f(v.errors, 0)} failed requests, by status: ${JSON.stringify(v.errorsByStatus)}`,
        );
  }
  console.log('\nRatios edge/nginx:', JSON.stringify(r.ratios));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
