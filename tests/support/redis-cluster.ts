// A real 3-master Redis Cluster for tests (FIELD-NOTES: Debian's redis-server 7.0 does it on
// loopback): three redis-server with cluster mode on, each in its own temporary directory (its
// nodes.conf lets a restarted master take its slots back), joined by `redis-cli --cluster create`
// with no replicas, ready when every node says `cluster_state:ok`. Stopped by pid.
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, launchRedisServer, stopRedisServer } from './redis.ts';

const run = promisify(execFile);
export const REDIS_CLI = '/usr/bin/redis-cli';

export interface TestRedisCluster {
  /** `host:port` of each master, in start order (EDGE_REDIS_CLUSTER_NODES takes them). */
  nodes: string[];
  /** SIGKILLs master `i` (its slots are served by nobody: no replicas). */
  kill(i: number): Promise<void>;
  /** Starts master `i` again on its port and directory; resolves when the cluster is ok again. */
  restart(i: number): Promise<void>;
  /** `cluster_state` as node `i` sees it. */
  state(i: number): Promise<string>;
  stop(): Promise<void>;
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  return launchRedisServer(port, dir, [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    'nodes.conf',
    // A lost master is declared failed after 2 s (default 15 s), so the tests see the cluster's
    // own reaction in CI time.
    '--cluster-node-timeout',
    '2000',
    '--appendonly',
    'no',
  ]);
}

async function clusterState(port: number): Promise<string> {
  try {
    const { stdout } = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info']);
    return /cluster_state:(\w+)/.exec(stdout)?.[1] ?? '';
  } catch {
    return 'unreachable';
  }
}

async function until(cond: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} not seen in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startRedisCluster(): Promise<TestRedisCluster> {
  const ports: number[] = [];
  const dirs: string[] = [];
  const children: (ChildProcess | undefined)[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      ports.push(await freePort());
      dirs.push(mkdtempSync(join(tmpdir(), 'cite-tv-redis-cluster-')));
      children.push(await launch(ports[i]!, dirs[i]!));
    }
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    await run(REDIS_CLI, ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    const allOk = async () => (await Promise.all(ports.map(clusterState))).every((s) => s === 'ok');
    await until(allOk, 'cluster_state:ok on every node');
    return {
      nodes,
      async kill(i) {
        await stopRedisServer(children[i], 'SIGKILL');
        children[i] = undefined;
      },
      async restart(i) {
        await stopRedisServer(children[i]);
        children[i] = await launch(ports[i]!, dirs[i]!);
        await until(allOk, 'cluster_state:ok after a restart');
      },
      state: (i) => clusterState(ports[i]!),
      async stop() {
        await Promise.all(children.map((c) => stopRedisServer(c)));
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(children.map((c) => stopRedisServer(c, 'SIGKILL')));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
