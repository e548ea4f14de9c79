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
// The edge ships alone, without origin code; the origin ships with the whole package, so it takes
// this one from here (origin/node/serve-origin.ts).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface LingerLimits {
  /** Bytes of an unread body read and dropped at most (the largest upload, a photo and its form). */
  maxBytes: number;
  /** How long at most (nginx's `lingering_time`). */
  maxMs: number;
}

/**
 * After each answer whose request body is not all in, that body is read and dropped (see above).
 * Listeners added after `server`'s own request handler still run before any answer can finish.
 */
export function lingerOnUnreadBodies(server: Server, limits: LingerLimits): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' || req.method === 'HEAD') return;
    res.once('finish', () => linger(req, limits));
  });
}

function linger(req: IncomingMessage, limits: LingerLimits): void {
  if (req.complete || req.destroyed) return;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, limits.maxMs);
  timer.unref();
  let read = 0;
  // Whoever was reading it (a pipe to the upstream, a web stream the handler opened and left)
  // would keep the bytes or stop the flow: they lose them.
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    read += chunk.byteLength;
    if (read > limits.maxBytes) cut();
  });
  req.once('close', () => clearTimeout(timer));
  req.resume();
}
