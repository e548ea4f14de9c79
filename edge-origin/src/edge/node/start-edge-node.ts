// Runs an edge on Node's HTTP server (via @hono/node-server). The only Node-specific part of the
// edge, with the entry point; the lead's combined starter and the tests call it.
import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEdge, type Edge, type EdgeDeps } from '../app.ts';
import type { EdgeConfigInput } from '../config.ts';
import { fsBlobDir } from './fs-blob-dir.ts';
import { redisBus } from './redis-bus.ts';
import { attachSharing } from '../workers/sharing.ts';
import { hostname } from 'node:os';

export interface RunningEdge {
  url: string;
  edge: Edge;
  /** Graceful: stops accepting, lets responses in progress finish (up to graceMs), then closes. */
  close(graceMs?: number): Promise<void>;
}

export async function startEdgeNode(input: EdgeConfigInput, deps: EdgeDeps = {}): Promise<RunningEdge> {
  const edge = createEdge(input, {
    ...deps,
    diskDir: deps.diskDir ?? (input.diskDir ? await fsBlobDir(input.diskDir) : undefined),
  });
  await edge.ready;
  // Workers share one cache through Redis when configured (see workers/sharing.ts).
  const bus = edge.config.redisUrl ? redisBus(edge.config.redisUrl, edge.context.log) : null;
  if (bus) {
    attachSharing(edge.context, bus, {
      workerId: `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`,
      maxSharedBytes: edge.config.redisMaxObjectBytes,
      lockMs: edge.config.upstreamFirstByteTimeoutMs + edge.config.upstreamIdleTimeoutMs,
    });
  }
  const { port, host } = edge.config;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: edge.fetch, port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const http = server as Server;
  // Many viewers on few connections: keep them alive longer than players' request gaps.
  http.keepAliveTimeout = 65_000;
  const address = http.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    edge,
    close(graceMs = 5000) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        // Keep-alive connections become idle as their responses finish: close them as they do.
        http.closeIdleConnections();
        const sweeper = setInterval(() => http.closeIdleConnections(), 50);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
        await Promise.race([closed, grace]);
        clearTimeout(timer);
        clearInterval(sweeper);
        http.closeAllConnections();
        await closed;
        await edge.close();
        await bus?.close();
      })();
      return closing;
    },
  };
}
