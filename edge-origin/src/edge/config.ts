// The edge's one configuration: every knob, its type and its default live here and nowhere else
// (hls.js style). Sources, later ones winning: defaults < optional JSON file < environment <
// values passed in code. A bad value stops the edge at start with a message naming the key.
import { z } from 'zod';
import { ACCESS_ENV, parseRestrictedPrefixes, parseSigningKeys } from '../../../shared/signing/access-config.ts';

const bytes = z.coerce.number().int().nonnegative();
const seconds = z.coerce.number().nonnegative();
const bool = z.preprocess(
  (v) => (typeof v === 'string' ? !['0', 'false', 'no', 'off', ''].includes(v.toLowerCase()) : v),
  z.boolean(),
);
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');
/** A list written as text in the environment, read by `parse`; its error becomes the key's issue. */
const listFrom =
  <T>(parse: (text: string) => T) =>
  (v: unknown, ctx: z.RefinementCtx): unknown => {
    if (typeof v !== 'string') return v;
    try {
      return parse(v);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  };
/** A comma-separated list in the environment, each item checked by `item`. */
const commaList = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item),
  );
/** `host:port`, an IPv6 host in brackets. */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^:\s/]+):\d{1,5}$/;
const hostPort = z.string().regex(HOST_PORT, 'must be host:port');

export const edgeConfigSchema = z.object({
  /** Where the edge listens (used by the runtime entry points, not by the core). */
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  /**
   * Connections the kernel may queue before the edge accepts them (Node runtime). Node's default,
   * 511, overflows when thousands of TVs (re)connect at once, and each refused one retries only
   * after a second or more; the kernel caps it at net.core.somaxconn. nginx's bench config: 16384.
   */
  listenBacklog: z.coerce.number().int().positive().default(16384),
  /** The origin the edge fronts. More than one: failover in this order. */
  upstreamUrl: httpUrl,
  /** Extra upstreams tried, in order, when the first is unreachable (idempotent requests). */
  fallbackUpstreamUrls: commaList(httpUrl).default([]),
  /**
   * An upstream found unreachable (origin replicas: one was killed) is tried after the others for
   * this long, so a dead origin costs viewers one retry, not one per request; 0: always in order.
   */
  upstreamDownMemoryMs: z.coerce.number().int().nonnegative().default(10_000),
  /** Memory tier budget: the sum of stored bodies and headers never exceeds it. */
  memoryBytes: bytes.default(256 * 1024 * 1024),
  /** Disk tier for long-lived objects: directory ('' = no disk tier), byte budget, and the
   * minimum freshness lifetime that earns an object a place on disk. */
  diskDir: z.string().default(''),
  diskBytes: bytes.default(1024 * 1024 * 1024),
  diskMinLifetimeSeconds: seconds.default(60),
  /** Worker processes (`--workers N`; Node entry point) and the Redis that lets them act as one
   * cache ('' = no sharing). Objects up to redisMaxObjectBytes are shared through Redis. */
  workers: z.coerce.number().int().min(1).max(64).default(1),
  redisUrl: z
    .string()
    .refine((u) => u === '' || /^rediss?:\/\//.test(u), 'must be a redis:// URL')
    .default(''),
  redisMaxObjectBytes: bytes.default(8 * 1024 * 1024),
  /**
   * Several edge nodes (one site) on a Redis Cluster instead of one Redis: its nodes, `host:port`
   * (any of them; the rest are discovered). Set, it replaces redisUrl for the election, the shared
   * copies and purges (node/redis-bus.ts); audience figures still go to one Redis
   * (AUDIENCE_REDIS_URL), the one the origin reads.
   */
  redisClusterNodes: commaList(hostPort).default([]),
  /**
   * Where this node's peer listener binds (`host:port`, port 0: any free port): the siblings of
   * the site stream from it the objects this node is fetching. Loopback by default (the workers
   * of one machine); an address other nodes reach for a site of several machines.
   */
  peerListen: hostPort.default('127.0.0.1:0'),
  /**
   * The URL the siblings use to reach it ('' = http://<peerListen's host>:<its port>); without a
   * port, the listener's own port is added (port 0 and `--workers N`: each worker its port).
   */
  peerAdvertise: z
    .string()
    .refine((u) => u === '' || /^https?:\/\/[^/?#]+\/?$/.test(u), 'must be an http(s) URL without a path')
    .default(''),
  /**
   * The site's shared secret: every request between siblings carries it, and the peer listener
   * answers 403 without it. Required when peerListen is not a loopback address.
   */
  peerToken: z.string().default(''),
  /** Objects bigger than this are streamed through (still collapsed), never stored. */
  maxObjectBytes: bytes.default(16 * 1024 * 1024),
  /**
   * How far one viewer may fall behind the fastest viewer of the same pass-through (not stored)
   * object before it is cut off: this is what keeps a slow client from making the edge buffer
   * without bound. Stored objects are buffered whole anyway (within maxObjectBytes).
   */
  teeMaxLagBytes: bytes.default(4 * 1024 * 1024),
  /** Name this edge puts in `Via`. */
  viaName: z.string().min(1).default('cite-tv-edge'),
  /** RFC 9111 §4.2.2 heuristic freshness: fraction of (Date - Last-Modified), capped. */
  heuristicFraction: z.coerce.number().min(0).max(1).default(0.1),
  heuristicMaxSeconds: seconds.default(24 * 3600),
  /**
   * RFC 9213 targeted cache-control: the response fields this edge takes as its own
   * Cache-Control, in order (`none`: only Cache-Control). The first one present with a valid,
   * non-empty value (a Structured Fields Dictionary) replaces Cache-Control and Expires for the
   * edge's caching; Cache-Control still governs the caches downstream.
   */
  targetedCacheControl: commaList(z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'must be field names'))
    .transform((names) => {
      const list = names.map((n) => n.toLowerCase());
      return list.length === 1 && list[0] === 'none' ? [] : list;
    })
    .default(['cdn-cache-control']),
  /** Pass the targeted fields above on to clients (RFC 9213 §3: CDNs "typically forward"; this
   * edge is the last CDN hop before the TVs, so by default it removes them). */
  forwardTargetedCacheControl: bool.default(false),
  /** Defaults applied when the upstream gives no stale-while-revalidate / stale-if-error. */
  staleWhileRevalidateSeconds: seconds.default(0),
  staleIfErrorSeconds: seconds.default(0),
  /** Live HLS: a media playlist is never cached longer than this fraction of its target duration. */
  playlistTtlTargetFraction: z.coerce.number().min(0).max(1).default(0.5),
  /** TTL of a playlist that carries EXT-X-ENDLIST when upstream says nothing (VOD/replay). */
  endedPlaylistTtlSeconds: seconds.default(3600),
  /** How long a 404 for a segment not yet published is remembered (brief: it will exist soon). */
  negativeTtlSeconds: seconds.default(1),
  /** Fetch new segments of a refreshed live playlist before viewers ask (watched renditions only). */
  prefetchSegments: bool.default(true),
  /**
   * Announce only what the edge holds: a refreshed live playlist that adds segments is served
   * once their prefetch is done, so viewers ask for a new segment when it is already a hit
   * instead of all joining its fetch at once (hls/policy.ts). Bounded: at most this fraction of
   * the target duration, and never past the freshness of the version served meanwhile; a viewer
   * is never held. Needs prefetchSegments.
   */
  prefetchGate: bool.default(true),
  prefetchGateTargetFraction: z.coerce.number().min(0).max(1).default(0.5),
  /**
   * LL-HLS blocking playlist reloads (`_HLS_msn`, RFC 8216bis §6.2.5.2): the origin holds them
   * until the asked-for part exists, and answers 503 after three target durations. The edge
   * waits that long on top of upstreamFirstByteTimeoutMs, so its own timeout never cuts a
   * reload the origin is still allowed to hold. The target duration is the one of the
   * rendition's last stored playlist; before the edge has stored one, this one is assumed.
   */
  blockingReloadHoldTargetDurations: z.coerce.number().nonnegative().default(3),
  blockingReloadAssumedTargetDurationSeconds: seconds.default(6),
  /**
   * Upstream timeouts (milliseconds): connecting (enforced by the Node runtime's HTTP client;
   * under Deno, where fetch() shows no connect phase, the first-byte timeout covers it), first
   * byte (connect + response headers), and silence between body chunks.
   */
  upstreamConnectTimeoutMs: z.coerce.number().int().positive().default(3000),
  upstreamFirstByteTimeoutMs: z.coerce.number().int().positive().default(10_000),
  upstreamIdleTimeoutMs: z.coerce.number().int().positive().default(10_000),
  /**
   * Access control (access/): paths under these prefixes are served only with a valid signed-URL
   * token (shared/signing/), checked with these keys (`kid:secret,…`; the origin reads the same
   * variables to mint tokens). No prefix: every path open, the default.
   */
  urlSigningKeys: z
    .preprocess(listFrom(parseSigningKeys), z.array(z.object({ id: z.string(), secret: z.string() })))
    .default([]),
  urlSigningPrefixes: z.preprocess(listFrom(parseRestrictedPrefixes), z.array(z.string())).default([]),
  /**
   * Admin endpoints (/_edge/health detail, /_edge/metrics, /_edge/purge; admin/access.ts). With a
   * token, only with `Authorization: Bearer <token>`; with an admin address (`host:port`), only
   * there (403 on the public one). Neither: reads from loopback clients only, no purge. The
   * probes /_edge/health/live and /_edge/health/ready answer anyone and name no upstream.
   */
  adminToken: z.string().default(''),
  adminListen: z
    .string()
    .refine((v) => v === '' || HOST_PORT.test(v), 'must be host:port')
    .default(''),
  /**
   * Readiness (/_edge/health/ready): an upstream answers a GET of this path with a status under
   * 500 within the timeout (probed at most once per readinessCacheMs), and the process's resident
   * memory is under readinessMaxRssBytes (0: memoryBytes + 512 MiB).
   */
  readinessProbePath: z.string().startsWith('/').default('/'),
  readinessProbeTimeoutMs: z.coerce.number().int().positive().default(1000),
  readinessCacheMs: z.coerce.number().int().nonnegative().default(2000),
  readinessMaxRssBytes: bytes.default(0),
  /**
   * What an upstream this edge cannot reach does to readiness (admin/readiness.ts). `site`: not
   * ready only while a sibling of the site (same Redis) reported reaching it recently, so a load
   * balancer moves viewers to an edge that does better; when none does, the origin is down for
   * everyone and the edge stays ready (cached replays keep playing, stale-if-error), saying
   * `degraded`. Without Redis, or with it down, the same: ready, degraded. `strict`: not ready as
   * soon as no upstream answers. `ignore`: never not ready for the upstream (still `degraded`).
   */
  readinessUpstream: z.enum(['site', 'strict', 'ignore']).default('site'),
  /**
   * Client connections (Node runtime): all request headers within headersTimeoutMs of the
   * request's first byte, or of the connection for a first request that sends nothing (slowloris:
   * so at most 2 × headersTimeoutMs from the connection, keepAliveTimeoutMs + headersTimeoutMs
   * from a previous response; tests/edge/front-door.test.ts), the whole request (body included) within
   * requestTimeoutMs (0: none), an idle keep-alive connection closed after keepAliveTimeoutMs
   * (longer than players' gaps between requests). On SIGTERM, responses in progress get
   * shutdownGraceMs to finish.
   */
  headersTimeoutMs: z.coerce.number().int().positive().default(10_000),
  requestTimeoutMs: z.coerce.number().int().nonnegative().default(120_000),
  keepAliveTimeoutMs: z.coerce.number().int().positive().default(65_000),
  shutdownGraceMs: z.coerce.number().int().nonnegative().default(10_000),
  /** One structured JSON line per request on stdout (EDGE_ACCESS_LOG=false turns it off). */
  accessLog: bool.default(true),
  /**
   * Node runtime only: answer fresh memory hits (node/fast-hit.ts), and viewers joining a fetch in
   * progress (node/fast-join.ts), straight from Node's HTTP objects, before the web-standard
   * request path; the responses are the same. Off: every request takes the general path (tests
   * compare the two).
   */
  fastHitPath: bool.default(true),
  /**
   * Node runtime only, with fastHitPath: requests the edge passes through uncached (uploads,
   * beacons and pings by POST, PUT, DELETE...) proxied by node/fast-pass.ts with node:http, body
   * and answer streamed, the same answers as the general path. Off: they take the general path
   * (the bench compares the two: BENCH=pass).
   */
  fastPassPath: bool.default(true),
  /**
   * Node runtime only, with fastHitPath: the listening socket is the front door's
   * (node/front-door.ts), which reads plain GET/HEAD heads itself and writes fresh hits and
   * collected beacons straight to the socket, the same bytes as node:http; a connection's first
   * other request (a miss, a body, anything unusual) hands it to node:http for good. Off: node:http
   * reads every request (the bench compares the two).
   */
  frontDoor: bool.default(true),
  /**
   * Node runtime only, with frontDoor: the front door is native code on a thread of its own
   * (node/native/front-door.cc, loaded by node/native-front.ts), which answers fresh hits without
   * running JavaScript per request and hands every other connection over as the JavaScript door
   * does. When the add-on is not built or cannot load (no compiler where the edge was built), the
   * edge says so once in its log and uses the JavaScript door.
   */
  nativeFrontDoor: bool.default(false),
  /** The native front door's add-on (`front-door.node`); empty: beside the edge's bundle, else
   * edge-origin/dist/ (where `npm run build` makes it). */
  nativeFrontDoorAddon: z.string().default(''),
  /**
   * How long the native front door gathers its answers' records (metrics, access log, audience,
   * LRU recency) before it wakes JavaScript with them: each wake-up costs the process more than
   * many records do, so a short period is most of the edge's CPU at a modest audience (README,
   * Benchmarks). The figures are this late at most.
   */
  nativeFrontDoorRecordMs: z.coerce.number().int().min(1).max(5000).default(250),
  /**
   * Threads of the native front door in each process, each with its own socket on the port (the
   * kernel shares the connections out), all answering from the process's one table: as nginx's
   * workers share one cache, one process's threads fill, refresh, record and collect garbage once
   * for all, where `workers` processes each do all of it (README, Benchmarks: `workers 1` with 2
   * threads against `workers 2`). Misses and everything else stay on the process's one JavaScript
   * thread.
   */
  nativeFrontDoorThreads: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * Path prefixes whose requests always pass through, uncached and not collapsed, whatever the
   * method (Varnish's `return (pass)`): answers per viewer that the origin marks no-store, e.g. the
   * ads API's asset lists and tracking beacons (`/api/v1/ads/`), each of which would otherwise open
   * a fill that learns only from the answer that it is not to be kept. Empty (the default): methods
   * and preconditions alone decide (proxy/pass-through.ts).
   */
  passPrefixes: commaList(z.string().startsWith('/')).default([]),
  /**
   * Beacons the edge answers itself (204 at once) and sends on in batches (beacons/collector.ts):
   * GETs under these prefixes, e.g. the ads API's impression tracking, which every TV sends at the
   * same moments of an ad break. Empty: none; they pass through or are fetched like any request.
   */
  beaconPrefixes: commaList(z.string().startsWith('/')).default(['/api/v1/ads/track']),
  /** Where the batches go upstream: POST, JSON `{"beacons":[{"target":"/path?query","at":"ISO date"}]}`. */
  beaconBatchPath: z.string().startsWith('/').default('/api/v1/ads/track/batch'),
  /** A beacon waits at most this long before its batch leaves (the origin's counts lag by as much). */
  beaconFlushMs: z.coerce.number().int().positive().default(250),
  /** Beacons per batch at most. */
  beaconBatchMax: z.coerce.number().int().positive().default(1000),
  /**
   * Beacons waiting at most (an origin away: kept and sent on its return); past this, beacons pass
   * through as any request. About 200 bytes each.
   */
  beaconQueueMax: z.coerce.number().int().nonnegative().default(200_000),
  /** A batch not taken is sent again after a jittered backoff growing up to this. */
  beaconRetryMaxMs: z.coerce.number().int().positive().default(30_000),
  /**
   * Request limits, answered with a clear 4xx instead of being proxied: 414, 431, and for a method
   * not allowed 405 (with Allow) if RFC 9110 defines it, else 501. Node's parser takes up to
   * maxUrlLength + maxHeaderBytes (+1 KiB) of request line and headers, so these are the limits
   * that apply; past that bound the connection is answered 414/431 and closed.
   */
  maxUrlLength: z.coerce.number().int().positive().default(8192),
  maxHeaderBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(32 * 1024),
  allowedMethods: z
    .preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((s) => s.trim().toUpperCase())
              .filter(Boolean)
          : v,
      z.array(z.string()),
    )
    .default(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']),
});

export type EdgeConfig = z.infer<typeof edgeConfigSchema>;
export type EdgeConfigInput = Partial<EdgeConfig> & { upstreamUrl: string };

/** Environment variable for each key (the documented names; `EDGE_` prefix for the edge's own). */
export const envNames: Record<keyof EdgeConfig, string> = {
  port: 'EDGE_PORT',
  host: 'EDGE_HOST',
  listenBacklog: 'EDGE_LISTEN_BACKLOG',
  upstreamUrl: 'UPSTREAM_URL',
  fallbackUpstreamUrls: 'EDGE_FALLBACK_UPSTREAM_URLS',
  upstreamDownMemoryMs: 'EDGE_UPSTREAM_DOWN_MEMORY_MS',
  memoryBytes: 'EDGE_MEMORY_BYTES',
  maxObjectBytes: 'EDGE_MAX_OBJECT_BYTES',
  workers: 'EDGE_WORKERS',
  redisUrl: 'EDGE_REDIS_URL',
  redisMaxObjectBytes: 'EDGE_REDIS_MAX_OBJECT_BYTES',
  redisClusterNodes: 'EDGE_REDIS_CLUSTER_NODES',
  peerListen: 'EDGE_PEER_LISTEN',
  peerAdvertise: 'EDGE_PEER_ADVERTISE',
  peerToken: 'EDGE_PEER_TOKEN',
  diskDir: 'EDGE_DISK_DIR',
  diskBytes: 'EDGE_DISK_BYTES',
  diskMinLifetimeSeconds: 'EDGE_DISK_MIN_LIFETIME_SECONDS',
  teeMaxLagBytes: 'EDGE_TEE_MAX_LAG_BYTES',
  viaName: 'EDGE_VIA_NAME',
  heuristicFraction: 'EDGE_HEURISTIC_FRACTION',
  heuristicMaxSeconds: 'EDGE_HEURISTIC_MAX_SECONDS',
  targetedCacheControl: 'EDGE_TARGETED_CACHE_CONTROL',
  forwardTargetedCacheControl: 'EDGE_FORWARD_TARGETED_CACHE_CONTROL',
  staleWhileRevalidateSeconds: 'EDGE_STALE_WHILE_REVALIDATE_SECONDS',
  staleIfErrorSeconds: 'EDGE_STALE_IF_ERROR_SECONDS',
  playlistTtlTargetFraction: 'EDGE_PLAYLIST_TTL_TARGET_FRACTION',
  endedPlaylistTtlSeconds: 'EDGE_ENDED_PLAYLIST_TTL_SECONDS',
  negativeTtlSeconds: 'EDGE_NEGATIVE_TTL_SECONDS',
  prefetchSegments: 'EDGE_PREFETCH_SEGMENTS',
  prefetchGate: 'EDGE_PREFETCH_GATE',
  prefetchGateTargetFraction: 'EDGE_PREFETCH_GATE_TARGET_FRACTION',
  blockingReloadHoldTargetDurations: 'EDGE_BLOCKING_RELOAD_HOLD_TARGET_DURATIONS',
  blockingReloadAssumedTargetDurationSeconds: 'EDGE_BLOCKING_RELOAD_ASSUMED_TARGET_DURATION_SECONDS',
  upstreamConnectTimeoutMs: 'EDGE_UPSTREAM_CONNECT_TIMEOUT_MS',
  upstreamFirstByteTimeoutMs: 'EDGE_UPSTREAM_FIRST_BYTE_TIMEOUT_MS',
  upstreamIdleTimeoutMs: 'EDGE_UPSTREAM_IDLE_TIMEOUT_MS',
  urlSigningKeys: ACCESS_ENV.keys,
  urlSigningPrefixes: ACCESS_ENV.prefixes,
  adminToken: 'EDGE_ADMIN_TOKEN',
  adminListen: 'EDGE_ADMIN_LISTEN',
  readinessProbePath: 'EDGE_READINESS_PROBE_PATH',
  readinessProbeTimeoutMs: 'EDGE_READINESS_PROBE_TIMEOUT_MS',
  readinessCacheMs: 'EDGE_READINESS_CACHE_MS',
  readinessMaxRssBytes: 'EDGE_READINESS_MAX_RSS_BYTES',
  readinessUpstream: 'EDGE_READINESS_UPSTREAM',
  headersTimeoutMs: 'EDGE_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'EDGE_REQUEST_TIMEOUT_MS',
  keepAliveTimeoutMs: 'EDGE_KEEP_ALIVE_TIMEOUT_MS',
  shutdownGraceMs: 'EDGE_SHUTDOWN_GRACE_MS',
  accessLog: 'EDGE_ACCESS_LOG',
  fastHitPath: 'EDGE_FAST_HIT_PATH',
  fastPassPath: 'EDGE_FAST_PASS_PATH',
  frontDoor: 'EDGE_FRONT_DOOR',
  nativeFrontDoor: 'EDGE_NATIVE_FRONT_DOOR',
  nativeFrontDoorAddon: 'EDGE_NATIVE_FRONT_DOOR_ADDON',
  nativeFrontDoorRecordMs: 'EDGE_NATIVE_FRONT_DOOR_RECORD_MS',
  nativeFrontDoorThreads: 'EDGE_NATIVE_FRONT_DOOR_THREADS',
  passPrefixes: 'EDGE_PASS_PREFIXES',
  beaconPrefixes: 'EDGE_BEACON_PREFIXES',
  beaconBatchPath: 'EDGE_BEACON_BATCH_PATH',
  beaconFlushMs: 'EDGE_BEACON_FLUSH_MS',
  beaconBatchMax: 'EDGE_BEACON_BATCH_MAX',
  beaconQueueMax: 'EDGE_BEACON_QUEUE_MAX',
  beaconRetryMaxMs: 'EDGE_BEACON_RETRY_MAX_MS',
  maxUrlLength: 'EDGE_MAX_URL_LENGTH',
  maxHeaderBytes: 'EDGE_MAX_HEADER_BYTES',
  allowedMethods: 'EDGE_ALLOWED_METHODS',
};

export class EdgeConfigError extends Error {
  override name = 'EdgeConfigError';
}

/** Validates and completes a config; throws EdgeConfigError naming every bad key. */
export function resolveEdgeConfig(input: unknown): EdgeConfig {
  const parsed = edgeConfigSchema.safeParse(input);
  if (parsed.success) {
    const problem = peerListenerProblem(parsed.data);
    if (problem) throw new EdgeConfigError(`invalid edge config: ${problem}`);
    return parsed.data;
  }
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '?') as keyof EdgeConfig;
    const env = envNames[key] ? ` (env ${envNames[key]})` : '';
    return `${issue.path.join('.') || '?'}${env}: ${issue.message}`;
  });
  throw new EdgeConfigError(`invalid edge config: ${problems.join('; ')}`);
}

/** A `host:port` of the config, split (brackets of an IPv6 address removed). */
export function splitHostPort(value: string): { host: string; port: number } {
  const colon = value.lastIndexOf(':');
  return { host: value.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(value.slice(colon + 1)) };
}

const isLoopback = (host: string) => /^127\./.test(host) || host === '::1' || host === 'localhost';

/** A peer listener other machines reach must be closed to strangers and named by a reachable URL. */
function peerListenerProblem(config: EdgeConfig): string {
  const { host } = splitHostPort(config.peerListen);
  if (!isLoopback(host) && !config.peerToken)
    return `peerListen (env ${envNames.peerListen}) ${config.peerListen} is reachable from other machines: set peerToken (env ${envNames.peerToken}), the site's shared secret`;
  // Each worker has its own peer listener: one fixed port cannot be shared (exclusive bind).
  if (config.workers > 1 && !config.peerListen.endsWith(':0'))
    return `peerListen (env ${envNames.peerListen}) ${config.peerListen}: with several workers each needs its own port: use port 0`;
  if ((host === '0.0.0.0' || host === '::') && !config.peerAdvertise)
    return `peerListen (env ${envNames.peerListen}) ${config.peerListen} names no address the siblings can use: set peerAdvertise (env ${envNames.peerAdvertise})`;
  return '';
}

/** Picks the edge's keys out of an environment (e.g. process.env or Deno.env.toObject()). */
export function configFromEnv(env: Record<string, string | undefined>): Partial<Record<keyof EdgeConfig, string>> {
  const out: Partial<Record<keyof EdgeConfig, string>> = {};
  for (const [key, name] of Object.entries(envNames) as [keyof EdgeConfig, string][]) {
    const value = env[name];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/**
 * Merges the sources the entry points use. `fileJson` is the parsed content of the optional JSON
 * file (EDGE_CONFIG_FILE); reading it is the entry point's job (the core does no I/O).
 */
export function loadEdgeConfig(sources: {
  env?: Record<string, string | undefined>;
  fileJson?: unknown;
  overrides?: Partial<EdgeConfig>;
}): EdgeConfig {
  const file = sources.fileJson ?? {};
  if (typeof file !== 'object' || file === null || Array.isArray(file)) {
    throw new EdgeConfigError('invalid edge config: the config file must hold a JSON object');
  }
  const unknownKeys = Object.keys(file).filter((k) => !(k in envNames));
  if (unknownKeys.length)
    throw new EdgeConfigError(`invalid edge config: unknown key(s) in file: ${unknownKeys.join(', ')}`);
  const fromEnv = configFromEnv(sources.env ?? {});
  return resolveEdgeConfig({
    upstreamUrl: 'http://127.0.0.1:8081',
    ...file,
    ...fromEnv,
    ...sources.overrides,
  });
}
