// `npm run bench` (pass part, BENCH=pass): what the requests the edge does not cache cost it
// (issues #13 and #14), against nginx proxying the same upstream in the same run. An upstream of its
// own (pass-upstream.ts, 20 ms per answer); per target, bursts (burst.ts, a process of their own) of
// BENCH_PASS_CONCURRENCY (200) requests at once on new connections, BENCH_PASS_ROUNDS (10) times:
// POSTs of BENCH_PASS_POST_BYTES (4096), then GET beacons answered no-store; meanwhile one viewer
// asks a cached live playlist every 10 ms on its kept-alive connection. Measured per phase: the
// server's CPU per request (/proc), its event-loop delay (bench/flood/loop-probe.mjs preloaded; not
// for nginx), the viewer's playlist times (p50/p95/max), the bursts' wall time.
// Targets: the edge with its Node fast pass off (EDGE_FAST_PASS_PATH=false: the general path), the
// edge as configured by default, nginx (bench/edge/nginx.ts's config; it caches neither). Both
// edges get EDGE_PASS_PREFIXES=BENCH_PASS_PREFIXES (default empty: the beacons then each open a
// fill, as before that knob; `/ads/` passes them).
// Writes bench/results/pass.json (BENCH_RESULTS_NAME=other: other.json) and prints the table.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { freePort, ResourceMeter, sleep, startProcess, waitForHttp, type Started } from '../edge/processes.ts';
import { ensureNginx, startNginx } from '../edge/nginx.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const probe = path.join(root, 'bench/flood/loop-probe.mjs');

const settings = {
  concurrency: Number(process.env.BENCH_PASS_CONCURRENCY ?? 200),
  rounds: Number(process.env.BENCH_PASS_ROUNDS ?? 10),
  postBytes: Number(process.env.BENCH_PASS_POST_BYTES ?? 4096),
  targets: (process.env.BENCH_PASS_TARGETS ?? 'edge-general,edge-fast,nginx').split(','),
  passPrefixes: process.env.BENCH_PASS_PREFIXES ?? '',
  resultsName: process.env.BENCH_RESULTS_NAME ?? 'pass',
};

interface Phase {
  requests: number;
  statuses: Record<string, number>;
  failed: number;
  burstMs: { p50: number; max: number };
  cpuMsPerRequest: number;
  cpuCores: number;
  loopMs: { p99: number; max: number } | null;
  playlistMs: { count: number; p50: number; p95: number; max: number; failed: number };
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN) * 10) / 10;
};

function burst(
  base: string,
  kind: 'post' | 'get',
): Promise<{ statuses: Record<string, number>; failed: number; roundsMs: number[] }> {
  return new Promise((resolve, reject) => {
    const args = [
      path.join(root, 'bench/pass/burst.ts'),
      base,
      kind,
      String(settings.concurrency),
      String(settings.rounds),
      String(settings.postBytes),
    ];
    execFile(tsx, args, { cwd: root, maxBuffer: 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}'));
    });
  });
}

/** The worst second's p99 and the worst delay among these pids' probe lines between two times. */
function loopDelay(file: string, pids: number[], from: number, to: number): { p99: number; max: number } | null {
  let lines: { pid: number; t: number; p99: number; max: number }[] = [];
  try {
    lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((l) => pids.includes(l.pid) && l.t > from && l.t <= to + 1000);
  } catch {
    return null;
  }
  if (lines.length === 0) return null;
  return { p99: Math.max(...lines.map((l) => l.p99)), max: Math.max(...lines.map((l) => l.max)) };
}

async function phase(base: string, server: Started, kind: 'post' | 'get', probeFile: string | null): Promise<Phase> {
  const viewer = new Pool(base, { connections: 1 });
  const playlist: number[] = [];
  let playlistFailed = 0;
  let done = false;
  const meter = new ResourceMeter(server);
  const from = Date.now();
  const t0 = performance.now();
  meter.start();
  const watching = (async () => {
    while (!done) {
      const t = performance.now();
      try {
        const res = await viewer.request({ path: '/live/index.m3u8', method: 'GET' });
        await res.body.dump();
        if (res.statusCode === 200) playlist.push(performance.now() - t);
        else playlistFailed++;
      } catch {
        playlistFailed++;
      }
      await sleep(10);
    }
  })();
  const tally = await burst(base, kind);
  done = true;
  await watching;
  const { cpuCores } = meter.stop();
  const seconds = (performance.now() - t0) / 1000;
  await viewer.close();
  await sleep(1100); // the probe's last second
  const requests = Object.values(tally.statuses).reduce((a, b) => a + b, 0) + tally.failed;
  return {
    requests,
    statuses: tally.statuses,
    failed: tally.failed,
    burstMs: { p50: pct(tally.roundsMs, 0.5), max: Math.max(...tally.roundsMs) },
    cpuMsPerRequest: Math.round(((cpuCores * seconds * 1000) / requests) * 1000) / 1000,
    cpuCores: Math.round(cpuCores * 100) / 100,
    loopMs: probeFile ? loopDelay(probeFile, server.pids(), from, Date.now()) : null,
    playlistMs: {
      count: playlist.length,
      p50: pct(playlist, 0.5),
      p95: pct(playlist, 0.95),
      max: pct(playlist, 1),
      failed: playlistFailed,
    },
  };
}

async function target(name: string, upstreamUrl: string, work: string): Promise<Record<'post' | 'get', Phase>> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const probeFile = name === 'nginx' ? null : path.join(work, `${name}.jsonl`);
  const server =
    name === 'nginx'
      ? startNginx(ensureNginx(), port, upstreamUrl, 1)
      : startProcess(name, tsx, [path.join(root, 'edge-origin/src/bin/edge.node.ts')], {
          EDGE_PORT: String(port),
          UPSTREAM_URL: upstreamUrl,
          EDGE_ACCESS_LOG: 'false',
          EDGE_PASS_PREFIXES: settings.passPrefixes,
          ...(name === 'edge-general' ? { EDGE_FAST_PASS_PATH: 'false' } : {}),
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${probe}`.trim(),
          LOOP_PROBE_FILE: probeFile!,
        });
  try {
    await waitForHttp(`${base}/live/index.m3u8`, 120_000, server);
    // Warm-up: connections, JIT.
    await burst(base, 'post');
    await burst(base, 'get');
    const post = await phase(base, server, 'post', probeFile);
    const get = await phase(base, server, 'get', probeFile);
    return { post, get };
  } finally {
    await server.stop();
  }
}

async function main() {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), 'cite-tv-bench-pass-'));
  const upstreamPort = await freePort();
  const upstream = startProcess('pass-upstream', tsx, [
    path.join(root, 'bench/pass/pass-upstream.ts'),
    String(upstreamPort),
  ]);
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  const loadBefore = os.loadavg();
  const results: Record<string, Record<'post' | 'get', Phase>> = {};
  const file = path.join(root, `bench/results/${settings.resultsName}.json`);
  try {
    await waitForHttp(`${upstreamUrl}/live/index.m3u8`, 60_000, upstream);
    for (const name of settings.targets) {
      console.log(`bench: pass: ${name}…`);
      results[name] = await target(name, upstreamUrl, work);
      writeFileSync(
        file,
        `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: os.cpus().length, loadavgBefore: loadBefore, loadavgAfter: os.loadavg() }, settings, results }, null, 2)}\n`,
      );
    }
  } finally {
    await upstream.stop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    '\n| target | burst | answers | failed | CPU ms/request | burst wall p50 / max ms | loop p99 / max ms | playlist p50 / p95 / max ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [name, phases] of Object.entries(results)) {
    for (const [kind, p] of Object.entries(phases)) {
      console.log(
        `| ${name} | ${kind} | ${JSON.stringify(p.statuses)} | ${p.failed} | ${p.cpuMsPerRequest} | ${p.burstMs.p50} / ${p.burstMs.max} | ${p.loopMs ? `${p.loopMs.p99} / ${p.loopMs.max}` : '–'} | ${p.playlistMs.p50} / ${p.playlistMs.p95} / ${p.playlistMs.max} |`,
      );
    }
  }
  console.log(`\nbench: pass: ${file} (load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')})`);
}

await main();
