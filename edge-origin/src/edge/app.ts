// The edge: an HLS-aware shared HTTP cache in front of the origin, as a web-standard Hono app.
// Everything under /_edge/ belongs to the edge itself; every other path is the origin's.
import { Hono } from 'hono';
import { resolveEdgeConfig, type EdgeConfig, type EdgeConfigInput } from './config.ts';
import { MemoryStore, type StoreStats } from './cache/memory-store.ts';
import { currentAge, freshnessLifetime } from './cache/freshness.ts';
import { PEER_HEADER, UpstreamClient } from './upstream/upstream-client.ts';
import { createMetrics } from './admin/metrics.ts';
import { healthBody } from './admin/health.ts';
import { handlePurge } from './admin/purge.ts';
import { handleProxy } from './proxy/handler.ts';
import { createHlsPolicy } from './hls/policy.ts';
import type { EdgeContext } from './proxy/context.ts';
import { DiskTier, type BlobDir } from './cache/disk-tier.ts';
import type { AudienceObserver } from './audience/observer.ts';

export const RESERVED_PREFIX = '/_edge/';

export interface Edge {
  app: Hono;
  /** `env`: the runtime's connection info (node-server bindings, Deno's ServeHandlerInfo). */
  fetch(req: Request, env?: unknown): Promise<Response>;
  close(): Promise<void>;
  /** Memory tier counters (what /_edge/health reports). */
  stats(): StoreStats;
  readonly config: EdgeConfig;
  /** Resolves once the disk tier has re-read what a previous run stored. */
  readonly ready: Promise<void>;
  /** @internal shared state for the runtime layers (workers, disk). */
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
}

export function createEdge(input: EdgeConfigInput, deps: EdgeDeps = {}): Edge {
  const config = resolveEdgeConfig(input);
  const now = deps.now ?? (() => Date.now() / 1000);
  const store = new MemoryStore(config.memoryBytes);
  const metrics = createMetrics(() => store.stats(), () => ctx.disk?.stats());
  store.onEvict = () => metrics.eviction();
  const background = new Set<Promise<unknown>>();
  const ctx: EdgeContext = {
    config,
    now,
    store,
    metrics,
    upstream: new UpstreamClient({
      upstreamUrls: [config.upstreamUrl, ...config.fallbackUpstreamUrls],
      viaName: config.viaName,
      firstByteTimeoutMs: config.upstreamFirstByteTimeoutMs,
      idleTimeoutMs: config.upstreamIdleTimeoutMs,
      connectTimeoutMs: config.upstreamConnectTimeoutMs,
      now,
      fetch: deps.upstreamFetch,
    }),
    policy: null as unknown as EdgeContext['policy'],
    inflight: new Map(),
    staleness: (entry) => currentAge(entry, now()) - freshnessLifetime(entry, config),
    track(work) {
      background.add(work);
      void work.finally(() => background.delete(work)).catch(() => {});
    },
    log: deps.log ?? ((line) => console.log(JSON.stringify(line))),
    purgedTags: new Map(),
    peerSecret: crypto.randomUUID(),
  };
  if (deps.diskDir) {
    ctx.disk = new DiskTier(deps.diskDir, {
      budget: config.diskBytes,
      minLifetimeSeconds: config.diskMinLifetimeSeconds,
      maxObjectBytes: config.maxObjectBytes,
    });
  }
  const ready = ctx.disk ? ctx.disk.load().catch((error) => ctx.log({ level: 'error', msg: 'disk tier: cannot read previous content', error: String(error) })) : Promise.resolve();
  ctx.policy = createHlsPolicy(ctx);

  const app = new Hono();
  app.get('/_edge/health', (c) =>
    c.json(
      healthBody(store.stats(), ctx.inflight.size, [...ctx.inflight.values()].reduce((n, f) => n + f.participants, 0), [config.upstreamUrl, ...config.fallbackUpstreamUrls], ctx.disk?.stats(), ctx.sharingReady ? (ctx.sharingReady() ? 'up' : 'down') : 'off'),
    ),
  );
  app.get('/_edge/metrics', async () => {
    const { contentType, body } = await metrics.render();
    return new Response(body, { headers: { 'content-type': contentType } });
  });
  app.post('/_edge/purge', (c) => handlePurge(ctx, c.req.raw));
  // The reserved prefix is never proxied, even for paths the edge does not serve.
  app.all('/_edge/*', (c) => c.text('404 Inconnu sur cette edge / Not found on this edge', 404));
  app.all('*', (c) => {
    const client = deps.clientAddress?.(c.env);
    // A worker streaming an object from another is not a viewer.
    if (c.req.raw.headers.get(PEER_HEADER) !== ctx.peerSecret) deps.audience?.observe(c.req.raw, client);
    return handleProxy(ctx, c.req.raw, client);
  });

  let closed = false;
  return {
    app,
    config,
    ready,
    context: ctx,
    fetch: async (req, env) => app.fetch(req, env),
    stats: () => store.stats(),
    async close() {
      if (closed) return;
      closed = true;
      for (const fill of ctx.inflight.values()) void fill.outcome.then((o) => (o.kind === 'response' ? o.body?.abort() : undefined));
      await Promise.allSettled([...background]);
      await ctx.disk?.flush();
      await deps.audience?.flush();
      store.clear();
    },
  };
}
