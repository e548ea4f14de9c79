// Interim responses (RFC 9110 §15.2) from the origin, relayed to the viewer whose request made
// the upstream fetch: 102 Processing and 103 Early Hints. The web-standard fetch drops them, so
// the Node runtime catches them in its undici dispatcher (upstream-fetch.ts) and hands them to the
// client response of the request in whose async context the fetch started (start-edge-node.ts).
// Never stored (they are not final, RFC 9111 §3); a fill started for another path (a prefetch
// from a playlist request) relays nothing; nothing once the final headers are out.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';

interface ClientSide {
  pathname: string;
  res: ServerResponse;
}

const current = new AsyncLocalStorage<ClientSide>();

/** Runs the general path for this request with its response reachable by upstream fetches. */
export function withInterimRelay(req: IncomingMessage, res: ServerResponse, run: () => void): void {
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  current.run({ pathname, res }, run);
}

/** An undici interceptor passing 102 and 103 answers on to the client side of the fetch. */
export function interimInterceptor(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const client = current.getStore();
    const upstreamPath = String(opts.path ?? '/').split('?')[0];
    if (!client || client.pathname !== upstreamPath) return dispatch(opts, handler);
    // undici 7 hands interceptors the new handler API: onResponseStart(controller, status,
    // headers, text) is called for interim answers too (fetch's own handler then skips them).
    const wrapped = new Proxy(handler, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        if (prop !== 'onResponseStart') return value.bind(target);
        return (controller: unknown, status: number, headers: Record<string, string | string[]>, text: string) => {
          if (status === 102 || status === 103) relayInterim(client.res, status, headers);
          return value.call(target, controller, status, headers, text);
        };
      },
    });
    return dispatch(opts, wrapped);
  };
}

/** Passes a 102 or 103 on to the client, if its final answer has not started (node/fast-pass.ts relays its own). */
export function relayInterim(res: ServerResponse, status: number, headers: Record<string, string | string[]>): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  try {
    if (status === 102) return void res.writeProcessing();
    if (headers.link !== undefined) res.writeEarlyHints({ ...headers });
  } catch {
    // A hint the client cannot take is only a hint.
  }
}
