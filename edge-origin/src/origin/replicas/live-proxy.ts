// A replica that does not package a channel answers its live anyway, by asking the one that does
// (its lease's advertised address) and streaming the answer back. Proxying rather than
// redirecting: an edge forwards a 3xx to the TV as it is (redirect: 'manual'), which would send
// viewers past the edge to an origin that is not theirs to reach; proxied, both origins answer
// the same URLs with the same bytes, the edges cache them as usual and need not know who packages.
// Web-standard (fetch, Request/Response): part of the app, run by Node and Deno alike.
import type { Context, MiddlewareHandler } from 'hono';
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import type { Logger } from '../log/logger.ts';
import type { LivePackagers } from './live-lease.ts';

/** On a request one replica sends another: answered from the receiver's own timeline, never sent on (no ping-pong). */
export const REPLICA_HOP_HEADER = 'x-origin-replica-hop';
/** On answers: `proxied <holder>#<fence>`, or `local` when the holder could not be reached. */
export const REPLICA_HEADER = 'x-origin-replica';

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
];

export interface ReplicaProxyOptions {
  packagers: LivePackagers;
  /** The channel a request is about (undefined: not a channel's, served here). */
  channelOf: (c: Context) => ChannelId | undefined | Promise<ChannelId | undefined>;
  timeoutMs: number;
  logger: Logger;
  fetch?: typeof fetch;
  /** Called for each request answered here / sent to the holder (replicas/routes.ts marks takeovers). */
  servedHere?: (channel: ChannelId) => void;
  proxied?: (channel: ChannelId) => void;
}

export function replicaProxy(options: ReplicaProxyOptions): MiddlewareHandler {
  const { packagers } = options;
  return async (c, next) => {
    const channel = await options.channelOf(c);
    if (!channel) return next();
    const here = () => {
      options.servedHere?.(channel);
      return next();
    };
    if (c.req.header(REPLICA_HOP_HEADER) || packagers.holds(channel)) return here();
    const holder = packagers.holder(channel);
    // Nobody is known to hold it (Redis unreachable, or the lease free for a moment): answer here.
    if (!holder) return here();
    const url = new URL(c.req.url);
    const target = `${holder.url.replace(/\/+$/, '')}${url.pathname}${url.search}`;
    const headers = new Headers(c.req.raw.headers);
    for (const name of HOP_BY_HOP) headers.delete(name);
    headers.set(REPLICA_HOP_HEADER, packagers.id);
    headers.set('accept-encoding', 'identity');
    const method = c.req.method;
    // Read whole first (the staff's start and stop: a few bytes), so the request can still be answered here if the holder is gone.
    const body = method === 'GET' || method === 'HEAD' ? undefined : await c.req.arrayBuffer();
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(target, {
        method,
        headers,
        ...(body ? { body } : {}),
        redirect: 'manual',
        signal: AbortSignal.any([c.req.raw.signal, AbortSignal.timeout(options.timeoutMs)]),
      });
    } catch (error) {
      if (c.req.raw.signal.aborted) throw error;
      // The holder died and its lease has not run out yet: this replica's timeline is the next best answer.
      options.logger.warn(
        { channel, holder: holder.id, err: (error as Error).message },
        'replicas: live holder unreachable, answered here',
      );
      await here();
      c.res.headers.set(REPLICA_HEADER, 'local');
      return;
    }
    options.proxied?.(channel);
    const out = new Headers(response.headers);
    for (const name of HOP_BY_HOP) if (name !== 'content-length') out.delete(name);
    if (out.has('content-encoding')) {
      // fetch has decoded it already.
      out.delete('content-encoding');
      out.delete('content-length');
    }
    out.set(REPLICA_HEADER, `proxied ${holder.id}#${holder.fence}`);
    return new Response(method === 'HEAD' ? null : response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: out,
    });
  };
}
