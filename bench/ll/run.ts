// `npm run bench` (LL-HLS part, BENCH=ll): our edge, nginx and Varnish side by side in ONE run, in
// front of the same synthetic LL-HLS origin (ll-origin.ts), measured the same way:
//  - blocking storm: 50 clients on one blocking playlist reload the origin holds 6 s: requests
//    that reached the origin, and when each client had its answer after the origin let it go;
//  - LL players (ll-player-sim.ts): simulated LL-HLS players doing blocking reloads and parts:
//    origin requests per part and per playlist version, part time to first byte.
// Writes bench/results/ll.json (BENCH_RESULTS_NAME=other: other.json) and prints a table.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, startProcess, waitForHttp, type Started } from '../edge/processes.ts';
import { ensureNginx, startNginx } from '../edge/nginx.ts';
import { runBlockingStorm, type BlockingStormResult } from './blocking-storm.ts';
import { startLlOrigin, type LlOrigin } from './ll-origin.ts';
import { runLlPlayerSim, type LlPlayersResult } from './ll-player-sim.ts';
import { ensureVarnish, startVarnish } from './varnish.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

const settings = {
  stormClients: Number(process.env.BENCH_LL_STORM_CLIENTS ?? 50),
  stormRounds: Number(process.env.BENCH_LL_STORM_ROUNDS ?? 3),
  holdMs: Number(process.env.BENCH_LL_HOLD_MS ?? 6000),
  players: (process.env.BENCH_LL_PLAYERS ?? '1000').split(',').filter(Boolean).map(Number),
  playerSeconds: Number(process.env.BENCH_LL_PLAYER_SECONDS ?? 20),
  resultsName: process.env.BENCH_RESULTS_NAME ?? 'll',
};

const CACHES = ['edge', 'nginx', 'varnish'] as const;
type Cache = (typeof CACHES)[number];

async function startCache(which: Cache, port: number, upstreamUrl: string): Promise<Started> {
  if (which === 'nginx') return startNginx(ensureNginx(), port, upstreamUrl, 1);
  if (which === 'varnish') return startVarnish(ensureVarnish(), port, upstreamUrl);
  return startProcess('edge', tsx, [path.join(root, 'edge-origin/src/bin/edge.node.ts')], {
    EDGE_PORT: String(port),
    UPSTREAM_URL: upstreamUrl,
    EDGE_ACCESS_LOG: 'false',
  });
}

async function withCache<T>(which: Cache, origin: LlOrigin, fn: (url: string) => Promise<T>): Promise<T> {
  const port = await freePort();
  const server = await startCache(which, port, origin.url);
  const url = `http://127.0.0.1:${port}`;
  try {
    // Not a playlist: a copy cached now would be from another phase's timeline.
    await waitForHttp(`${url}/ll/ready`, 120_000, server);
    origin.reset();
    return await fn(url);
  } finally {
    await server.stop();
  }
}

async function main() {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  const origin = await startLlOrigin();
  const storms = {} as Record<Cache, BlockingStormResult>;
  const players = {} as Record<Cache, LlPlayersResult[]>;
  try {
    for (const [i, which] of CACHES.entries()) {
      await withCache(which, origin, async (url) => {
        console.log(
          `bench: ll: ${which}: ${settings.stormClients} clients on one blocking reload held ${settings.holdMs} ms…`,
        );
        storms[which] = await runBlockingStorm(url, origin, {
          clients: settings.stormClients,
          rounds: settings.stormRounds,
          holdMs: settings.holdMs,
          firstMsn: 1000 * (i + 1),
        });
      });
      await sleep(300);
    }
    for (const n of settings.players) {
      for (const which of CACHES) {
        await withCache(which, origin, async (url) => {
          console.log(`bench: ll: ${which}: ${n} LL-HLS players for ${settings.playerSeconds}s…`);
          (players[which] ??= []).push(
            await runLlPlayerSim(url, origin, { players: n, durationMs: settings.playerSeconds * 1000 }),
          );
        });
        await sleep(300);
      }
    }
  } finally {
    await origin.close();
  }
  const results = {
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, node: process.version, load: os.loadavg() },
    settings,
    blockingStorm: storms,
    llPlayers: players,
  };
  writeFileSync(path.join(root, `bench/results/${settings.resultsName}.json`), `${JSON.stringify(results, null, 2)}\n`);
  printTable(storms, players);
}

function printTable(storms: Record<Cache, BlockingStormResult>, players: Record<Cache, LlPlayersResult[]>) {
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : String(n));
  console.log(
    `\nBlocking storm: ${settings.stormClients} clients on one blocking reload held ${settings.holdMs} ms by the origin`,
  );
  console.log('server   origin requests per round  answer after the hold p50 / p95 / max ms  failures');
  for (const s of CACHES) {
    const r = storms[s];
    console.log(
      `${s.padEnd(8)} ${r.originRequests.join(', ').padStart(24)}  ${`${f(r.afterHoldMs.p50)} / ${f(r.afterHoldMs.p95)} / ${f(r.afterHoldMs.max)}`.padStart(40)}  ${String(r.failures).padStart(8)}`,
    );
  }
  if (!players.edge) return;
  console.log('\nLL-HLS players (blocking reloads + parts)');
  console.log(
    'players server   origin req/part  origin req/playlist version  part TTFB p50 / p99 ms  reload after part p50 / p99 ms  stalls  errors',
  );
  for (let i = 0; i < players.edge.length; i++) {
    for (const s of CACHES) {
      const r = players[s]?.[i];
      if (!r) continue;
      console.log(
        `${String(r.players).padStart(7)} ${s.padEnd(8)} ${f(r.originRequestsPerPart, 2).padStart(15)}  ${f(r.originRequestsPerPlaylistVersion, 2).padStart(27)}  ${`${f(r.partTtfbMs.p50)} / ${f(r.partTtfbMs.p99)}`.padStart(22)}  ${`${f(r.reloadAfterPartMs.p50)} / ${f(r.reloadAfterPartMs.p99)}`.padStart(30)}  ${String(r.stalls).padStart(6)}  ${String(r.errors).padStart(6)}`,
      );
      if (r.errors > 0) console.log(`        ${s}: failed requests by status ${JSON.stringify(r.errorsByStatus)}`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
