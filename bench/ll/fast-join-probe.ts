// Which path answers LL-HLS players, and at what CPU: the LL player simulator (its own processes)
// against an edge started in this process (with the synthetic LL origin, whose share of the CPU is
// one request per part), reading the Node fast paths' counters and this process's CPU time.
// Not part of `npm run bench`: a probe to compare two versions of the edge run alternately, from
// clean copies of each commit, on the same box (edge README, "The Node fast path for fresh hits").
//   npx tsx bench/ll/fast-join-probe.ts [players=300] [durationMs=10000]
import os from 'node:os';
import { startEdgeNode } from '../../edge-origin/src/edge/node/start-edge-node.ts';
import { startLlOrigin } from './ll-origin.ts';
import { runLlPlayerSim } from './ll-player-sim.ts';

const players = Number(process.argv[2] ?? 300);
const durationMs = Number(process.argv[3] ?? 10_000);
const origin = await startLlOrigin();
const edge = await startEdgeNode({ port: 0, host: '127.0.0.1', upstreamUrl: origin.url, accessLog: false });
origin.reset();
const cpuBefore = process.cpuUsage();
const result = await runLlPlayerSim(edge.url, origin, { players, durationMs });
const cpu = process.cpuUsage(cpuBefore);
const metrics = await (await fetch(`${edge.url}/_edge/metrics`)).text();
const requests = result.partRequests + result.reloadRequests;
const join = edge.fastJoin as { served: number; handedOff?: number } | null;
console.log(
  JSON.stringify({
    players,
    durationMs,
    load: os.loadavg().map((x) => Math.round(x * 10) / 10),
    requests,
    stalls: result.stalls,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    cpuUsPerRequest: Math.round((cpu.user + cpu.system) / requests),
    fastJoinServed: join?.served,
    fastJoinHandedOff: join?.handedOff,
    fastHitServed: edge.fastPath?.served,
    answers: metrics.split('\n').filter((l) => l.startsWith('edge_requests_total{')),
  }),
);
await edge.close(1000);
await origin.close();
process.exit(0);
