// `npm run edge`: the edge on Node. Config: defaults < JSON file (EDGE_CONFIG_FILE) < environment
// (EDGE_PORT, EDGE_HOST, UPSTREAM_URL, EDGE_MEMORY_BYTES, ... see edge/config.ts) < `--workers N`.
// With several workers (node:cluster shares the port between them), set EDGE_REDIS_URL so they
// act as one cache: one upstream fetch per object, shared hot objects, purges everywhere.
// Fresh memory hits and viewers joining a fetch in progress take the Node fast paths
// (edge/node/fast-hit.ts, fast-join.ts; EDGE_FAST_HIT_PATH=false: off).
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { loadEdgeConfig, EdgeConfigError, type EdgeConfig } from '../edge/config.ts';
import { startEdgeNode } from '../edge/node/start-edge-node.ts';
import { audienceObserverFromEnv } from '../edge/audience/from-env.ts';

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

// `systemctl reload` sends SIGHUP, whose default in Node is to exit. Here it reads the config again,
// checks it and logs which keys changed; they apply at the next restart (the cache is this
// process's memory, so it is not rebuilt behind the operator's back).
function reloadOnHangup(running: EdgeConfig): void {
  process.on('SIGHUP', () => {
    try {
      const next = loadConfig();
      const changed = (Object.keys(next) as (keyof EdgeConfig)[]).filter(
        (key) => JSON.stringify(next[key]) !== JSON.stringify(running[key]),
      );
      console.log(
        changed.length
          ? `edge: reload: config valid; changed: ${changed.join(', ')} (applied at the next restart)`
          : 'edge: reload: config valid, unchanged',
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`edge: reload: ${message}; still running on the config it started with`);
    }
  });
}

async function runWorker(config: EdgeConfig): Promise<void> {
  // Audience figures (edge/audience/) go to AUDIENCE_REDIS_URL or EDGE_REDIS_URL when set.
  const audience = audienceObserverFromEnv(process.env, config.redisUrl);
  const running = await startEdgeNode(config, audience ? { audience } : {});
  if (cluster.isPrimary) console.log(`edge: listening on ${running.url} → upstream ${config.upstreamUrl}`);
  else process.send?.({ listening: running.url });
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function runPrimary(config: EdgeConfig): void {
  if (!config.redisUrl)
    console.warn('edge: several workers without EDGE_REDIS_URL: each keeps its own cache and fetches alone');
  let stopping = false;
  let announced = false;
  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (m: { listening?: string }) => {
      if (m.listening && !announced) {
        announced = true;
        console.log(`edge: listening on ${m.listening} → upstream ${config.upstreamUrl} (${config.workers} workers)`);
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
}

const config = readConfig();
if (cluster.isPrimary) reloadOnHangup(config);
if (config.workers > 1 && cluster.isPrimary) runPrimary(config);
else void runWorker(config);
