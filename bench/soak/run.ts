// `BENCH=soak npm run bench`: the long run. Origin, edge and Redis as processes, N simulated TV
// viewers on the live for D minutes (SOAK_VIEWERS, default 5,000; SOAK_MINUTES, default 30), the
// origin stopped and started again once and Redis bounced once, each at a set moment. Every few
// seconds: the edge's and the origin's RSS and open files (/proc), their event-loop delay (measured
// inside each process by loop-delay-probe.ts), the viewers' requests, errors and stalls. At the end:
// impressions and audience minutes counted (read in Redis) against what the viewers did.
// Writes bench/results/soak.json (SOAK_RESULTS_NAME=other: other.json): the series and a summary
// (flat or not, stalls and losses inside/outside the outages).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { freePort, rssBytes, sleep, startProcess, waitForHttp, type Started } from '../edge/processes.ts';
import { percentile } from '../edge/viewer-sim/simulate.ts';
import { AUDIENCE_PREFIX, audienceKeys, utcDay } from '../../shared/audience/keys.ts';
import { itemAt } from '../../shared/lang/item-at.ts';
import type { SoakCounters, SoakSliceOptions, SoakSliceResult } from './soak-slice.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const num = (name: string, fallback: number) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`soak: ${name} must be a number ≥ 0 (got "${v}")`);
  return n;
};

const minutes = num('SOAK_MINUTES', 30);
const durationS = Math.round(minutes * 60);
const settings = {
  viewers: num('SOAK_VIEWERS', 5000),
  minutes,
  /** How often the processes are sampled. */
  sampleSeconds: num('SOAK_SAMPLE_SECONDS', 5),
  /** Viewers join at random over this many seconds from the start. */
  joinSeconds: num('SOAK_JOIN_SECONDS', 20),
  /** The origin is stopped at this second, and started again this many seconds later. */
  originDownAtS: num('SOAK_ORIGIN_DOWN_AT_S', Math.round(durationS * 0.25)),
  originDownSeconds: num('SOAK_ORIGIN_DOWN_S', 10),
  redisDownAtS: num('SOAK_REDIS_DOWN_AT_S', Math.round(durationS * 0.6)),
  redisDownSeconds: num('SOAK_REDIS_DOWN_S', 10),
  /**
   * An outage's window, for sorting stalls and lost impressions, runs from the stop until this
   * many seconds after the server answers again (clients reconnect with back-off; a player that
   * ran dry meanwhile refills).
   */
  recoveryGraceSeconds: num('SOAK_RECOVERY_GRACE_S', 15),
  /** The staff start a live ad break this often (0: none), this long. */
  breakEverySeconds: num('SOAK_BREAK_EVERY_S', 120),
  breakSeconds: num('SOAK_BREAK_SECONDS', 20),
  edgeWorkers: num('SOAK_EDGE_WORKERS', 1),
  /** The edge's EDGE_PASS_PREFIXES (empty: none). */
  edgePassPrefixes: process.env.SOAK_EDGE_PASS_PREFIXES ?? '/api/v1/ads/',
  resultsName: process.env.SOAK_RESULTS_NAME || 'soak',
  channel: 'sport',
  event: 'sport-hbc-nantes', // on air for 80 minutes after the demo catalog is seeded (data/seed.json)
  rendition: 'v240',
};
const ADMIN_TOKEN = 'soak-admin-token-0123456789abcdef';
const RAISE = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';

interface Outage {
  what: 'origin' | 'redis';
  downAtMs: number;
  /** When it answered again. */
  upAtMs: number;
}

interface ProcessSample {
  rssMiB: number;
  fds: number;
  loopDelayP99Ms: number | null;
  loopDelayMaxMs: number | null;
  /** The edge's memory tier (edge_cache_bytes), the last read; absent for the origin. */
  cacheMiB?: number | null;
  /** The edge's V8 heap in use (nodejs_heap_size_used_bytes), the last read; absent for the origin. */
  heapUsedMiB?: number | null;
}

interface Sample {
  tS: number;
  edge: ProcessSample;
  /** null while stopped. */
  origin: ProcessSample | null;
  redisRssMiB: number | null;
  /** Over the interval that ends here, all viewers together. */
  playlistRequests: number;
  segmentRequests: number;
  errors: number;
  stallsCounted: number;
  adEventsSent: number;
  adEventsOk: number;
  /** Stalls that began in this interval (filled in at the end, from the raw samples). */
  stallsStarted?: number;
}

function openFds(pids: number[]): number {
  let n = 0;
  for (const pid of pids) {
    try {
      n += readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      /* exited */
    }
  }
  return n;
}

/** The worst event-loop delay the probe wrote lately among these pids (null: none yet). */
function loopDelay(dir: string, pids: number[]): { p99: number | null; max: number | null } {
  let p99: number | null = null;
  let max: number | null = null;
  for (const pid of pids) {
    try {
      const f = JSON.parse(readFileSync(path.join(dir, `${pid}.json`), 'utf8')) as {
        atMs: number;
        p99Ms: number;
        maxMs: number;
      };
      if (Date.now() - f.atMs > settings.sampleSeconds * 2000 + 2000) continue; // stale: not this window
      p99 = Math.max(p99 ?? 0, f.p99Ms);
      max = Math.max(max ?? 0, f.maxMs);
    } catch {
      /* not written yet */
    }
  }
  return { p99, max };
}

function processSample(server: Started, dir: string): ProcessSample {
  const pids = server.pids();
  const delay = loopDelay(dir, pids);
  return {
    rssMiB: rssBytes(pids) / 1024 / 1024,
    fds: openFds(pids),
    loopDelayP99Ms: delay.p99,
    loopDelayMaxMs: delay.max,
  };
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den > 0 ? num / den : NaN;
}

/**
 * Flat or not over a stretch of samples: the fitted growth across the stretch against its mean.
 * Flat: RSS grows by less than 10 % of its mean (and under 50 MiB), open files by less than 5 % of theirs + 20.
 * For the edge, RSS is judged beside its memory tier (RSS less edge_cache_bytes): the tier fills
 * with the live's segments and parts as the night goes on, up to EDGE_MEMORY_BYTES, by design;
 * what must not grow is everything else. Both figures are reported.
 */
function flatness(samples: { tS: number; p: ProcessSample }[]) {
  const rss = samples.map((s): [number, number] => [s.tS, s.p.rssMiB]);
  const fds = samples.map((s): [number, number] => [s.tS, s.p.fds]);
  const withTier = samples.every((s) => typeof s.p.cacheMiB === 'number');
  const beside = withTier ? samples.map((s): [number, number] => [s.tS, s.p.rssMiB - (s.p.cacheMiB ?? 0)]) : null;
  const span = samples.length > 1 ? itemAt(samples, samples.length - 1).tS - itemAt(samples, 0).tS : 0;
  const mean = (xs: [number, number][]) => xs.reduce((a, [, y]) => a + y, 0) / Math.max(1, xs.length);
  const grows = (xs: [number, number][]) => slope(xs) * span < Math.min(0.1 * mean(xs), 50);
  const rssGrowth = slope(rss) * span;
  const fdGrowth = slope(fds) * span;
  const fdsFlat = fdGrowth < 0.05 * mean(fds) + 20;
  const delays = samples.map((s) => s.p.loopDelayP99Ms).filter((d): d is number => d !== null);
  return {
    fromS: samples[0]?.tS ?? NaN,
    toS: samples.at(-1)?.tS ?? NaN,
    rssSlopeMiBPerHour: slope(rss) * 3600,
    rssGrowthMiB: rssGrowth,
    rssMeanMiB: mean(rss),
    rssMaxMiB: Math.max(...rss.map(([, y]) => y)),
    ...(beside
      ? {
          memoryTierGrowthMiB: slope(samples.map((s): [number, number] => [s.tS, s.p.cacheMiB ?? 0])) * span,
          memoryTierMaxMiB: Math.max(...samples.map((s) => s.p.cacheMiB ?? 0)),
          rssBesideTierGrowthMiB: slope(beside) * span,
          rssBesideTierMeanMiB: mean(beside),
          heapFloorGrowthMiB: heapFloorGrowthMiB(samples),
          rssFlat: grows(rss),
        }
      : {}),
    fdSlopePerHour: slope(fds) * 3600,
    fdMax: Math.max(...fds.map(([, y]) => y)),
    loopDelayP99Ms: delays.length
      ? percentile(
          delays.sort((a, b) => a - b),
          99,
        )
      : null,
    loopDelayMaxMs: Math.max(...samples.map((s) => s.p.loopDelayMaxMs ?? 0)),
    flat: grows(beside ?? rss) && fdsFlat,
  };
}

/** The edge's memory tier and V8 heap in use, in MiB, from its metrics (loopback: no token needed). */
async function edgeMemory(edgeUrl: string): Promise<{ tierMiB: number | null; heapUsedMiB: number | null }> {
  try {
    const res = await fetch(`${edgeUrl}/_edge/metrics`, { signal: AbortSignal.timeout(2000) });
    const text = await res.text();
    const read = (name: string) => {
      const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1];
      return value === undefined ? null : Number(value) / 1024 / 1024;
    };
    return { tierMiB: read('edge_cache_bytes'), heapUsedMiB: read('nodejs_heap_size_used_bytes') };
  } catch {
    return { tierMiB: null, heapUsedMiB: null };
  }
}

/**
 * The V8 heap's floor: the lowest heap in use per two minutes (after a major collection), fitted
 * over the stretch. A heap that leaks raises its floor; one that only allocates fast does not.
 */
function heapFloorGrowthMiB(samples: { tS: number; p: ProcessSample }[]): number | null {
  const windows = new Map<number, [number, number]>();
  for (const { tS, p } of samples) {
    if (typeof p.heapUsedMiB !== 'number') continue;
    const w = Math.floor(tS / 120);
    const low = windows.get(w);
    if (!low || p.heapUsedMiB < low[1]) windows.set(w, [tS, p.heapUsedMiB]);
  }
  const floors = [...windows.values()];
  if (floors.length < 3) return null;
  const span = itemAt(floors, floors.length - 1)[0] - itemAt(floors, 0)[0];
  return slope(floors) * span;
}

async function startRedis(port: number, dir: string): Promise<Started> {
  const server = startProcess('redis', 'redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    // Impressions and audience minutes outlive a restart, as in a deployment.
    '--appendonly',
    'yes',
    '--save',
    '',
  ]);
  const until = Date.now() + 30_000;
  while (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() !== 'PONG') {
    if (Date.now() > until) throw new Error('soak: redis-server did not answer');
    await sleep(100);
  }
  return server;
}

/** A Node server of ours, its open-file limit raised, the loop-delay probe preloaded. */
function startNode(name: string, entry: string, env: Record<string, string>): Started {
  const node = [process.execPath, '--import', 'tsx', '--import', path.join(here, 'loop-delay-probe.ts')];
  return startProcess(name, 'sh', ['-c', RAISE, ...node, path.join(root, entry)], env);
}

type FromChild =
  | { type: 'ready' }
  | { type: 'progress'; counters: SoakCounters }
  | { type: 'result'; result: SoakSliceResult }
  | { type: 'error'; message: string };

function startGenerator(): ChildProcess {
  const node = [process.execPath, '--max-semi-space-size=32', '--import', 'tsx'];
  return spawn('sh', ['-c', RAISE, ...node, path.join(here, 'soak-viewer-process.ts')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

async function main() {
  const t00 = Date.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'soak-'));
  const probeEnv = { SOAK_LOOP_DELAY_DIR: dir, SOAK_LOOP_DELAY_EVERY_MS: String(settings.sampleSeconds * 1000) };
  const ports = { redis: await freePort(), origin: await freePort(), edge: await freePort() };
  const redisUrl = `redis://127.0.0.1:${ports.redis}`;
  const originUrl = `http://127.0.0.1:${ports.origin}`;
  const edgeUrl = `http://127.0.0.1:${ports.edge}`;
  const originEnv = {
    ...probeEnv,
    ORIGIN_PORT: String(ports.origin),
    REDIS_URL: redisUrl,
    STAFF_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
  };
  const startOrigin = () => startNode('origin', 'edge-origin/src/bin/origin.node.ts', originEnv);
  const startRedisHere = () => startRedis(ports.redis, dir);

  console.log(`soak: ${settings.viewers} viewers, ${settings.minutes} min; starting Redis, origin, edge…`);
  let redis: Started | null = await startRedisHere();
  let origin: Started | null = startOrigin();
  const edge = startNode('edge', 'edge-origin/src/bin/edge.node.ts', {
    ...probeEnv,
    EDGE_PORT: String(ports.edge),
    EDGE_HOST: '127.0.0.1',
    UPSTREAM_URL: originUrl,
    EDGE_ACCESS_LOG: 'false',
    EDGE_WORKERS: String(settings.edgeWorkers),
    // As deployed (deploy/edge/README.md): the ad server's beacons and asset lists pass through.
    EDGE_PASS_PREFIXES: settings.edgePassPrefixes,
    AUDIENCE_REDIS_URL: redisUrl,
    ...(settings.edgeWorkers > 1 ? { EDGE_REDIS_URL: redisUrl } : {}),
  });
  const generators: ChildProcess[] = [];
  try {
    await waitForHttp(`${originUrl}/api/v1/channels`, 600_000, origin);
    await waitForHttp(`${edgeUrl}/_edge/health/live`, 120_000, edge);
    const playlistPath = `/hls/live/${settings.channel}/${settings.rendition}/index.m3u8`;
    await waitForHttp(`${edgeUrl}${playlistPath}`, 60_000, edge);

    // The load generators, loaded before the clock starts.
    const processes = Math.max(1, Math.min(os.availableParallelism(), Math.ceil(settings.viewers / 500)));
    const latest: SoakCounters[] = [];
    const results: Promise<SoakSliceResult>[] = [];
    const readies: Promise<void>[] = [];
    for (let i = 0; i < processes; i++) {
      const child = startGenerator();
      generators.push(child);
      let ready!: () => void;
      readies.push(new Promise((r) => (ready = r)));
      results.push(
        new Promise((resolve, reject) => {
          child.on('message', (m: FromChild) => {
            if (m.type === 'ready') ready();
            else if (m.type === 'progress') latest[i] = m.counters;
            else if (m.type === 'result') resolve(m.result);
            else reject(new Error(`soak: a load generator failed: ${m.message}`));
          });
          child.on('exit', (code) => reject(new Error(`soak: a load generator exited (${code})`)));
        }),
      );
    }
    await Promise.race([
      Promise.all(readies),
      sleep(60_000).then(() => Promise.reject(new Error('soak: generators not ready'))),
    ]);
    const t0 = Date.now() + 500;
    generators.forEach((c, i) => {
      const slice: SoakSliceOptions = {
        slice: i,
        baseUrl: edgeUrl,
        playlistPath,
        viewers: Math.floor(settings.viewers / processes) + (i < settings.viewers % processes ? 1 : 0),
        startAtEpochMs: t0,
        durationMs: durationS * 1000,
        joinSpreadMs: settings.joinSeconds * 1000,
        liveSyncDurationCount: 3,
        retryDelayMs: 1000,
        progressMs: settings.sampleSeconds * 1000,
      };
      c.send({ type: 'start', slice });
    });
    const tOf = (ms: number) => (ms - t0) / 1000;

    // The timeline: outages and ad breaks at set moments.
    const outages: Outage[] = [];
    const breaks: { tS: number; status: number; id?: string }[] = [];
    const timeline: Promise<void>[] = [];
    const at = (s: number, fn: () => Promise<void>) =>
      timeline.push(sleep(Math.max(0, t0 + s * 1000 - Date.now())).then(fn));
    if (settings.originDownAtS < durationS)
      at(settings.originDownAtS, async () => {
        const downAtMs = Date.now();
        console.log(`soak: t=${tOf(downAtMs).toFixed(0)} s: origin stopped`);
        await origin?.stop();
        origin = null;
        await sleep(settings.originDownSeconds * 1000);
        const next = startOrigin();
        await waitForHttp(`${originUrl}/api/v1/channels`, 120_000, next);
        origin = next;
        outages.push({ what: 'origin', downAtMs, upAtMs: Date.now() });
        console.log(`soak: t=${tOf(Date.now()).toFixed(0)} s: origin answers again`);
      });
    if (settings.redisDownAtS < durationS)
      at(settings.redisDownAtS, async () => {
        const downAtMs = Date.now();
        console.log(`soak: t=${tOf(downAtMs).toFixed(0)} s: Redis stopped`);
        await redis?.stop();
        redis = null;
        await sleep(settings.redisDownSeconds * 1000);
        redis = await startRedisHere();
        outages.push({ what: 'redis', downAtMs, upAtMs: Date.now() });
        console.log(`soak: t=${tOf(Date.now()).toFixed(0)} s: Redis answers again`);
      });
    if (settings.breakEverySeconds > 0)
      for (
        let s = settings.breakEverySeconds / 2;
        s < durationS - settings.breakSeconds - 30;
        s += settings.breakEverySeconds
      )
        at(s, async () => {
          const tS = tOf(Date.now());
          try {
            const res = await fetch(`${originUrl}/api/v1/staff/ads/events/${settings.event}/breaks`, {
              method: 'POST',
              headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
              body: JSON.stringify({ durationSeconds: settings.breakSeconds }),
              signal: AbortSignal.timeout(10_000),
            });
            const body = (await res.json().catch(() => ({}))) as { id?: string };
            breaks.push({ tS, status: res.status, ...(body.id ? { id: body.id } : {}) });
          } catch {
            breaks.push({ tS, status: 0 }); // the origin is down: no break this time
          }
        });

    // Sampling.
    const samples: Sample[] = [];
    const previous: SoakCounters[] = [];
    const sum = (xs: SoakCounters[], k: keyof SoakCounters) => xs.reduce((a, c) => a + (c?.[k] ?? 0), 0);
    // Read between samples (a fetch): each sample takes the last value read.
    let edgeMemoryRead: { tierMiB: number | null; heapUsedMiB: number | null } = { tierMiB: null, heapUsedMiB: null };
    const tierReader = setInterval(() => {
      void edgeMemory(edgeUrl).then((m) => {
        edgeMemoryRead = m;
      });
    }, settings.sampleSeconds * 1000);
    const sampler = setInterval(() => {
      const now = latest.slice();
      const diff = (k: keyof SoakCounters) => sum(now, k) - sum(previous, k);
      const s: Sample = {
        tS: Math.round(tOf(Date.now())),
        edge: {
          ...processSample(edge, dir),
          cacheMiB: edgeMemoryRead.tierMiB,
          heapUsedMiB: edgeMemoryRead.heapUsedMiB,
        },
        origin: origin ? processSample(origin, dir) : null,
        redisRssMiB: redis ? rssBytes(redis.pids()) / 1024 / 1024 : null,
        playlistRequests: diff('playlistRequests'),
        segmentRequests: diff('segmentRequests'),
        errors: diff('errors'),
        stallsCounted: diff('stalls'),
        adEventsSent: diff('adEventsSent'),
        adEventsOk: diff('adEventsOk'),
      };
      previous.splice(0, previous.length, ...now);
      samples.push(s);
      if (samples.length % Math.max(1, Math.round(30 / settings.sampleSeconds)) === 0) {
        const f = (n: number | null | undefined, d = 0) => (n === null || n === undefined ? '-' : n.toFixed(d));
        console.log(
          `soak: t=${s.tS} s  edge ${f(s.edge.rssMiB)} MiB (tier ${f(s.edge.cacheMiB)}) ${s.edge.fds} fds ELD p99 ${f(s.edge.loopDelayP99Ms, 1)} ms | ` +
            `origin ${f(s.origin?.rssMiB)} MiB ${f(s.origin?.fds)} fds ELD p99 ${f(s.origin?.loopDelayP99Ms, 1)} ms | ` +
            `requests ${s.playlistRequests + s.segmentRequests}, errors ${s.errors}, stalls ${s.stallsCounted}, ads ${s.adEventsOk}/${s.adEventsSent}`,
        );
      }
    }, settings.sampleSeconds * 1000);

    const slices = await Promise.all(results);
    clearInterval(sampler);
    clearInterval(tierReader);
    await Promise.all(timeline);
    const endMs = t0 + durationS * 1000;
    // The edge flushes sightings every 2 s: let the last batch land.
    await sleep(5000);

    // What Redis counted.
    const client = createClient({ url: redisUrl });
    client.on('error', () => {});
    await client.connect();
    let countedWatchedMs = 0;
    for (let day = utcDay(t0); ; day = utcDay(Date.parse(`${day}T00:00:00Z`) + 86_400_000)) {
      const hash = await client.hGetAll(audienceKeys.watched(AUDIENCE_PREFIX, settings.channel, day));
      for (const v of Object.values(hash)) countedWatchedMs += Number(v);
      if (day >= utcDay(endMs + 10_000)) break;
    }
    let countedImpressions = 0;
    for await (const keys of client.scanIterator({ MATCH: 'citetv:ads:tally:campaign:*', COUNT: 100 })) {
      for (const key of Array.isArray(keys) ? keys : [keys]) {
        for (const v of Object.values(await client.hGetAll(key))) countedImpressions += Number(v);
      }
    }
    await client.close();

    // Sorting into inside / outside the outages.
    const windows = outages.map((o) => ({
      ...o,
      fromMs: o.downAtMs,
      toMs: o.upAtMs + settings.recoveryGraceSeconds * 1000,
    }));
    const inOutage = (ms: number) => windows.some((w) => ms >= w.fromMs && ms <= w.toMs);
    const stallStarts = slices.flatMap((s) => [...s.stallStartMs]);
    for (const s of samples) {
      const to = t0 + s.tS * 1000;
      const from = to - settings.sampleSeconds * 1000;
      s.stallsStarted = stallStarts.filter((ms) => ms > from && ms <= to).length;
    }
    let adSent = 0;
    let adOk = 0;
    let adFailedOutside = 0;
    let adFailedInside = 0;
    const adFailedOutsideAtS: number[] = [];
    for (const s of slices)
      s.adEventAnsweredMs.forEach((ms, i) => {
        adSent++;
        if (s.adEventOk[i]) adOk++;
        else if (inOutage(ms)) adFailedInside++;
        else {
          adFailedOutside++;
          if (adFailedOutsideAtS.length < 50) adFailedOutsideAtS.push(Math.round(tOf(ms)));
        }
      });
    const merge = (f: (s: SoakSliceResult) => Record<string, number>) =>
      slices.reduce<Record<string, number>>((all, s) => {
        for (const [k, n] of Object.entries(f(s))) all[k] = (all[k] ?? 0) + n;
        return all;
      }, {});
    const expectedWatchedMs = slices.reduce((a, s) => a + s.expectedWatchedMs, 0);
    // Audience sightings flushed while Redis is down are lost; a viewer's next sighting after it
    // adds the whole gap back if the gap is under the 30 s active window (shared/audience/keys.ts).
    // So a Redis outage costs nothing below ~23 s (30 s minus the 2 s flush and 3 s reconnect
    // back-off and a playlist interval), and the whole gap per viewer above.
    const redisOutage = outages.find((o) => o.what === 'redis');
    const redisGapMs = redisOutage ? redisOutage.upAtMs - redisOutage.downAtMs + 7000 : 0;
    const watchedAllowanceMs = redisGapMs >= 30_000 ? settings.viewers * (redisGapMs + 3000) : 0;
    const ttfb = Float64Array.from(slices.flatMap((s) => [...s.segmentTtfbMs])).sort();
    // The last two-thirds; for the origin, only its second life (from 30 s after its restart).
    const originUp = outages.find((o) => o.what === 'origin');
    const originFrom = Math.max(durationS / 3, originUp ? tOf(originUp.upAtMs) + 30 : 0);
    const edgeFlat = flatness(samples.filter((s) => s.tS >= durationS / 3).map((s) => ({ tS: s.tS, p: s.edge })));
    const originFlat = flatness(
      samples
        .filter((s): s is Sample & { origin: ProcessSample } => s.tS >= originFrom && s.origin !== null)
        .map((s) => ({ tS: s.tS, p: s.origin })),
    );
    const stallsInside = stallStarts.filter(inOutage).length;
    // Stalls outside the outages that began within a minute of an ad break being started: the
    // viewers' asset-list and tracking requests all pass through the edge to the origin at once.
    const breakStarts = breaks.filter((b) => b.status === 201).map((b) => t0 + b.tS * 1000);
    const nearBreak = (ms: number) => breakStarts.some((b) => ms >= b && ms <= b + 60_000);
    const stallsOutsideNearBreaks = stallStarts.filter((ms) => !inOutage(ms) && nearBreak(ms)).length;
    const summary = {
      edge: edgeFlat,
      origin: { ...originFlat, note: 'after its restart (+30 s) and within the last two-thirds' },
      viewers: {
        playing: slices.reduce((a, s) => a + s.playing, 0),
        requests:
          sum(
            slices.map((s) => s.counters),
            'playlistRequests',
          ) +
          sum(
            slices.map((s) => s.counters),
            'segmentRequests',
          ),
        errors: sum(
          slices.map((s) => s.counters),
          'errors',
        ),
        errorsByStatus: merge((s) => s.errorsByStatus),
        segmentTtfbP50Ms: percentile(ttfb, 50),
        segmentTtfbP99Ms: percentile(ttfb, 99),
        stalls: stallStarts.length,
        stallsInsideOutages: stallsInside,
        stallsOutsideOutages: stallStarts.length - stallsInside,
        stallsOutsideOutagesWithinAMinuteOfABreak: stallsOutsideNearBreaks,
        stallSeconds: slices.reduce((a, s) => a + s.stalledMs, 0) / 1000,
        reconnects: slices.reduce((a, s) => a + s.reconnects, 0),
      },
      impressions: {
        breaks: breaks.length,
        breaksStarted: breaks.filter((b) => b.status === 201).length,
        assetLists: sum(
          slices.map((s) => s.counters),
          'assetLists',
        ),
        assetListsFailedByStatus: merge((s) => s.assetListStatus),
        eventsSent: adSent,
        eventsTaken: adOk,
        eventsFailedInsideOutages: adFailedInside,
        eventsFailedOutsideOutages: adFailedOutside,
        /** When (s) the first 50 of those were answered. */
        eventsFailedOutsideAtS: adFailedOutsideAtS.sort((a, b) => a - b),
        failedByStatus: merge((s) => s.adEventStatus),
        countedInRedis: countedImpressions,
        /** Taken (204) but not counted, plus failed outside the outages: must be 0. */
        lostBeyondOutages: Math.max(0, adOk - countedImpressions) + adFailedOutside,
      },
      audience: {
        expectedMinutes: expectedWatchedMs / 60_000,
        countedMinutes: countedWatchedMs / 60_000,
        lostMinutes: Math.max(0, expectedWatchedMs - countedWatchedMs) / 60_000,
        outageAllowanceMinutes: watchedAllowanceMs / 60_000,
        lostBeyondOutagesMinutes: Math.max(0, expectedWatchedMs - countedWatchedMs - watchedAllowanceMs) / 60_000,
      },
      outages: windows.map((w) => ({
        what: w.what,
        downAtS: tOf(w.downAtMs),
        upAtS: tOf(w.upAtMs),
        windowEndS: tOf(w.toMs),
      })),
    };
    const out = {
      date: new Date().toISOString(),
      machine: { cores: os.cpus().length, node: process.version, loadAverage: os.loadavg() },
      settings,
      wallSeconds: (Date.now() - t00) / 1000,
      summary,
      breaks,
      samples,
    };
    mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    const file = path.join(root, `bench/results/${settings.resultsName}.json`);
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    printSummary(summary);
    console.log(`soak: written ${path.relative(root, file)}`);
  } finally {
    for (const c of generators) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await edge.stop();
    await (origin as Started | null)?.stop();
    await (redis as Started | null)?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function printSummary(s: {
  edge: ReturnType<typeof flatness>;
  origin: ReturnType<typeof flatness>;
  viewers: Record<string, unknown>;
  impressions: Record<string, unknown>;
  audience: Record<string, number>;
}) {
  const f = (n: unknown, d = 1) => (typeof n === 'number' ? n.toFixed(d) : String(n));
  for (const [name, p] of [
    ['edge', s.edge],
    ['origin', s.origin],
  ] as const) {
    console.log(
      `${name.padEnd(6)} RSS ${f(p.rssMeanMiB, 0)} MiB (max ${f(p.rssMaxMiB, 0)}), slope ${f(p.rssSlopeMiBPerHour)} MiB/h; ` +
        ('rssBesideTierGrowthMiB' in p
          ? `memory tier max ${f(p.memoryTierMaxMiB, 0)} MiB, RSS beside it grew ${f(p.rssBesideTierGrowthMiB, 0)} MiB, ` +
            `V8 heap floor grew ${f(p.heapFloorGrowthMiB, 0)} MiB; `
          : '') +
        `fds max ${p.fdMax}; ELD p99 ${f(p.loopDelayP99Ms)} ms (max ${f(p.loopDelayMaxMs, 0)}); flat: ${p.flat}`,
    );
  }
  const v = s.viewers;
  console.log(
    `viewers: ${v.playing} playing, ${v.requests} requests, ${v.errors} errors, stalls ${v.stalls} ` +
      `(outside the outages ${v.stallsOutsideOutages}, of which within a minute of an ad break ${v.stallsOutsideOutagesWithinAMinuteOfABreak}), segment TTFB p50/p99 ${f(v.segmentTtfbP50Ms)}/${f(v.segmentTtfbP99Ms)} ms`,
  );
  const i = s.impressions;
  console.log(
    `impressions: ${i.eventsSent} sent, ${i.eventsTaken} taken, ${i.countedInRedis} counted; failed inside/outside the outages ` +
      `${i.eventsFailedInsideOutages}/${i.eventsFailedOutsideOutages}; lost beyond the outages ${i.lostBeyondOutages}`,
  );
  const a = s.audience;
  console.log(
    `audience minutes: expected ${f(a.expectedMinutes)}, counted ${f(a.countedMinutes)}, lost beyond the outages ${f(a.lostBeyondOutagesMinutes)}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
