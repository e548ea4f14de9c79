// Starts a real edge (Node HTTP server on 127.0.0.1, free port) for integration tests.
import { startEdgeNode } from '../../edge-origin/src/edge/node/start-edge-node.ts';
import type { Edge, EdgeDeps } from '../../edge-origin/src/edge/app.ts';
import type { EdgeConfigInput } from '../../edge-origin/src/edge/config.ts';

export interface StartedEdge {
  url: string;
  edge: Edge;
  close(): Promise<void>;
}

export async function startEdge(config: EdgeConfigInput, deps: EdgeDeps = {}): Promise<StartedEdge> {
  const running = await startEdgeNode({ port: 0, host: '127.0.0.1', ...config }, { log: () => {}, ...deps });
  return { url: running.url, edge: running.edge, close: () => running.close(1000) };
}

/** A clock tests move by hand (seconds), starting at the real time so upstream Date headers agree. */
export function manualClock(start = Date.now() / 1000): { now: () => number; advance(seconds: number): void } {
  let t = start;
  return { now: () => t, advance: (s) => void (t += s) };
}

/** A raw HTTP/1.1 request (fetch refuses hop-by-hop fields such as Connection; proxies must not). */
export async function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
