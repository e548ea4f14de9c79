// `npm run edge`: the edge on Node. Config: defaults < JSON file (EDGE_CONFIG_FILE) < environment
// (EDGE_PORT, EDGE_HOST, UPSTREAM_URL, EDGE_MEMORY_BYTES, ... see edge/config.ts) < `--workers N`.
// With several workers (node:cluster shares the port between them), set EDGE_REDIS_URL so they
// act as one cache: one upstream fetch per object, shared hot objects, purges everywhere.
// Fresh memory hits and viewers joining a fetch in progress take the Node fast paths
// (edge/node/fast-hit.ts, fast-join.ts; EDGE_FAST_HIT_PATH=false: off).
import cluster, { type Worker } from 'node:cluster';
import { readFileSync } from 'node:fs';
import { loadEdgeConfig, EdgeConfigError, type EdgeConfig } from '../edge/config.ts';
import { startEdgeNode } from '../edge/node/start-edge-node.ts';
import type { ReloadResult } from '../edge/config-reload.ts';
import { audienceObserverFromEnv } from '../edge/audience/from-env.ts';
import { clusterWorkerExposer, serveClusterMetrics } from '../edge/node/cluster-metrics.ts';
import { queuedConnectionsWarning } from '../edge/node/queued-connections.ts';

function loadConfig(): EdgeConfig {
  const file = process.env.EDGE_CONFIG_FILE;
  const fileJson = file ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  const flag = process.argv.indexOf('--workers');
  const overrides = flag > 0 ? { workers: process.argv[flag + 1] as unknown as number } : undefined;
  return loadEdgeConfig({ env: process.env, fileJson, overrides });
}

function readConfig(): EdgeConfig {
  try {
    return loadConfig();
  } catch (error) {
    console.error(error instanceof EdgeConfigError || error instanceof SyntaxError ? `edge: ${error.message}` : error);
    process.exit(2);
  }
}

// `systemctl reload` sends SIGHUP, whose default in Node is to exit. Here it reads the config again
// (file and environment, the same precedence as at start) and checks it. A worker applies the
// knobs read on each use (edge/config-reload.ts); the others keep their running values until the
// next restart (the cache is this process's memory, so it is not rebuilt behind the operator's
// back). An invalid config changes nothing. With several workers, the primary checks and passes the
// signal on; each worker applies it.
function reloadOnHangup(running: EdgeConfig, apply: (next: EdgeConfig) => ReloadResult | null): void {
  process.on('SIGHUP', () => {
    try {
      const next = loadConfig();
      const changed = (Object.keys(next) as (keyof EdgeConfig)[]).filter(
        (key) => JSON.stringify(next[key]) !== JSON.stringify(running[key]),
      );
      const result = apply(next);
      if (!changed.length) return void console.log('edge: reload: config valid, unchanged');
      const detail = result
        ? `; applied now: ${result.applied.join(', ') || 'none'}; at the next restart: ${result.needRestart.join(', ') || 'none'}`
        : ' (passed on to the workers)';
      console.log(`edge: reload: config valid; changed: ${changed.join(', ')}${detail}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`edge: reload: ${message}; still running on the config it had`);
    }
  });
}

/** SIGTERM/SIGINT: stop accepting, let responses in progress finish within the grace, exit; a
 * second signal, or a close that overruns the grace by 5 s, exits at once. */
function stopOnSignals(close: () => Promise<void>, graceMs: () => number): void {
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    setTimeout(() => process.exit(1), graceMs() + 5000).unref();
    void close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function runWorker(config: EdgeConfig): Promise<void> {
  // Audience figures (edge/audience/) go to AUDIENCE_REDIS_URL or EDGE_REDIS_URL when set.
  const audience = audienceObserverFromEnv(process.env, config.redisUrl);
  // A SIGHUP while starting (a worker forked late) must not kill it: kept for once it runs.
  let hungUp = false;
  const early = () => void (hungUp = true);
  process.on('SIGHUP', early);
  // A worker of several: a scrape of /_edge/metrics answers the sum over the workers.
  const exposeMetrics = cluster.isWorker ? { exposeMetrics: clusterWorkerExposer() } : {};
  const running = await startEdgeNode(config, { ...(audience ? { audience } : {}), ...exposeMetrics });
  // Which front door answers: an operator who asked for the native one sees whether it loaded.
  const door = running.nativeFrontDoor ? ', native front door' : '';
  if (cluster.isPrimary) console.log(`edge: listening on ${running.url} → upstream ${config.upstreamUrl}${door}`);
  else process.send?.({ listening: running.url, door });
  // A worker's own copy of the config it started with: running.reload changes the edge's.
  reloadOnHangup(structuredClone(config), (next) => running.reload(next));
  process.off('SIGHUP', early);
  if (hungUp) process.emit('SIGHUP', 'SIGHUP');
  stopOnSignals(
    () => running.close(),
    () => running.edge.config.shutdownGraceMs,
  );
}

/**
 * V8 flags every worker runs with (a V8 flag works only from the command line: set later, it
 * changes nothing). `--no-memory-reducer`: V8 takes a worker whose JavaScript allocates little for
 * idle (the native door answers viewers without JavaScript) and runs rounds of full, compacting
 * collections to shrink a heap that grows straight back; an edge's heap is bounded by its cache
 * budget, not by idleness (README, Benchmarks). A single-process edge gets it from its command
 * line (deploy/: the systemd unit, the Dockerfile).
 */
const WORKER_V8_FLAGS = ['--no-memory-reducer'];

function runPrimary(config: EdgeConfig): void {
  if (!config.redisUrl && config.redisClusterNodes.length === 0)
    console.warn('edge: several workers without EDGE_REDIS_URL: each keeps its own cache and fetches alone');
  // The workers accept from the one shared socket themselves (SCHED_NONE), not through the
  // primary's round robin: a connection the primary hands to a worker that dies before taking it
  // is never answered nor closed (node:cluster's RoundRobinHandle keeps it), and its viewer hangs
  // until its player times out. On the shared socket a dead worker's waiting connections stay in
  // the queue for the others. Set before the first fork, which freezes it.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({
    execArgv: [...process.execArgv, ...WORKER_V8_FLAGS.filter((flag) => !process.execArgv.includes(flag))],
  });
  let stopping = false;
  let announced = false;
  // A worker still loading would die of a SIGHUP: it gets the signal once it listens.
  const listening = new Set<number>();
  // A scrape of /_edge/metrics adds up the workers that listen (one still loading has served nothing).
  serveClusterMetrics(() =>
    Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && listening.has(w.id)),
  );
  const hangupPending = new Set<number>();
  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (m: { listening?: string; door?: string }) => {
      if (m.listening) listening.add(worker.id);
      if (m.listening && hangupPending.delete(worker.id)) worker.process.kill('SIGHUP');
      if (m.listening && !announced) {
        announced = true;
        console.log(
          `edge: listening on ${m.listening} → upstream ${config.upstreamUrl} (${config.workers} workers${m.door ?? ''})`,
        );
        const warning = m.door ? queuedConnectionsWarning() : null;
        if (warning) console.warn(`edge: ${warning}`);
      }
    });
  };
  for (let i = 0; i < config.workers; i++) fork();
  cluster.on('exit', (worker, code) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`edge: worker ${worker.process.pid} exited (${code}); starting another`);
    fork();
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  reloadOnHangup(config, () => {
    for (const w of Object.values(cluster.workers ?? {})) {
      if (w && listening.has(w.id)) w.process.kill('SIGHUP');
      else if (w) hangupPending.add(w.id);
    }
    return null;
  });
}

const config = readConfig();
if (config.workers > 1 && cluster.isPrimary) runPrimary(config);
else void runWorker(config);
