// A real origin on 127.0.0.1 (free port) for tests, counting every request it receives by
// path, so edge tests can prove how many requests reached the origin.
import type { AddressInfo } from 'node:net';
import { createOriginApp } from '../../edge-origin/src/origin/app.ts';
import { serveOrigin } from '../../edge-origin/src/origin/node/serve-origin.ts';
import type { OriginOptions } from '../../edge-origin/src/origin/app.ts';
import { ensureTestMedia } from './media.ts';

export interface TestOrigin {
  url: string;
  requests: {
    /** Requests received whose pathname starts with `pathPrefix` (all of them without one). */
    count(pathPrefix?: string): number;
    /** Pathnames received, in order. */
    paths(): string[];
    reset(): void;
  };
  close(): Promise<void>;
}

/** `listen.port`: a given port (an origin restarted where its edge expects it); default: a free one. */
export async function startOrigin(
  opts: Partial<OriginOptions> = {},
  listen: { port?: number } = {},
): Promise<TestOrigin> {
  const mediaDir = opts.mediaDir ?? (await ensureTestMedia());
  const app = createOriginApp({ ...opts, mediaDir });
  let seen: string[] = [];

  // As in production (origin/node/serve-origin.ts); the runtime's env goes on: routes read the peer's address from it.
  const server = await serveOrigin({
    fetch: (request: Request, env: unknown) => {
      seen.push(new URL(request.url).pathname);
      return app.fetch(request, env);
    },
    port: listen.port ?? 0,
    hostname: '127.0.0.1',
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests: {
      count: (pathPrefix) => (pathPrefix ? seen.filter((p) => p.startsWith(pathPrefix)).length : seen.length),
      paths: () => [...seen],
      reset: () => {
        seen = [];
      },
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
