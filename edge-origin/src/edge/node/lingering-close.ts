// A lingering close for node:http servers, the edge's and the origin's.
//
// A refusal is often answered before the upload's body is read (the origin's "window closed",
// "photo line full", rate limit; an upstream that answers early through the edge). The rest of
// that body keeps coming, and a server that closes the connection on unread bytes makes the kernel
// send a reset, which can destroy the answer in flight before the phone (or the edge) has read it:
// a 502 for a 503. @hono/node-server drains such a body for 500 ms, then closes; Node's own server
// leaves a body a web stream started reading paused for ever. Here, as nginx's and Apache's
// lingering close: the rest is read and dropped, up to `maxBytes` and `maxMs`, and the connection
// then goes on (keep-alive) or is cut (a sender past the limits).
// The edge's fast pass uses it per request (fast-pass.ts; the general path keeps @hono/node-server's
// 500 ms: its upstream fetch may still be reading the body through a web stream); the origin on
// every request (origin/node/serve-origin.ts). The edge ships alone, without origin code; the
// origin ships with the whole package, so it takes this one from here.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface LingerLimits {
  /** Bytes of an unread body read and dropped at most (the largest upload, a photo and its form). */
  maxBytes: number;
  /** How long at most (nginx's `lingering_time`). */
  maxMs: number;
}

/** After each answer whose request body is not all in, that body is read and dropped (see above). */
export function lingerOnUnreadBodies(server: Server, limits: LingerLimits): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') lingerOnUnreadBody(req, res, limits);
  });
}

/**
 * Once this answer is out, the rest of its request's body (if any) is read and dropped. Whoever
 * was reading it (a pipe to an upstream, a web stream the handler opened and left) would keep
 * the bytes or stop the flow: they lose them, so a caller still sending it somewhere lets go of
 * that first (fast-pass.ts closes its upstream request: mid-body, it cannot carry another).
 */
export function lingerOnUnreadBody(req: IncomingMessage, res: ServerResponse, limits: LingerLimits): void {
  res.once('finish', () => {
    if (req.complete || req.destroyed) return;
    const cut = () => req.socket.destroy();
    const timer = setTimeout(cut, limits.maxMs);
    timer.unref();
    let read = 0;
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      read += chunk.byteLength;
      if (read > limits.maxBytes) cut();
    });
    req.once('close', () => clearTimeout(timer));
    req.resume();
  });
}
