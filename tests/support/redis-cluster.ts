// A real Redis Cluster for tests (FIELD-NOTES: Debian's redis-server 7.0 does it on loopback):
// three masters, each with `replicas` replicas (0 by default), every redis-server with cluster
// mode on in its own temporary directory (its nodes.conf lets a restarted server take its place
// back), joined by `redis-cli --cluster create`, ready when every node says `cluster_state:ok`
// and every replica's link to its master is up. Stopped by pid.
//
// Without replicas a killed master's slots are served by nobody until it is back. With one, the
// cluster promotes the replica once the master has been silent `nodeTimeoutMs` and the others
// agree (the failover of a real site: about one to three node time-outs).
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, launchRedisServer, stopRedisServer } from './redis.ts';

const run = promisify(execFile);
export const REDIS_CLI = '/usr/bin/redis-cli';

export interface RedisClusterOptions {
  /** Replicas per master (0: a lost master's slots wait for it). */
  replicas?: 0 | 1;
  /** `cluster-node-timeout`: how long a silent node takes to be declared failed (Redis: 15 s). */
  nodeTimeoutMs?: number;
}

export interface TestRedisCluster {
  /** `host:port` of every node, the three first masters first (EDGE_REDIS_CLUSTER_NODES takes them). */
  nodes: string[];
  /** `host:port` of the masters as created. */
  masters: string[];
  /** SIGKILLs the server created as master `i` (a replica, if any, takes its slots over). */
  kill(i: number): Promise<void>;
  /**
   * Resolves once every slot is served again after `kill(i)` (a replica promoted) and every
   * node left says `cluster_state:ok`. Only with replicas.
   */
  failedOver(i: number, timeoutMs?: number): Promise<void>;
  /** Starts server `i` again on its port and directory; resolves when the cluster is ok again. */
  restart(i: number): Promise<void>;
  /** `cluster_state` as master `i` sees it. */
  state(i: number): Promise<string>;
  /** Index in `nodes` of the server whose slots hold `key`, as a live node sees it now. */
  ownerOf(key: string): Promise<number>;
  stop(): Promise<void>;
}

function launch(port: number, dir: string, nodeTimeoutMs: number): Promise<ChildProcess> {
  return launchRedisServer(port, dir, [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    'nodes.conf',
    '--cluster-node-timeout',
    String(nodeTimeoutMs),
    // The other masters keep serving their slots while one is lost (Redis's default refuses every
    // command then: CLUSTERDOWN), as a site of edges should run it (edge README).
    '--cluster-require-full-coverage',
    'no',
    // A replica whose master died a moment after a write still stands for election at once.
    '--cluster-replica-validity-factor',
    '0',
    '--appendonly',
    'no',
  ]);
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout;
}

async function clusterState(port: number): Promise<string> {
  try {
    return /cluster_state:(\w+)/.exec(await cli(port, 'cluster', 'info'))?.[1] ?? '';
  } catch {
    return 'unreachable';
  }
}

/** The masters serving slots, as node `port` sees them (not counting failed ones), with their ranges. */
async function servingMasters(port: number): Promise<{ address: string; ranges: [number, number][] }[]> {
  try {
    return (await cli(port, 'cluster', 'nodes'))
      .split('\n')
      .map((line) => line.split(' '))
      .filter((f) => f[2]?.includes('master') && !f[2].includes('fail') && f.length > 8)
      .map((f) => ({
        address: f[1]!.split('@')[0]!,
        ranges: f.slice(8).map((r) => {
          const [from, to] = r.split('-').map(Number);
          return [from!, to ?? from!] as [number, number];
        }),
      }));
  } catch {
    return [];
  }
}

async function replicaLinked(port: number): Promise<boolean> {
  try {
    const info = await cli(port, 'info', 'replication');
    return !info.includes('role:slave') || info.includes('master_link_status:up');
  } catch {
    return false;
  }
}

async function until(cond: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} not seen in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<TestRedisCluster> {
  const replicas = options.replicas ?? 0;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 2000;
  const count = 3 * (1 + replicas);
  const ports: number[] = [];
  const dirs: string[] = [];
  const children: (ChildProcess | undefined)[] = [];
  const cleanUp = async (signal?: NodeJS.Signals) => {
    await Promise.all(children.map((c) => stopRedisServer(c, signal)));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      ports.push(await freePort());
      dirs.push(mkdtempSync(join(tmpdir(), 'cite-tv-redis-cluster-')));
      children.push(await launch(ports[i]!, dirs[i]!, nodeTimeoutMs));
    }
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    // redis-cli makes the first three the masters and the rest their replicas.
    await run(REDIS_CLI, ['--cluster', 'create', ...nodes, '--cluster-replicas', String(replicas), '--cluster-yes']);
    const live = () => ports.filter((_, i) => children[i]);
    const allOk = async () =>
      (await Promise.all(live().map(clusterState))).every((s) => s === 'ok') &&
      (await Promise.all(live().map(replicaLinked))).every(Boolean);
    await until(allOk, 'cluster_state:ok on every node, replicas linked');
    const masters = nodes.slice(0, 3);
    return {
      nodes,
      masters,
      async kill(i) {
        await stopRedisServer(children[i], 'SIGKILL');
        children[i] = undefined;
      },
      async failedOver(i, timeoutMs = 30_000) {
        if (replicas === 0) throw new Error('redis cluster: no replica to fail over to');
        const survivor = live()[0]!;
        await until(
          async () => {
            const serving = (await servingMasters(survivor)).map((m) => m.address);
            return serving.length === 3 && !serving.includes(masters[i]!) && (await allOk());
          },
          `a replica serving master ${i}'s slots`,
          timeoutMs,
        );
      },
      async restart(i) {
        await stopRedisServer(children[i]);
        children[i] = await launch(ports[i]!, dirs[i]!, nodeTimeoutMs);
        await until(allOk, 'cluster_state:ok after a restart');
      },
      state: (i) => clusterState(ports[i]!),
      async ownerOf(key) {
        const survivor = live()[0]!;
        const slot = Number((await cli(survivor, 'cluster', 'keyslot', key)).trim());
        const owner = (await servingMasters(survivor)).find((m) => m.ranges.some(([a, b]) => slot >= a && slot <= b));
        return owner ? nodes.indexOf(owner.address) : -1;
      },
      stop: () => cleanUp(),
    };
  } catch (error) {
    await cleanUp('SIGKILL');
    throw error;
  }
}
