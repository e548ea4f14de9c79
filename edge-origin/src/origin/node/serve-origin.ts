// The origin's HTTP server under Node: @hono/node-server, plus a lingering close
// (edge/node/lingering-close.ts): a refusal is answered before the upload's body is read (window
// closed, photo line full, rate: a phone on 4G hears "busy" without sending its 10 MB), and the
// rest of that body is then read and dropped, so no reset destroys the answer in flight.
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { type LingerLimits, lingerOnUnreadBodies } from '../../edge/node/lingering-close.ts';

export const LINGER_DEFAULTS: LingerLimits = { maxBytes: 16 * 1024 * 1024, maxMs: 30_000 };

export interface ServeOriginOptions {
  fetch: (request: Request, env: unknown) => Response | Promise<Response>;
  port: number;
  hostname: string;
  linger?: LingerLimits;
}

/** Listens; resolves once listening (rejects on a listen error such as a port in use). */
export function serveOrigin(options: ServeOriginOptions): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: options.fetch, port: options.port, hostname: options.hostname, autoCleanupIncoming: false },
      () => resolve(server),
    ) as Server;
    server.once('error', reject);
    lingerOnUnreadBodies(server, options.linger ?? LINGER_DEFAULTS);
  });
}
