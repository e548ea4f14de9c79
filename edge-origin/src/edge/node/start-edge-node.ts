// Runs an edge on Node's HTTP server (via @hono/node-server). The only Node-specific part of the
// edge, with the entry point; the lead's combined starter and the tests call it. The front door
// (front-door.ts) listens and answers plain fresh hits and beacons itself, handing any other
// connection to node:http; there, fresh memory hits are answered by the fast path (fast-hit.ts),
// viewers joining a fetch in progress by its sibling (fast-join.ts), and requests passed through
// uncached by the third (fast-pass.ts), before the web-standard app sees them.
import { createAdaptorServer, getRequestListener } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEdge, type Edge, type EdgeDeps } from '../app.ts';
import { splitHostPort, resolveEdgeConfig, type EdgeConfigInput } from '../config.ts';
import { nodeUpstreamFetch } from './upstream-fetch.ts';
import { withInterimRelay } from './interim.ts';
import { fsBlobDir } from './fs-blob-dir.ts';
import { redisBus } from './redis-bus.ts';
import { timingSafeEqual } from 'node:crypto';
import { batchedStdoutLog } from './batched-log.ts';
import { sharingOver } from '../workers/sharing.ts';
import { siteReadinessOver } from '../workers/site-readiness.ts';
import { PEER_HEADER, PEER_TOKEN_HEADER } from '../upstream/upstream-client.ts';
import { createFastHitPath, type FastHitPath } from './fast-hit.ts';
import { createFastJoinPath, type FastJoinPath } from './fast-join.ts';
import { createFastPassPath, type FastPassPath } from './fast-pass.ts';
import { createFastBeaconPath, type FastBeaconPath } from './fast-beacon.ts';
import { processExposer } from './cluster-metrics.ts';
import { applyClientLimits, guardConnections, refuseRawTarget, serverOptions } from './client-limits.ts';
import { createFrontDoor, type FrontDoor } from './front-door.ts';
import type { Server as NetServer } from 'node:net';
import cluster from 'node:cluster';
import { loadAddon, openNativeFrontDoor, PublishedAnswers, type NativeFrontDoor } from './native-front.ts';
import { applyReload, type ReloadResult } from '../config-reload.ts';
import type { EdgeConfig } from '../config.ts';

export interface RunningEdge {
  url: string;
  edge: Edge;
  /** The Node fast path for fresh hits (null when config.fastHitPath is off). */
  fastPath: FastHitPath | null;
  /** The Node fast path for viewers joining a fetch in progress (null when config.fastHitPath is off). */
  fastJoin: FastJoinPath | null;
  /** The Node fast path for pass-through requests (null when config.fastHitPath or fastPassPath is off). */
  fastPass: FastPassPath | null;
  /** The Node path for beacons collected here (null when config.fastHitPath is off or no beacon prefix). */
  fastBeacon: FastBeaconPath | null;
  /** The front door (config.frontDoor, with fastHitPath), or null: node:http reads every request. */
  frontDoor: FrontDoor | null;
  /** The native front door (config.nativeFrontDoor, when its add-on loads), in the JavaScript
   * door's place. */
  nativeFrontDoor: NativeFrontDoor | null;
  /** The admin listener's URL (config.adminListen), if any. */
  adminUrl: string | undefined;
  /** Takes a new config's reloadable knobs (config-reload.ts) and applies them to the listeners. */
  reload(next: EdgeConfig): ReloadResult;
  /** Graceful: stops accepting, lets responses in progress finish (up to graceMs, default
   * config.shutdownGraceMs), then closes. */
  close(graceMs?: number): Promise<void>;
}

export async function startEdgeNode(input: EdgeConfigInput, deps: EdgeDeps = {}): Promise<RunningEdge> {
  const stdoutLog = deps.log ? null : batchedStdoutLog();
  const config = resolveEdgeConfig(input);
  const upstreamFetch = deps.upstreamFetch ? null : nodeUpstreamFetch(config.upstreamConnectTimeoutMs);
  const log = deps.log ?? stdoutLog!.log;
  // Workers (and the nodes of a site) share one cache through Redis when configured (see
  // workers/sharing.ts): the peer listener the others stream from comes first, as its URL is
  // this worker's name there.
  let peerTarget: Edge | undefined;
  const bus =
    config.redisClusterNodes.length > 0
      ? redisBus({ clusterNodes: config.redisClusterNodes }, log)
      : config.redisUrl
        ? redisBus({ url: config.redisUrl }, log)
        : null;
  const peerListener = bus ? await startPeerListener(config, () => peerTarget) : null;
  // The native door answers by the wall clock: not under a test's clock.
  const published =
    config.fastHitPath && config.frontDoor && config.nativeFrontDoor && !deps.now ? new PublishedAnswers() : undefined;
  const edge = createEdge(config, {
    storeObserver: published,
    upstreamFetch: upstreamFetch?.fetch,
    memoryUsage: () => process.memoryUsage.rss(),
    exposeMetrics: processExposer,
    clientAddress: (env) =>
      (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress,
    sharing:
      bus && peerListener
        ? sharingOver(bus, {
            workerId: peerListener.url,
            maxSharedBytes: config.redisMaxObjectBytes,
            lockMs: config.upstreamFirstByteTimeoutMs + config.upstreamIdleTimeoutMs,
          })
        : undefined,
    // Each worker, each node, is a sibling of the site under its peer listener's URL.
    siteReadiness: bus && peerListener ? siteReadinessOver(bus, peerListener.url) : undefined,
    ...deps,
    log,
    diskDir: deps.diskDir ?? (config.diskDir ? await fsBlobDir(config.diskDir) : undefined),
  });
  peerTarget = edge;
  await edge.ready;
  const { port, host, listenBacklog } = edge.config;
  const fastPath = edge.config.fastHitPath ? createFastHitPath(edge) : null;
  const fastJoin = edge.config.fastHitPath ? createFastJoinPath(edge) : null;
  const fastPass = edge.config.fastHitPath && edge.config.fastPassPath ? createFastPassPath(edge) : null;
  const fastBeacon = edge.config.fastHitPath ? createFastBeaconPath(edge) : null;
  const general = getRequestListener(edge.fetch, { hostname: host });
  const ctx = edge.context;
  const http = createServer(serverOptions(edge.config), (req, res) => {
    if (refuseRawTarget(req, res, ctx)) return;
    try {
      if (
        fastBeacon?.serve(req, res) ||
        fastPath?.serve(req, res) ||
        fastJoin?.serve(req, res, general) ||
        fastPass?.serve(req, res)
      )
        return;
    } catch (error) {
      // Never expected; the general path (with its own error handling) answers instead.
      edge.context.log({ level: 'error', msg: 'fast path failed', error: String(error) });
      if (res.headersSent) return void res.destroy();
    }
    withInterimRelay(req, res, () => void general(req, res));
  });
  applyClientLimits(http, edge.config);
  guardConnections(http, ctx);
  const nativeDoor = published ? openNative(edge, http, published) : null;
  const frontDoor =
    !nativeDoor && edge.config.fastHitPath && edge.config.frontDoor
      ? createFrontDoor(http, {
          config: () => edge.config,
          paths: [fastBeacon, fastPath].filter((p) => p !== null),
          timedOut: () => ctx.metrics.request(408, 'ERROR'),
          failed: (error) => ctx.log({ level: 'error', msg: 'fast path failed', error: String(error) }),
          handedOff: (reason) => ctx.metrics.handedOff(reason),
        })
      : null;
  const listener: NetServer | null = nativeDoor ? null : (frontDoor?.server ?? http);
  if (listener) await listen(listener, port, host, listenBacklog);
  // node:http starts tracking its connections' time-outs when it listens: it gets the front
  // door's connections instead, so it is told the door is open.
  if (frontDoor || nativeDoor) http.emit('listening');
  const admin = edge.config.adminListen ? await startAdminListener(edge, edge.config.adminListen) : null;
  let closing: Promise<void> | null = null;
  return {
    url: nativeDoor?.url ?? urlOf(listener!),
    edge,
    frontDoor,
    nativeFrontDoor: nativeDoor,
    fastPath,
    fastJoin,
    fastPass,
    fastBeacon,
    adminUrl: admin ? urlOf(admin) : undefined,
    reload(next) {
      const result = applyReload(edge.config, next);
      applyClientLimits(http, edge.config);
      nativeDoor?.reconfigure();
      return result;
    },
    close(graceMs = edge.config.shutdownGraceMs) {
      closing ??= (async () => {
        if (admin) {
          admin.close();
          admin.closeAllConnections();
        }
        nativeDoor?.closeListener();
        const closed = listener ? new Promise<void>((resolve) => listener.close(() => resolve())) : Promise.resolve();
        // node:http never listened behind the front door: this stops its time-out checks.
        if (frontDoor || nativeDoor) http.close();
        // Keep-alive connections become idle as their responses finish: close them as they do.
        const closeIdle = () => {
          http.closeIdleConnections();
          frontDoor?.closeIdle();
          nativeDoor?.closeIdle();
        };
        closeIdle();
        const sweeper = setInterval(closeIdle, 50);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
        await Promise.race([closed, grace]);
        clearTimeout(timer);
        clearInterval(sweeper);
        http.closeAllConnections();
        frontDoor?.closeAll();
        nativeDoor?.closeAll();
        await closed;
        nativeDoor?.stop();
        await peerListener?.close();
        await edge.close();
        await upstreamFetch?.close();
        fastPass?.close();
        await bus?.close();
        stdoutLog?.flush();
      })();
      return closing;
    },
  };
}

/** The native front door on the edge's address, or null (logged once) when its add-on cannot load. */
function openNative(edge: Edge, http: Server, published: PublishedAnswers): NativeFrontDoor | null {
  const ctx = edge.context;
  const found = loadAddon(edge.config);
  if ('error' in found) {
    ctx.log({
      level: 'warn',
      msg: 'native front door unavailable: the JavaScript front door answers',
      error: found.error,
    });
    return null;
  }
  const { port, host, listenBacklog } = edge.config;
  return openNativeFrontDoor(found.addon, http, ctx, published, {
    host,
    port,
    backlog: listenBacklog,
    // node:cluster workers do not share a listener here: each has its own socket on the port.
    reusePort: cluster.isWorker,
    threads: edge.config.nativeFrontDoorThreads,
    timedOut: () => ctx.metrics.request(408, 'ERROR'),
    handedOff: (reason) => ctx.metrics.handedOff(reason),
    failed: (error) => ctx.log({ level: 'error', msg: 'native front door: event failed', error: String(error) }),
  });
}

function listen(server: NetServer, port: number, host: string, backlog?: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog }, () => resolve());
  });
}

function urlOf(server: NetServer): string {
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${hostForUrl}:${address.port}`;
}

/** The admin address (config.adminListen, `host:port`): /_edge/ only, see admin/access.ts. */
async function startAdminListener(edge: Edge, listenAt: string): Promise<Server> {
  const { host, port } = splitHostPort(listenAt);
  const server = createAdaptorServer({ fetch: edge.adminFetch }) as Server;
  await listen(server, port, host);
  return server;
}

/**
 * The door the other workers and nodes of the site use to stream an object this worker is
 * fetching. Its own port (`exclusive`: under node:cluster a shared port would hand the request to
 * any worker), at config.peerListen (loopback by default), named by config.peerAdvertise. With a
 * peerToken, a request without it is refused (403): nobody else may use the edge's peer privileges
 * (joining fills, skipping the access gate). Requests through it are marked so they join fetches
 * instead of electing again, and never go upstream (proxy/handler.ts).
 */
async function startPeerListener(
  config: EdgeConfig,
  edgeOf: () => Edge | undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  const token = Buffer.from(config.peerToken);
  const allowed = (given: string | null) => {
    if (token.length === 0) return true;
    const bytes = Buffer.from(given ?? '');
    return bytes.length === token.length && timingSafeEqual(bytes, token);
  };
  const server = createAdaptorServer({
    fetch: (req: Request) => {
      if (!allowed(req.headers.get(PEER_TOKEN_HEADER)))
        return new Response('Accès refusé / Forbidden: peer token\n', { status: 403 });
      // Peers learn this listener's URL from the edge's elections: never before the edge exists.
      const edge = edgeOf();
      if (!edge) return new Response(null, { status: 503 });
      const headers = new Headers(req.headers);
      headers.delete(PEER_TOKEN_HEADER);
      headers.set(PEER_HEADER, edge.context.peerSecret);
      return edge.fetch(new Request(req, { headers }));
    },
  }) as Server;
  const { host, port: wanted } = splitHostPort(config.peerListen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: wanted, host, exclusive: true }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const advertised = config.peerAdvertise.replace(/\/$/, '');
  // Named by the advertised URL (its own port, else the listener's), or by the address bound.
  const url = !advertised ? urlOf(server) : new URL(advertised).port ? advertised : `${advertised}:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
