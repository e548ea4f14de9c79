// Issue #14, "an edge worker killed under load": the real entry point with `--workers 2` on a real
// redis-server (EDGE_REDIS_URL), 100 simulated live viewers through its one port, one worker
// SIGKILLed mid-run (an out-of-memory kill, a crash). What viewers and the operator observe:
// - the primary forks a replacement;
// - a viewer whose connection was on the dead worker opens a new one and plays on: at most one
//   stall and a few failed requests (no answer: status 0) each, retried; every other viewer sees
//   nothing at all;
// - the origin still gets about one request per segment: the dead worker's leases do not hold the
//   survivor back (its peer listener refuses, so the survivor fetches itself);
// - what is lost is what only the dead worker's memory had: its Prometheus counters (a scrape sums
//   the living workers) and its audience sightings not yet flushed (2 s at most), which the
//   viewers' next requests on the other worker make up for.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { createClient } from 'redis';
import { startCrowd, type ViewerRecord } from '../../bench/edge/viewer-sim/crowd.ts';
import { AUDIENCE_PREFIX, audienceKeys, utcDay } from '../../shared/audience/keys.ts';
import { childrenOf, commandLine, plainEnv, startNode, type Running } from '../support/built.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { execFileSync } from 'node:child_process';

const ADMIN = 'worker-killed-edge-token';
const VIEWERS = Number(process.env.WORKER_KILLED_VIEWERS ?? 100);
const DURATION_MS = 45_000;
const KILL_AT_MS = 15_000;
const CHANNEL = 'sport';

let redis: TestRedis;
let origin: TestOrigin;
/** Between the edge and the origin: passes everything, until the second test holds one segment back. */
let proxy: FaultProxy;
let edge: Running;

// Everything anew for each test and each run of it: a run kills a worker and counts requests,
// metrics and audience, so a retry (tests/support/retry-once.ts) sharing the first run's Redis and
// edge would count both (10,056 answers counted of 4,550 given, once).
beforeEach(async () => {
  redis = await startRedis();
  origin = await startOrigin();
  proxy = await startFaultProxy(origin.url);
  edge = await startNode(
    ['--import', 'tsx', 'edge-origin/src/bin/edge.node.ts', '--workers', '2'],
    plainEnv({
      EDGE_PORT: '0',
      EDGE_HOST: '127.0.0.1',
      UPSTREAM_URL: proxy.url,
      EDGE_REDIS_URL: redis.url,
      EDGE_ACCESS_LOG: 'false',
      EDGE_ADMIN_TOKEN: ADMIN,
    }),
  );
}, MEDIA_TIMEOUT_MS);
afterEach(async () => {
  await edge?.stop();
  await proxy?.close();
  await origin?.close();
  await redis?.stop();
});

/** The primary's workers (its other children are tsx's esbuild services). */
function workersOf(primary: number): number[] {
  return childrenOf(primary).filter((pid) => {
    try {
      return commandLine(pid).some((arg) => arg.endsWith('edge.node.ts'));
    } catch {
      return false; // gone while we looked
    }
  });
}

const admin = { authorization: `Bearer ${ADMIN}` };

async function until<T>(what: string, probe: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(v)})\n${edge.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every worker shares through Redis: 10 health reads on fresh connections (the kernel spreads them). */
async function allSharing(): Promise<boolean> {
  const reads = await Promise.all(
    Array.from({ length: 10 }, async () => {
      const res = await fetch(`${edge.url}/_edge/health`, { headers: { ...admin, connection: 'close' } });
      return ((await res.json()) as { sharing: string }).sharing;
    }),
  );
  return reads.every((s) => s === 'up');
}

/** The viewers' answers the edge counted (edge_requests_total, its own admin requests left out), over every living worker. */
async function countedRequests(): Promise<number> {
  const res = await fetch(`${edge.url}/_edge/metrics`, { headers: admin });
  expect(res.status).toBe(200);
  let sum = 0;
  for (const line of (await res.text()).split('\n')) {
    if (line.startsWith('edge_requests_total{') && !line.includes('cache="ADMIN"'))
      sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

test('a worker SIGKILLed under 100 viewers: a new one is forked, its viewers reconnect and play on, ~1 upstream request per segment, only its memory lost', async () => {
  await until('two workers sharing through Redis', allSharing, (up) => up);
  const primary = edge.child.pid!;
  const workers = await until(
    'two workers',
    () => workersOf(primary),
    (pids) => pids.length === 2,
  );

  const playlist = (k: number) =>
    `/hls/live/${CHANNEL}/v240/index.m3u8?CMCD=${encodeURIComponent(`sid="viewer-${k}"`)}`;
  const crowd = await startCrowd({
    baseUrl: edge.url,
    viewers: Array.from({ length: VIEWERS }, (_, k) => ({
      kind: 'live' as const,
      playlistPath: playlist(k),
      joinAtMs: Math.random() * 5000,
    })),
    durationMs: DURATION_MS,
    processes: 2,
  });

  // Prometheus scrapes 2 s before the kill: the primary keeps each worker's counters as of then.
  await new Promise((r) => setTimeout(r, crowd.startAtEpochMs + KILL_AT_MS - 2000 - Date.now()));
  const scrapedAt = Date.now();
  const countedBeforeKill = await countedRequests();
  await new Promise((r) => setTimeout(r, crowd.startAtEpochMs + KILL_AT_MS - Date.now()));
  const victim = workers[0]!;
  process.kill(victim, 'SIGKILL');
  const killedAt = Date.now();
  const replacement = await until(
    'the primary forks a replacement',
    () => workersOf(primary).filter((pid) => !workers.includes(pid)),
    (pids) => pids.length === 1,
  );
  const forkedMs = Date.now() - killedAt;
  expect(edge.output()).toContain(`worker ${victim} exited`);
  // A scrape right after: the living workers' sum, never an error.
  const countedAfterKill = await countedRequests();

  const records = await crowd.done;
  await new Promise((r) => setTimeout(r, 2500)); // the audience's last flush (every 2 s)
  expect(workersOf(primary).sort()).toEqual([workers[1]!, ...replacement].sort());
  await until('the new worker shares too', allSharing, (up) => up);

  // The viewers the dead worker served: their connection was closed under them.
  const cut = (v: ViewerRecord) => v.reconnects > 0 || v.requests.some((r) => r.status === 0);
  const onDead = records.filter(cut);
  const others = records.filter((v) => !cut(v));
  const stallsAfterKill = (v: ViewerRecord) => v.stallsAt.filter((t) => t >= killedAt - 1000).length;
  const errors = (v: ViewerRecord) => v.requests.filter((r) => r.status !== 200);
  const lastStall = Math.max(0, ...records.flatMap((v) => v.stallsAt));

  // Upstream requests per live segment, counted at the origin.
  const perSegment = new Map<string, number>();
  for (const path of origin.requests.paths()) {
    if (path.startsWith(`/hls/live/${CHANNEL}/`) && path.endsWith('.ts'))
      perSegment.set(path, (perSegment.get(path) ?? 0) + 1);
  }
  const fetched = [...perSegment.values()].reduce((a, b) => a + b, 0);
  const twice = [...perSegment].filter(([, n]) => n > 1).map(([p]) => p.split('/').at(-1));

  // Metrics: the dead worker's counters went with it. It had counted the answers to its viewers.
  const counted = await countedRequests();
  const answered = records.reduce((n, v) => n + v.requests.filter((r) => r.status !== 0).length, 0);
  const answeredByDead = onDead.reduce(
    (n, v) => n + v.requests.filter((r) => r.status !== 0 && r.at + r.ms < killedAt).length,
    0,
  );
  // What the dead worker counted after the last scrape: all that can be lost.
  const answeredByDeadSinceScrape = onDead.reduce(
    (n, v) => n + v.requests.filter((r) => r.status !== 0 && r.at + r.ms >= scrapedAt && r.at + r.ms < killedAt).length,
    0,
  );

  // Audience: every viewer counted once; watched time against what the viewers' playlist requests span.
  const audience = createClient({ url: redis.url });
  await audience.connect();
  const counted_viewers = await audience.zCard(audienceKeys.live(AUDIENCE_PREFIX, CHANNEL));
  const watchedHash = await audience.hVals(audienceKeys.watched(AUDIENCE_PREFIX, CHANNEL, utcDay(Date.now())));
  await audience.quit();
  const watchedS = watchedHash.reduce((n, v) => n + Number(v), 0) / 1000;
  const spanS =
    records.reduce((n, v) => {
      const seen = v.requests.filter((r) => r.path.includes('.m3u8') && r.status === 200).map((r) => r.at);
      return n + (seen.length > 1 ? Math.max(...seen) - Math.min(...seen) : 0);
    }, 0) / 1000;

  console.log(
    `[worker-killed] ${records.length} live viewers, 2 workers, worker ${victim} SIGKILLed at ${KILL_AT_MS / 1000} s, replacement forked in ${forkedMs} ms; ` +
      `${onDead.length} viewers on it: ${onDead.reduce((n, v) => n + errors(v).length, 0)} failed requests (status ${[...new Set(onDead.flatMap(errors).map((r) => r.status))].join('/') || '-'}), ` +
      `${onDead.reduce((n, v) => n + stallsAfterKill(v), 0)} stalls; ${others.length} others: ${others.reduce((n, v) => n + errors(v).length, 0)} failed, ${others.reduce((n, v) => n + stallsAfterKill(v), 0)} stalls; ` +
      `upstream ${fetched} requests for ${perSegment.size} segments (${(fetched / perSegment.size).toFixed(3)} per segment; more than once: ${twice.join(' ') || 'none'}); ` +
      `metrics: ${counted} answers counted of ${answered} given (lost ${answered - counted}; the dead worker had answered ${answeredByDead}, ${answeredByDeadSinceScrape} since the last scrape; scrapes: 2 s before the kill ${countedBeforeKill}, right after it ${countedAfterKill}); ` +
      `audience: ${counted_viewers} viewers counted, ${watchedS.toFixed(0)} s watched of ${spanS.toFixed(0)} s spanned by their playlist requests; last stall ${lastStall ? `at ${((lastStall - crowd.startAtEpochMs) / 1000).toFixed(1)} s` : 'none'}`,
  );

  // Every viewer plays; the kill cut some viewers (those on the dead worker), not all.
  expect(records.filter((v) => v.played).length).toBe(VIEWERS);
  expect(onDead.length).toBeGreaterThan(0);
  expect(others.length).toBeGreaterThan(0);
  // The others saw nothing; the cut ones reconnected: failures only "no answer", retried, at most one stall.
  expect(others.flatMap(errors)).toEqual([]);
  expect(others.map(stallsAfterKill).filter((n) => n > 0)).toEqual([]);
  expect(onDead.flatMap(errors).filter((r) => r.status !== 0)).toEqual([]);
  expect(onDead.filter((v) => errors(v).length > 3)).toEqual([]);
  expect(onDead.filter((v) => stallsAfterKill(v) > 1)).toEqual([]);
  // …and play on: each one answered a segment after the kill, none stalled in the last 10 s.
  // (One did not, in CI, before the workers accepted from the shared socket themselves: most
  // likely node:cluster's round robin had handed its new connection to the dying worker, see
  // queued-connections.test.ts. What it asked from just before the kill is printed.)
  const silent = onDead.filter(
    (v) => !v.requests.some((r) => r.at > killedAt && r.path.endsWith('.ts') && r.status === 200),
  );
  expect(
    silent.map((v) => ({
      reconnects: v.reconnects,
      stallsAfterKillMs: v.stallsAt.filter((t) => t >= killedAt).map((t) => t - killedAt),
      requests: v.requests
        .filter((r) => r.at + r.ms >= killedAt - 2000)
        .map((r) => `${r.at - killedAt} ms +${r.ms} ${r.path.split('/').at(-1)} ${r.status}`),
    })),
  ).toEqual([]);
  expect(lastStall).toBeLessThan(crowd.endAtEpochMs - 10_000);
  // About one upstream request per segment; a segment the dead worker was fetching at most twice.
  expect(fetched / perSegment.size).toBeLessThanOrEqual(1.1);
  expect([...perSegment.values()].filter((n) => n > 2)).toEqual([]);
  // Lost: what the dead worker counted since the last scrape, no more (its requests in flight at
  // the kill aside; the workers also count the requests they answer each other, see the README),
  // and the sum never dropped below what was scraped before.
  expect(counted).toBeLessThanOrEqual(answered);
  expect(countedAfterKill).toBeGreaterThanOrEqual(countedBeforeKill);
  expect(Math.abs(answered - counted - answeredByDeadSinceScrape)).toBeLessThanOrEqual(onDead.length * 2 + 5);
  // Every viewer counted once in the audience, watched time about what they watched.
  expect(counted_viewers).toBe(VIEWERS);
  expect(watchedS).toBeGreaterThanOrEqual(spanS * 0.9);
  expect(watchedS).toBeLessThanOrEqual(spanS * 1.05);
}, 180_000);

/** The pid listening on a loopback port (a worker's peer listener). */
function listenerPid(port: number): number {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  if (!pid) throw new Error(`nobody listens on ${port}: ${out}`);
  return Number(pid);
}

test('the worker holding a segment’s lease SIGKILLed mid-fetch: the other worker’s viewers still get that segment, fetched once more at most', async () => {
  await until('both workers sharing through Redis', allSharing, (up) => up);
  const primary = edge.child.pid!;
  const channel = 'culture';
  const crowd = await startCrowd({
    baseUrl: edge.url,
    viewers: Array.from({ length: 40 }, (_, k) => ({
      kind: 'live' as const,
      playlistPath: `/hls/live/${channel}/v240/index.m3u8?CMCD=${encodeURIComponent(`sid="lease-${k}"`)}`,
      joinAtMs: Math.random() * 3000,
    })),
    durationMs: 35_000,
    processes: 1,
  });
  await new Promise((r) => setTimeout(r, crowd.startAtEpochMs + 10_000 - Date.now()));

  // The segment published in about 4 s: its first upstream request is held 8 s at the proxy, so the
  // worker that won its election is still fetching it when it dies.
  const newest = Number(
    /#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(
      await (await fetch(`${origin.url}/hls/live/${channel}/v240/index.m3u8`)).text(),
    )?.[1],
  );
  const listed = (await (await fetch(`${origin.url}/hls/live/${channel}/v240/index.m3u8`)).text())
    .split('\n')
    .filter((l) => l.endsWith('.ts')).length;
  const segment = `/hls/live/${channel}/v240/${newest + listed + 1}.ts`;
  const held = proxy.inject({ match: (p) => p === segment, fault: { kind: 'delay', ms: 8000 }, times: 1 });
  await until(
    'the segment’s first fetch reaches the proxy',
    () => held.applied,
    (n) => n === 1,
    20_000,
  );

  // Its lease, in Redis, names the holder's peer listener: that worker dies.
  const bus = createClient({ url: redis.url });
  await bus.connect();
  const lockKey = (await bus.keys('edge:lock:*')).find((k) => k.includes(segment));
  const holderUrl = lockKey ? await bus.get(lockKey) : null;
  await bus.quit();
  expect(holderUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  const victim = listenerPid(Number(new URL(holderUrl!).port));
  expect(workersOf(primary)).toContain(victim);
  process.kill(victim, 'SIGKILL');
  const killedAt = Date.now();

  const records = await crowd.done;
  const cut = (v: ViewerRecord) => v.reconnects > 0 || v.requests.some((r) => r.status === 0);
  const asked = records.flatMap((v) =>
    v.requests.filter((r) => r.path === segment).map((r) => ({ ...r, cut: cut(v) })),
  );
  const gotIt = records.filter((v) => v.requests.some((r) => r.path === segment && r.status === 200));
  const answeredAfterKill = asked.filter((r) => r.status === 200).map((r) => r.at + r.ms - killedAt);
  const upstream = origin.requests.paths().filter((p) => p === segment).length;
  const stalls = records.reduce((n, v) => n + v.stallsAt.filter((t) => t >= killedAt - 2000).length, 0);
  const failures = records.flatMap((v) => v.requests.filter((r) => r.status !== 200));
  console.log(
    `[worker-killed] lease holder ${victim} SIGKILLed while fetching ${segment.split('/').at(-1)} (held 8 s at the proxy): ` +
      `${gotIt.length}/${records.length} viewers got it (answered ${Math.min(...answeredAfterKill).toFixed(0)}-${Math.max(...answeredAfterKill).toFixed(0)} ms after the kill), ` +
      `${asked.filter((r) => r.status !== 200).length} failed answers for it (status ${[...new Set(asked.filter((r) => r.status !== 200).map((r) => r.status))].join('/') || '-'}); ` +
      `origin asked ${upstream} time(s) for it; ${records.filter(cut).length} viewers cut; ${failures.length} failed requests in all; ${stalls} stalls after the kill`,
  );

  // Every viewer got the segment (the dead holder's viewers on their new connection), and the
  // origin was asked for it once more at most: the survivor took the lease over.
  expect(gotIt.length).toBe(records.length);
  expect(upstream).toBeGreaterThanOrEqual(1);
  expect(upstream).toBeLessThanOrEqual(2);
  // Failures are the cut connections' only ("no answer"), never an error from the edge.
  expect(failures.filter((r) => r.status !== 0)).toEqual([]);
  // They were waiting on the dead worker's fetch (nobody had it before the kill)…
  expect(answeredAfterKill.filter((ms) => ms < 0)).toEqual([]);
  // …and nobody waited for the dead worker's lease to run out (first byte + idle time-outs: 20 s).
  expect(answeredAfterKill.filter((ms) => ms > 10_000)).toEqual([]);
}, 120_000);
