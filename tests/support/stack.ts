// The whole system for a test, as `npm start` runs it: a real origin (counting the requests that
// reach it) and a real edge in front of it, each on its own free port on 127.0.0.1.
import { startOrigin, type TestOrigin } from './origin.ts';
import { startEdge, type StartedEdge } from './edge.ts';
import type { OriginOptions } from '../../edge-origin/src/origin/app.ts';
import type { EdgeConfigInput } from '../../edge-origin/src/edge/config.ts';

export interface Stack {
  /** Where a viewer's TV goes: the edge. */
  edgeUrl: string;
  originUrl: string;
  origin: TestOrigin;
  edge: StartedEdge;
  close(): Promise<void>;
}

export async function startStack(
  options: {
    origin?: Partial<OriginOptions>;
    edge?: Partial<EdgeConfigInput>;
    /** Wire the origin's back-office purges to this edge (a shared admin token), as npm start does. */
    purgeEdge?: boolean;
  } = {},
): Promise<Stack> {
  const purgeToken = options.purgeEdge ? `purge-${Math.random().toString(36).slice(2)}` : undefined;
  const purgeUrls: string[] = [];
  const origin = await startOrigin({
    ...options.origin,
    ...(purgeToken ? { edgePurge: { urls: purgeUrls, token: purgeToken } } : {}),
  });
  const edge = await startEdge({
    ...options.edge,
    ...(purgeToken ? { adminToken: purgeToken } : {}),
    upstreamUrl: origin.url,
  });
  purgeUrls.push(edge.url);
  return {
    edgeUrl: edge.url,
    originUrl: origin.url,
    origin,
    edge,
    async close() {
      await edge.close();
      await origin.close();
    },
  };
}
