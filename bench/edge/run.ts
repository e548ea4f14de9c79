// Edge benchmark: this edge against nginx (proxy_cache + proxy_cache_lock), same origin, same run.
//   npx tsx bench/edge/run.ts [--clients 200] [--rounds 3] [--seconds 5] [--no-nginx]
// 1. "New segment storm": `clients` viewers ask at once for a segment the origin is still
//    producing (first byte after 100 ms, then 4 parts 50 ms apart). Measured per viewer: time to
//    first body byte and to the whole segment, and how many requests reached the origin.
//    nginx's lock waiters poll every 500 ms; the edge streams one fetch to all as bytes arrive.
// 2. "Hot segment": wrk on a cached 1 MiB segment. The load generator shares the 2 cores with the
//    servers, so only the ratio between servers within one run means anything.
// Writes bench/edge/results/latest.md and .json.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { spawn } from 'node:child_process';
import { startBenchOrigin, type BenchOrigin } from './origin.ts';
import { startNginx } from './nginx.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const CLIENTS = arg('clients', 200);
const ROUNDS = arg('rounds', 3);
const SECONDS = arg('seconds', 5);
const WITH_NGINX = !args.includes('--no-nginx') && existsSync('/usr/sbin/nginx');

interface StormResult {
  ttfbMs: { p50: number; p95: number; max: number };
  totalMs: { p50: number; p95: number; max: number };
  originRequestsPerSegment: number;
  failures: number;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

async function storm(serverUrl: string, origin: BenchOrigin, label: string): Promise<StormResult> {
  const ttfb: number[] = [];
  const total: number[] = [];
  let failures = 0;
  let originRequests = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const path = `/new/${label}-${round}-${Date.now()}.ts`;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const t0 = performance.now();
        try {
          const res = await fetch(serverUrl + path);
          const reader = res.body!.getReader();
          let first = -1;
          let bytes = 0;
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            if (first < 0) first = performance.now() - t0;
            bytes += value.byteLength;
          }
          if (res.status !== 200 || bytes !== 1024 * 1024) failures++;
          ttfb.push(first);
          total.push(performance.now() - t0);
        } catch {
          failures++;
        }
      }),
    );
    originRequests += origin.count(path);
  }
  return {
    ttfbMs: { p50: pct(ttfb, 50), p95: pct(ttfb, 95), max: pct(ttfb, 100) },
    totalMs: { p50: pct(total, 50), p95: pct(total, 95), max: pct(total, 100) },
    originRequestsPerSegment: originRequests / ROUNDS,
    failures,
  };
}

async function hot(serverUrl: string): Promise<{ requestsPerSec: number; transferPerSec: string } | null> {
  if (!existsSync('/usr/bin/wrk')) return null;
  await fetch(`${serverUrl}/hot.ts`).then((r) => r.arrayBuffer());
  const { stdout } = await promisify(execFile)('/usr/bin/wrk', ['-t2', '-c64', `-d${SECONDS}s`, `${serverUrl}/hot.ts`]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const transfer = /Transfer\/sec:\s+(\S+)/.exec(stdout)?.[1] ?? '?';
  return { requestsPerSec: rps, transferPerSec: transfer };
}

async function startEdgeProcess(upstreamUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const root = new URL('../../', import.meta.url).pathname;
  const child = spawn(`${root}node_modules/.bin/tsx`, [`${root}edge-origin/src/bin/edge.node.ts`], {
    env: { ...process.env, EDGE_PORT: '0', UPSTREAM_URL: upstreamUrl, EDGE_ACCESS_LOG: 'false' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`edge exited (${code})`)));
  });
  return {
    url,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const origin = await startBenchOrigin();
  const results: Record<string, { storm: StormResult; hot: Awaited<ReturnType<typeof hot>> }> = {};
  // The edge in its own process, like nginx: the load generator must not share its event loop.
  const edge = await startEdgeProcess(origin.url);
  try {
    results['cite-tv edge (Node, 1 process)'] = { storm: await storm(edge.url, origin, 'edge'), hot: await hot(edge.url) };
  } finally {
    await edge.close();
  }
  if (WITH_NGINX) {
    const nginx = await startNginx(origin.url);
    try {
      results['nginx 1.22 proxy_cache_lock (1 worker)'] = { storm: await storm(nginx.url, origin, 'nginx'), hot: await hot(nginx.url) };
    } finally {
      await nginx.close();
    }
  }
  await origin.close();

  const lines = [
    `# Edge benchmark (${new Date().toISOString()})`,
    '',
    `New segment storm: ${CLIENTS} viewers at once, ${ROUNDS} rounds; origin: first byte after 100 ms, 1 MiB in 4 parts 50 ms apart (~250 ms to produce).`,
    '',
    '| server | first byte p50 / p95 (ms) | whole segment p50 / p95 (ms) | origin requests per segment | failures | hot segment req/s (wrk -c64) |',
    '|---|---|---|---|---|---|',
    ...Object.entries(results).map(
      ([name, r]) =>
        `| ${name} | ${r.storm.ttfbMs.p50} / ${r.storm.ttfbMs.p95} | ${r.storm.totalMs.p50} / ${r.storm.totalMs.p95} | ${r.storm.originRequestsPerSegment} | ${r.storm.failures} | ${r.hot ? `${r.hot.requestsPerSec} (${r.hot.transferPerSec}/s)` : 'n/a'} |`,
    ),
    '',
    'Same 2-core machine for servers, origin and load generator: compare rows of one run, as ratios.',
  ];
  const text = lines.join('\n') + '\n';
  console.log(text);
  const dir = new URL('./results/', import.meta.url).pathname;
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}latest.md`, text);
  await writeFile(`${dir}latest.json`, JSON.stringify({ clients: CLIENTS, rounds: ROUNDS, results }, null, 2));
}

await main();
