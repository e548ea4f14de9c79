// The origin's HTTP server under Node: @hono/node-server, plus a lingering close.
//
// A refusal is answered before the upload's body is read (window closed, photo line full, rate:
// a phone on 4G hears "busy" without sending its 10 MB). The rest of that body keeps coming, and
// a server that closes the connection on unread bytes makes the kernel send a reset, which can
// destroy the answer in flight before the edge or the phone has read it (a 502 for a 503).
// @hono/node-server drains such a body for 500 ms, then closes. Here, as nginx's and Apache's
// lingering close: the rest is read and dropped, up to `maxBytes` and `maxMs`, and the
// connection then goes on (keep-alive) or is cut (a sender past the limits).
import { serve } from '@hono/node-server';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface LingerLimits {
  /** Bytes of an unread body read and dropped at most (the largest upload, a photo and its form). */
  maxBytes: number;
  /** How long at most (nginx's `lingering_time`). */
  maxMs: number;
}

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

/** After each answer whose request body is not all in, that body is read and dropped (see above). */
export function lingerOnUnreadBodies(server: Server, limits: LingerLimits): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' || req.method === 'HEAD') return;
    res.once('finish', () => {
      if (req.complete || req.destroyed) return;
      const cut = () => req.socket.destroy();
      const timer = setTimeout(cut, limits.maxMs);
      timer.unref();
      let read = 0;
      // A web stream over the body (one the handler opened and left) would keep the bytes: it loses them.
      req.removeAllListeners('data');
      req.on('data', (chunk: Buffer) => {
        read += chunk.byteLength;
        if (read > limits.maxBytes) cut();
      });
      req.once('close', () => clearTimeout(timer));
      req.resume();
    });
  });
}
