#!/usr/bin/env node
// `npm run site`: one site of three edge nodes on one machine, as an ISP would run it on three.
//   - a Redis Cluster of three masters, each with a replica, in a temporary directory: the nodes'
//     shared election, copies and purges (EDGE_REDIS_CLUSTER_NODES); a lost master's replica takes
//     its slots over, and the other masters keep serving meanwhile (full coverage not required);
//   - one plain Redis for the origin's back office and the audience figures the edges count
//     (REDIS_URL, AUDIENCE_REDIS_URL): the origin reads one Redis;
//   - the origin with the demo media (made on first start, as `npm start` does);
//   - three edges on 127.0.0.1, 127.0.0.2 and 127.0.0.3 (same port), each with its peer listener on
//     its own address and the site's shared token.
// Prints the URLs, then every 10 s what each node answered and fetched. Ctrl-C stops everything.
// Env: SITE_EDGE_PORT (8080), ORIGIN_PORT (8081), SITE_FIGURES_SECONDS (10, 0: quiet).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';
const REDIS_CLI = process.env.REDIS_CLI ?? 'redis-cli';
const edgePort = Number(process.env.SITE_EDGE_PORT ?? 8080);
const originPort = Number(process.env.ORIGIN_PORT ?? 8081);
const figuresEvery = Number(process.env.SITE_FIGURES_SECONDS ?? 10);
const IPS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];

// The TV app and the server bundles, built on first use as `npm start` does.
const built = ['tv-app/dist/index.html', 'edge-origin/dist/regie/index.html', 'edge-origin/dist/participer/index.html'];
if (!built.every((file) => existsSync(path.join(root, file)))) {
  console.log('site: building the TV app, the régie, the phone page and the server (first start)…');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const dir = mkdtempSync(path.join(tmpdir(), 'cite-tv-site-'));
const children = [];
let stopping = false;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** An edge node or a cluster server may die (a try of the site's resilience); the origin may not. */
const EXPENDABLE = /^(edge-|redis-cluster-)/;

/**
 * Starts a child, its lines prefixed with its name (`quiet`: kept, shown only if it stops on its
 * own); resolves once `ready(output)` says so.
 */
function start(name, command, args, env, ready, quiet = false) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push({ name, child });
  let output = '';
  const relay = (stream) => (chunk) => {
    output += chunk;
    if (quiet) return;
    for (const line of String(chunk).split('\n').filter(Boolean)) stream.write(`[${name}] ${line}\n`);
  };
  child.stdout.on('data', relay(process.stdout));
  child.stderr.on('data', relay(process.stderr));
  return new Promise((resolve, reject) => {
    const timer = setInterval(async () => {
      if (await ready(output)) {
        clearInterval(timer);
        resolve(child);
      }
    }, 100);
    child.once('exit', (code, signal) => {
      clearInterval(timer);
      if (!stopping && EXPENDABLE.test(name)) {
        // What the site is built to lose: the others carry on (and this is how to try it).
        console.error(`site: ${name} stopped (${code ?? signal}); the others carry on`);
      } else if (!stopping) {
        if (quiet) process.stderr.write(output);
        console.error(`site: ${name} stopped (${code ?? signal}); stopping everything`);
        void stop(1);
      }
      reject(new Error(`${name} exited`));
    });
  });
}

function redis(name, port, extra) {
  const data = path.join(dir, name);
  mkdirSync(data);
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', data, '--save', '', '--appendonly', 'no'];
  return start(name, REDIS_SERVER, [...args, ...extra], {}, (out) => out.includes('Ready to accept connections'), true);
}

async function clusterOk(ports) {
  for (const port of ports) {
    try {
      const { stdout } = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info']);
      if (!stdout.includes('cluster_state:ok')) return false;
    } catch {
      return false;
    }
  }
  return true;
}

async function answers(url) {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nsite: stopping the edges, the origin and Redis…');
  // Edges and origin first (they let responses in progress finish), Redis last.
  for (const group of [(n) => n.startsWith('edge'), (n) => n === 'origin', () => true]) {
    await Promise.all(
      children
        .filter(({ name, child }) => group(name) && child.exitCode === null && child.signalCode === null)
        .map(
          ({ child }) =>
            new Promise((resolve) => {
              const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
              child.once('exit', () => {
                clearTimeout(force);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
    );
  }
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  // 1. Redis: three cluster masters, their three replicas, and the origin's own.
  const clusterPorts = [];
  for (let i = 0; i < 6; i++) clusterPorts.push(await freePort());
  const clusterArgs = [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    'nodes.conf',
    '--cluster-node-timeout',
    '5000',
    '--cluster-require-full-coverage',
    'no',
  ];
  await Promise.all(clusterPorts.map((port, i) => redis(`redis-cluster-${i + 1}`, port, clusterArgs)));
  const clusterNodes = clusterPorts.map((port) => `127.0.0.1:${port}`);
  await run(REDIS_CLI, ['--cluster', 'create', ...clusterNodes, '--cluster-replicas', '1', '--cluster-yes']);
  while (!(await clusterOk(clusterPorts))) await new Promise((r) => setTimeout(r, 200));
  const storePort = await freePort();
  await redis('redis-origin', storePort, []);
  const storeUrl = `redis://127.0.0.1:${storePort}`;

  // 2. The origin, with the demo media; the edges' admin token lets it purge them.
  const adminToken = randomBytes(16).toString('hex');
  const peerToken = randomBytes(24).toString('hex');
  const edgeUrls = IPS.map((ip) => `http://${ip}:${edgePort}`);
  const originUrl = `http://127.0.0.1:${originPort}`;
  await start(
    'origin',
    process.execPath,
    ['scripts/run.mjs', 'origin'],
    {
      ORIGIN_PORT: String(originPort),
      REDIS_URL: storeUrl,
      EDGE_ADMIN_TOKEN: adminToken,
      EDGE_PURGE_URLS: edgeUrls.join(','),
      // One JSON line per request would bury the figures: warnings only unless asked.
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    () => answers(originUrl),
  );

  // 3. The three edges.
  await Promise.all(
    IPS.map((ip, i) =>
      start(
        `edge-${i + 1}`,
        process.execPath,
        ['scripts/run.mjs', 'edge'],
        {
          EDGE_HOST: ip,
          EDGE_PORT: String(edgePort),
          UPSTREAM_URL: originUrl,
          EDGE_REDIS_CLUSTER_NODES: clusterNodes.join(','),
          EDGE_PEER_LISTEN: `${ip}:0`,
          EDGE_PEER_TOKEN: peerToken,
          EDGE_ADMIN_TOKEN: adminToken,
          AUDIENCE_REDIS_URL: storeUrl,
          EDGE_ACCESS_LOG: 'false',
        },
        (out) => out.includes('listening on'),
      ),
    ),
  );

  console.log(`
  Cité TV, one site of three edges, is up.
    TV app, through any node:  ${edgeUrls.map((u) => `${u}/`).join('  ')}
    origin:                    ${originUrl}/   (staff console ${originUrl}/staff/)
    Redis Cluster:             masters ${clusterNodes.slice(0, 3).join(' ')}, their replicas ${clusterNodes.slice(3).join(' ')}   (origin's Redis ${storeUrl})
    a node's figures:          curl -H 'Authorization: Bearer ${adminToken}' ${edgeUrls[0]}/_edge/metrics
    share state:               curl -H 'Authorization: Bearer ${adminToken}' ${edgeUrls[0]}/_edge/health
  Kill a node (kill -9 its pid, listed by 'ps') or a Redis master and watch the others carry on.
  Ctrl-C stops everything.
`);

  // 4. The figures: what each node answered, how (cache result), and what it fetched.
  if (figuresEvery > 0) {
    const sum = (text, metric, filter = () => true) =>
      text
        .split('\n')
        .filter((line) => line.startsWith(metric) && filter(line))
        .reduce((total, line) => total + Number(line.split(' ').pop()), 0);
    setInterval(async () => {
      const rows = await Promise.all(
        edgeUrls.map(async (url, i) => {
          try {
            const res = await fetch(`${url}/_edge/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
            const text = await res.text();
            const requests = sum(text, 'edge_requests_total{');
            const hits = sum(text, 'edge_requests_total{', (l) => /cache="(HIT|STALE)"/.test(l));
            const fetched = sum(text, 'edge_upstream_requests_total{');
            return `edge-${i + 1}: ${requests} answered (${hits} from its cache), ${fetched} fetched from the origin or a sibling`;
          } catch {
            return `edge-${i + 1}: down`;
          }
        }),
      );
      console.log(`site figures  ${rows.join('  |  ')}`);
    }, figuresEvery * 1000).unref();
  }
} catch (error) {
  if (!stopping) {
    console.error(`site: ${error instanceof Error ? error.message : error}`);
    await stop(1);
  }
}
