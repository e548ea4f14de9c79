// Prometheus metrics. prom-client is Node-flavoured, so the rest of the edge only sees the small
// EdgeMetrics interface; each edge has its own registry (several edges can live in one process,
// as in the tests). How a scrape is answered is the runtime's (`MetricsExposer`): the Node entry
// adds the process's default metrics and, with `--workers N`, the sum over the workers
// (node/cluster-metrics.ts). Each metric says how workers' values add up (`aggregator`).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StoreStats } from '../cache/memory-store.ts';
import { LeanHistogram } from './lean-histogram.ts';

export type CacheResult =
  | 'HIT'
  | 'MISS'
  | 'STALE'
  | 'REVALIDATED'
  | 'COLLAPSED'
  | 'PASS'
  | 'EXPIRED'
  | 'NEGATIVE'
  | 'ERROR'
  /** A beacon answered here and sent on in a batch (beacons/collector.ts). */
  | 'BEACON';

export interface Exposition {
  contentType: string;
  body: string;
}

/** How a scrape is answered, given this edge's own registry (default: that registry alone). */
export type MetricsExposer = (own: Registry) => () => Promise<Exposition>;

/** Answers to viewers, from the request to the response's headers: 1 ms (a hit) to 10 s (a held
 * LL-HLS reload, a slow origin). */
const RESPONSE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface EdgeMetrics {
  /** An answer's head went out, `seconds` after its request arrived (0: refused as it arrived). */
  request(status: number, cache: CacheResult | 'ADMIN', seconds?: number): void;
  /** An answer to a sibling edge or worker streaming an object this one fetched (not a viewer's). */
  siblingRequest(status: number, cache: CacheResult): void;
  bytesServed(bytes: number): void;
  upstream(status: number | 'error', seconds: number): void;
  collapsedFetch(waiters: number): void;
  eviction(): void;
  prefetch(): void;
  slowClientCut(): void;
  /** Beacons collected, sent on in batches, or refused with their batch (beacons/collector.ts). */
  beacons(outcome: 'collected' | 'sent' | 'refused', n: number): void;
  /** Beacons waiting to be sent, now. */
  beaconsWaiting(n: number): void;
  /** A connection the Node front door handed to node:http, and why (node/front-door.ts). */
  handedOff(reason: HandOffReason): void;
  render(): Promise<Exposition>;
}

/** Why the front door handed a connection over: a head not complete in what had come, one its
 * reader does not take, or a request no fast path answered (a miss, a join...). */
export type HandOffReason = 'incomplete' | 'not-plain' | 'not-answered';

const alone: MetricsExposer = (own) => async () => ({ contentType: own.contentType, body: await own.metrics() });

/** `diskStats`: the disk tier's figures, undefined when the edge has none (no gauge values then). */
export function createMetrics(
  stats: () => StoreStats,
  diskStats: () => { bytes: number; objects: number } | undefined = () => undefined,
  expose: MetricsExposer = alone,
): EdgeMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'edge_requests_total',
    help: 'Requests answered, by status and cache result',
    labelNames: ['status', 'cache'] as const,
    registers: [registry],
  });
  const siblingRequests = new Counter({
    name: 'edge_sibling_requests_total',
    help: 'Answers to sibling edges and workers streaming an object this one fetched for the site (not in edge_requests_total), by status and cache result',
    labelNames: ['status', 'cache'] as const,
    registers: [registry],
  });
  // Every answer observes it: prom-client's rendering, a leaner observe (admin/lean-histogram.ts).
  const responseTime = new LeanHistogram(
    'edge_response_seconds',
    'Time from a request to its answer headers, by cache result',
    'cache',
    RESPONSE_BUCKETS,
    registry,
  );
  const bytes = new Counter({
    name: 'edge_bytes_served_total',
    help: 'Body bytes sent to clients',
    registers: [registry],
  });
  const upstreamRequests = new Counter({
    name: 'edge_upstream_requests_total',
    help: 'Requests sent upstream, by status (or error)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const upstreamLatency = new Histogram({
    name: 'edge_upstream_response_seconds',
    help: 'Time from sending a request upstream to its response headers',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const waiters = new Histogram({
    name: 'edge_collapsed_waiters',
    help: 'Clients served by one upstream fetch (1 = no collapsing)',
    buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 5000],
    registers: [registry],
  });
  const prefetches = new Counter({
    name: 'edge_prefetches_total',
    help: 'Segments fetched ahead of viewers after a live playlist refresh',
    registers: [registry],
  });
  const slowCuts = new Counter({
    name: 'edge_slow_clients_cut_total',
    help: 'Viewers cut off for falling too far behind a pass-through stream',
    registers: [registry],
  });
  const beacons = new Counter({
    name: 'edge_beacons_total',
    help: 'Beacons answered by the edge (collected), sent on to the upstream in batches (sent), or dropped with a batch the upstream refused (refused)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const beaconsWaiting = new Gauge({
    name: 'edge_beacons_waiting',
    help: 'Beacons collected and not yet taken by the upstream',
    aggregator: 'sum',
    registers: [registry],
  });
  const handOffs = new Counter({
    name: 'edge_front_door_handoffs_total',
    help: 'Connections the Node front door handed to node:http, by reason: a head in pieces (incomplete), one it does not read (not-plain), a request no fast path answered (not-answered)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const evictions = new Counter({
    name: 'edge_cache_evictions_total',
    help: 'Objects evicted by the LRU to stay within the memory budget',
    registers: [registry],
  });
  // The stored figures are read when Prometheus scrapes, not kept up to date per request. Each
  // worker has its own tiers and budget: the edge's figure is the sum.
  const gauge = (name: string, help: string, read: () => number | undefined) =>
    new Gauge({
      name,
      help,
      aggregator: 'sum',
      registers: [registry],
      collect() {
        const value = read();
        if (value !== undefined) this.set(value);
      },
    });
  gauge('edge_cache_bytes', 'Bytes held by the memory tier', () => stats().bytes);
  gauge('edge_cache_objects', 'Objects held by the memory tier', () => stats().objects);
  gauge('edge_disk_bytes', 'Bytes held by the disk tier (bodies and headers)', () => diskStats()?.bytes);
  gauge('edge_disk_objects', 'Objects held by the disk tier', () => diskStats()?.objects);
  gauge('edge_cache_budget_bytes', 'Configured memory tier budget', () => stats().budget);
  gauge('edge_workers', 'Worker processes whose figures this scrape adds up', () => 1);
  // One labelled child per (status, cache) pair, looked up once: every request counts here, and
  // prom-client hashes the label object on each labelled inc().
  const requestCounters = new Map<string, { inc(): void }>();
  const responseTimers = new Map<string, (seconds: number) => void>();
  return {
    request: (status, cache, seconds = 0) => {
      const id = `${status} ${cache}`;
      let counter = requestCounters.get(id);
      if (!counter) requestCounters.set(id, (counter = requests.labels(String(status), cache)));
      counter.inc();
      let timer = responseTimers.get(cache);
      if (!timer) responseTimers.set(cache, (timer = responseTime.series(cache)));
      timer(seconds);
    },
    siblingRequest: (status, cache) => siblingRequests.inc({ status: String(status), cache }),
    bytesServed: (n) => bytes.inc(n),
    upstream: (status, seconds) => {
      upstreamRequests.inc({ status: String(status) });
      upstreamLatency.observe(seconds);
    },
    collapsedFetch: (n) => waiters.observe(n),
    eviction: () => evictions.inc(),
    prefetch: () => prefetches.inc(),
    slowClientCut: () => slowCuts.inc(),
    beacons: (outcome, n) => beacons.inc({ outcome }, n),
    handedOff: (reason) => handOffs.inc({ reason }),
    beaconsWaiting: (n) => beaconsWaiting.set(n),
    render: expose(registry),
  };
}
