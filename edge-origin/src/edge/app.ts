// The edge: an HLS-aware shared HTTP cache in front of the origin, as a web-standard Hono app.
// Everything under /_edge/ belongs to the edge itself; every other path is the origin's.
import { Hono } from 'hono';
import { resolveEdgeConfig, type EdgeConfig, type EdgeConfigInput } from './config.ts';
import { MemoryStore, type StoreObserver, type StoreStats } from './cache/memory-store.ts';
import { currentAge, freshnessLifetime } from './cache/freshness.ts';
import { UpstreamClient } from './upstream/upstream-client.ts';
import { createMetrics, type MetricsExposer } from './admin/metrics.ts';
import { purge } from './admin/purge.ts';
import { mountEdgeRoutes } from './admin/routes.ts';
import { createReadiness } from './admin/readiness.ts';
import { guardedProxy } from './access/guard.ts';
import { loopRefusal } from './proxy/loop-guard.ts';
import { BeaconCollector, type CollectorHost } from './beacons/collector.ts';
import { collectedBeacon } from './beacons/answer.ts';
import { appendVia } from './http/headers.ts';
import { AccessGate } from './access/gate.ts';
import { createHlsPolicy } from './hls/policy.ts';
import { DiskTier, type BlobDir } from './cache/disk-tier.ts';
import type { AudienceObserver } from './audience/observer.ts';
import type { SiteReadiness } from './workers/site-readiness.ts';
import type { ContentPolicy, EdgeContext, PolicyHost, Sharing, SharingHost } from './context.ts';

export const RESERVED_PREFIX = '/_edge/';

export interface Edge {
  app: Hono;
  /** `env`: the runtime's connection info (node-server bindings, Deno's ServeHandlerInfo). */
  fetch(req: Request, env?: unknown): Promise<Response>;
  /** The admin listener's handler (config.adminListen): /_edge/ only, never proxied. */
  adminFetch(req: Request, env?: unknown): Promise<Response>;
  close(): Promise<void>;
  /** Memory tier counters (what /_edge/health reports). */
  stats(): StoreStats;
  readonly config: EdgeConfig;
  /** Resolves once the disk tier has re-read what a previous run stored. */
  readonly ready: Promise<void>;
  /** @internal what the edge is made of, for its runtime layers (the Node fast paths) and tests. */
  readonly context: EdgeContext;
}

export interface EdgeDeps {
  /** Clock in seconds; tests inject one to age entries without sleeping. */
  now?: () => number;
  /** Where structured log lines go (default: console.log as JSON). */
  log?: (line: Record<string, unknown>) => void;
  /** Storage for the disk tier (the runtime entry points make one from config.diskDir). */
  diskDir?: BlobDir;
  /** The runtime's fetch for upstream requests (Node: undici with a connect timeout). */
  upstreamFetch?: typeof fetch;
  /** The client's IP from the runtime's connection info (the `env` given to fetch), for X-Forwarded-For. */
  clientAddress?: (env: unknown) => string | undefined;
  /** Audience counting (audience/): notes live playlist requests; flushed on close. */
  audience?: AudienceObserver;
  /** The content policy, made for this edge (default: live HLS, hls/policy.ts). */
  policy?: (host: PolicyHost) => ContentPolicy;
  /** Several workers as one cache (workers/sharing.ts `sharingOver`); absent: this edge works alone. */
  sharing?: (host: SharingHost) => Sharing;
  /** The process's resident memory in bytes, for readiness (absent: memory not checked). */
  memoryUsage?: () => number;
  /** The site's registry of upstream probes (workers/site-readiness.ts, over Redis), for
   * readiness; absent: this edge knows no siblings. */
  siteReadiness?: SiteReadiness;
  /** How /_edge/metrics answers (Node: with the process's metrics; `--workers N`: summed over the
   * workers, node/cluster-metrics.ts); absent: this edge's own metrics. */
  exposeMetrics?: MetricsExposer;
  /** Told of every change to the memory tier (Node: the native front door's mirror of it). */
  storeObserver?: StoreObserver;
}

export function createEdge(input: EdgeConfigInput, deps: EdgeDeps = {}): Edge {
  const config = resolveEdgeConfig(input);
  const now = deps.now ?? (() => Date.now() / 1000);
  const log = deps.log ?? ((line) => console.log(JSON.stringify(line)));
  const store = new MemoryStore(config.memoryBytes, () => metrics.eviction(), deps.storeObserver);
  const disk = deps.diskDir
    ? new DiskTier(deps.diskDir, {
        budget: config.diskBytes,
        minLifetimeSeconds: config.diskMinLifetimeSeconds,
        maxObjectBytes: config.maxObjectBytes,
      })
    : undefined;
  const metrics = createMetrics(
    () => store.stats(),
    () => disk?.stats(),
    deps.exposeMetrics,
  );
  const background = new Set<Promise<unknown>>();
  const ctx: EdgeContext = {
    config,
    now,
    store,
    disk,
    metrics,
    upstream: new UpstreamClient({
      upstreamUrls: [config.upstreamUrl, ...config.fallbackUpstreamUrls],
      viaName: config.viaName,
      firstByteTimeoutMs: config.upstreamFirstByteTimeoutMs,
      idleTimeoutMs: config.upstreamIdleTimeoutMs,
      connectTimeoutMs: config.upstreamConnectTimeoutMs,
      downMemoryMs: config.upstreamDownMemoryMs,
      now,
      fetch: deps.upstreamFetch,
    }),
    policy: (deps.policy ?? createHlsPolicy)({ config, now }),
    // Purges other workers received reach this edge once it exists (never during its creation).
    sharing: deps.sharing?.({ config, now, purgeHere: (request) => void purge(ctx, request, { propagate: false }) }),
    audience: deps.audience,
    beacons: config.beaconPrefixes.length > 0 ? new BeaconCollector(beaconHost()) : undefined,
    inflight: new Map(),
    purgedTags: new Map(),
    peerSecret: crypto.randomUUID(),
    staleness: (entry) => currentAge(entry, now()) - freshnessLifetime(entry, config),
    track(work) {
      background.add(work);
      void work.finally(() => background.delete(work)).catch(() => {});
    },
    log,
  };
  /** The collector's way upstream: one POST per batch, as any request the edge makes. */
  function beaconHost(): CollectorHost {
    return {
      config,
      send: async (batch) => {
        const headers = new Headers({ 'content-type': 'application/json' });
        appendVia(headers, config.viaName);
        const body = new Response(JSON.stringify(batch)).body;
        const sent = performance.now();
        const { response } = await ctx.upstream.fetch('POST', config.beaconBatchPath, headers, body);
        metrics.upstream(response.status, (performance.now() - sent) / 1000);
        return response;
      },
      log,
      count: (outcome, n) => metrics.beacons(outcome, n),
      waiting: (n) => metrics.beaconsWaiting(n),
    };
  }
  const ready = disk
    ? disk
        .load()
        .catch((error) => log({ level: 'error', msg: 'disk tier: cannot read previous content', error: String(error) }))
    : Promise.resolve();

  const readiness = createReadiness(config, deps.upstreamFetch ?? fetch, deps.memoryUsage, deps.siteReadiness);
  const clientAddress = (env: unknown) => deps.clientAddress?.(env);
  const app = new Hono();
  mountEdgeRoutes(app, ctx, 'public', readiness, clientAddress);
  const gate = AccessGate.from(config);
  // A request back from its own trip upstream is refused before anything else (proxy/loop-guard.ts).
  app.all('*', (c) => {
    const client = deps.clientAddress?.(c.env);
    return (
      loopRefusal(ctx, c.req.raw, client) ??
      collectedBeacon(ctx, c.req.raw, client) ??
      guardedProxy(ctx, gate, c.req.raw, client)
    );
  });
  const adminApp = new Hono();
  mountEdgeRoutes(adminApp, ctx, 'admin', readiness, clientAddress);
  adminApp.all('*', (c) => c.text('404 Adresse d’administration / Admin address: /_edge/ only', 404));

  let closed = false;
  return {
    app,
    config,
    ready,
    context: ctx,
    fetch: async (req, env) => app.fetch(req, env),
    adminFetch: async (req, env) => adminApp.fetch(req, env),
    stats: () => store.stats(),
    async close() {
      if (closed) return;
      closed = true;
      await readiness.close();
      for (const fill of ctx.inflight.values())
        void fill.outcome.then((o) => (o.kind === 'response' ? o.body?.abort() : undefined));
      await Promise.allSettled([...background, ctx.beacons?.close()]);
      await disk?.flush();
      await ctx.audience?.flush();
      store.clear();
    },
  };
}
