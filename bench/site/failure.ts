// The `site-failure` configuration of the site bench: at a set instant, SIGKILL one edge node (its
// whole process group) and one master of the Redis Cluster, as a power cut would; afterwards, what
// that cost the viewers and the origin. Viewers of the dead node move to another address
// (player.ts, rule 7); the outage is theirs, in the seconds around the kill: every stall elsewhere,
// or later, is the site's fault.
import type { TestRedisCluster } from '../../tests/support/redis-cluster.ts';
import { cpuSeconds, type Started } from '../edge/processes.ts';
import { percentile, type ViewerSimResult } from '../edge/viewer-sim/simulate.ts';
import type { LiveOrigin } from './live-origin.ts';

/** The node killed (the last address) and the master killed. */
const NODE = 2;
const MASTER = 1;
/**
 * The outage of the dead node's viewers, around the kill: from a second before (a request already
 * on its way when the node died) to a few target durations after (the longest a viewer's buffer,
 * three segments at most, could hide a late move).
 */
const OUTAGE_BEFORE_S = 1;
const OUTAGE_TARGET_DURATIONS = 3;

export interface Kill {
  node: number;
  /** Media sequence number of the newest segment when the kill happened. */
  newestAtKill: number;
  /** CPU the dead node had used by then (it is gone from the meter afterwards). */
  deadCpuSeconds: number;
  /** From the kill to the master's replica serving its slots (the cluster's failover), and the
   *  newest segment's media sequence number then. */
  redisFailover: Promise<{ ms: number; newest: number }>;
}

export interface Failure {
  /** Resolves once both are dead. */
  done: Promise<Kill>;
  isDead(node: Started): boolean;
  masterKilled(): boolean;
  master: number;
  cancel(): void;
}

export function injectFailure(o: {
  atEpochMs: number;
  nodes: Started[];
  cluster: TestRedisCluster;
  origin: LiveOrigin;
}): Failure {
  const node = o.nodes[NODE]!;
  let dead = false;
  let masterKilled = false;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<Kill>((resolve, reject) => {
    timer = setTimeout(
      () => {
        const kill = { node: NODE, newestAtKill: o.origin.newestSequence(), deadCpuSeconds: cpuSeconds(node.pids()) };
        try {
          process.kill(-node.proc.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
        dead = true;
        masterKilled = true;
        const killedAt = Date.now();
        o.cluster.kill(MASTER).then(() => {
          const redisFailover = o.cluster.failedOver(MASTER, 60_000).then(
            () => ({ ms: Date.now() - killedAt, newest: o.origin.newestSequence() }),
            () => ({ ms: NaN, newest: Number.MAX_SAFE_INTEGER }),
          );
          resolve({ ...kill, redisFailover });
        }, reject);
      },
      Math.max(0, o.atEpochMs - Date.now()),
    );
  });
  done.catch(() => {}); // handled where it is awaited, after the run
  return {
    done,
    isDead: (n) => dead && n === node,
    masterKilled: () => masterKilled,
    master: MASTER,
    cancel: () => clearTimeout(timer),
  };
}

export interface FailureFigures {
  killAtS: number;
  killedNode: string;
  killedRedisMaster: string;
  /** From the kill to its replica serving its slots. */
  redisFailoverMs: number;
  /** Of the segments after the kill, those listed by the time the replica was promoted. */
  segmentsDuringFailover: number;
  upstreamRequestsPerSegmentDuringFailover: number;
  /** Upstream requests per distinct segment among those the origin listed only after the kill. */
  segmentsAfterKill: number;
  upstreamRequestsPerSegmentAfterKill: number;
  stallsBeforeKill: number;
  /** After the kill, outside the outage (any viewer of the nodes left; the dead node's after the outage). */
  stallsAfterKill: number;
  /** The dead node's viewers, in the seconds around the kill. */
  stallsInOutage: number;
  deadNodeViewers: number;
  /** Viewers of the dead node playing again on another (a first 200 there). */
  deadNodeViewersMoved: number;
  failovers: number;
  targetDurationMs: number;
  /** From a viewer's first unanswered request to its first 200 on another node. */
  reconnectP50Ms: number;
  reconnectP95Ms: number;
  reconnectMaxMs: number;
  reconnectsOverTargetDuration: number;
  /**
   * From the kill to the dead node's last viewer playing on another node: a viewer learns of the
   * death only at its next request, which the reconnect time above does not count.
   */
  lastBackAfterKillMs: number;
  errorsByStatus: Record<string, number>;
  /**
   * Viewers that received a segment in the two target durations before the kill, and before the
   * end: the audience as the viewers count it. The edges' own audience figures cannot be read
   * here: they need a plain Redis (not the cluster) and tell viewers apart by address and
   * user-agent, which all the simulated viewers share.
   */
  watchingBeforeKill: number;
  watchingAtEnd: number;
  /** Each node left's `sharing` state (/_edge/health) at the end: down = fetching for itself. */
  sharingAtEnd: string[];
}

export async function failureFigures(o: {
  kill: Kill;
  sims: ViewerSimResult[];
  segments: Set<string>;
  origin: LiveOrigin;
  urls: string[];
  clusterNodes: string[];
  adminToken: string;
  killAtS: number;
  targetDurationS: number;
}): Promise<FailureFigures> {
  const after = [...o.segments].filter((p) => o.origin.sequenceOf(p) > o.kill.newestAtKill);
  const upstreamOf = (paths: string[]) => paths.reduce((n, p) => n + (o.origin.counts.get(p) ?? 0), 0);
  const upstreamAfter = upstreamOf(after);
  const failover = await o.kill.redisFailover;
  const during = after.filter((p) => o.origin.sequenceOf(p) <= failover.newest);

  const outageFrom = Math.floor(o.killAtS - OUTAGE_BEFORE_S);
  const outageTo = Math.ceil(o.killAtS + OUTAGE_TARGET_DURATIONS * o.targetDurationS);
  let before = 0;
  let afterKill = 0;
  let inOutage = 0;
  o.sims.forEach((sim, i) => {
    sim.stallsPerSecond.forEach((n, second) => {
      if (i === o.kill.node && second >= outageFrom && second < outageTo) inOutage += n;
      else if (second < o.killAtS) before += n;
      else afterKill += n;
    });
  });

  const reconnect = new Float64Array(o.sims.reduce((n, s) => n + s.reconnectMs.length, 0));
  let at = 0;
  for (const s of o.sims) {
    reconnect.set(s.reconnectMs, at);
    at += s.reconnectMs.length;
  }
  reconnect.sort();
  const targetMs = o.targetDurationS * 1000;

  const errorsByStatus: Record<string, number> = {};
  for (const s of o.sims)
    for (const [k, n] of Object.entries(s.errorsByStatus)) errorsByStatus[k] = (errorsByStatus[k] ?? 0) + n;

  const left = o.urls.filter((_, i) => i !== o.kill.node);
  const sharingAtEnd = await Promise.all(
    left.map(async (url) => {
      try {
        const res = await fetch(`${url}/_edge/health`, { headers: { authorization: `Bearer ${o.adminToken}` } });
        return String(((await res.json()) as { sharing?: unknown }).sharing);
      } catch {
        return 'unreadable';
      }
    }),
  );

  const dead = o.sims[o.kill.node]!;
  return {
    killAtS: o.killAtS,
    killedNode: o.urls[o.kill.node]!,
    killedRedisMaster: o.clusterNodes[MASTER]!,
    redisFailoverMs: failover.ms,
    segmentsDuringFailover: during.length,
    upstreamRequestsPerSegmentDuringFailover: upstreamOf(during) / Math.max(1, during.length),
    segmentsAfterKill: after.length,
    upstreamRequestsPerSegmentAfterKill: upstreamAfter / Math.max(1, after.length),
    stallsBeforeKill: before,
    stallsAfterKill: afterKill,
    stallsInOutage: inOutage,
    deadNodeViewers: dead.viewers,
    deadNodeViewersMoved: dead.reconnectMs.length,
    failovers: o.sims.reduce((n, s) => n + s.failovers, 0),
    targetDurationMs: targetMs,
    reconnectP50Ms: percentile(reconnect, 50),
    reconnectP95Ms: percentile(reconnect, 95),
    reconnectMaxMs: reconnect.length > 0 ? reconnect[reconnect.length - 1]! : NaN,
    reconnectsOverTargetDuration: reconnect.filter((ms) => ms > targetMs).length,
    lastBackAfterKillMs:
      dead.reconnectedAtS.length > 0 ? (dead.reconnectedAtS[dead.reconnectedAtS.length - 1]! - o.killAtS) * 1000 : NaN,
    errorsByStatus,
    watchingBeforeKill: o.sims.reduce((n, s) => n + (s.watching[0] ?? 0), 0),
    watchingAtEnd: o.sims.reduce((n, s) => n + (s.watching[1] ?? 0), 0),
    sharingAtEnd,
  };
}
