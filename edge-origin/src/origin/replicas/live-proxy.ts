// A replica that does not package a channel answers its live anyway, by asking the one that does
// (its lease's advertised address) and streaming the answer back. Proxying rather than
// redirecting: an edge forwards a 3xx to the TV as it is (redirect: 'manual'), which would send
// viewers past the edge to an origin that is not theirs to reach; proxied, both origins answer
// the same URLs with the same bytes, the edges cache them as usual and need not know who packages.
// Web-standard (fetch, Request/Response): part of the app, run by Node and Deno alike.
import type { Context, MiddlewareHandler } from 'hono';
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import type { Logger } from '../log/logger.ts';
import type { LeaseHolder, LivePackagers } from './live-lease.ts';

/**
 * On a request one replica sends another (the replicas' shared secret, live-lease.ts): answered
 * from the receiver's own timeline, never sent on (no ping-pong). From anyone else it is ignored:
 * a viewer's request with it would get a standby's own view of a slot (its loop, not the feed),
 * which the edge would then cache, a segment for a year.
 */
export const REPLICA_HOP_HEADER = 'x-origin-replica-hop';
/**
 * On answers to staff only (`disclose`): `proxied <holder>#<fence>` (`proxied published <url>`: a
 * slot another replica published), or `local` when the holder could not be reached. A debugging
 * aid naming replicas: viewers never get it, and an answer carrying it is `no-store`, so no cache
 * keeps it for them (README « Replicas »).
 */
export const REPLICA_HEADER = 'x-origin-replica';
/** What an answer carrying REPLICA_HEADER says to caches: for the asker only, never stored. */
export const DISCLOSED_CACHE_CONTROL = 'private, no-store';

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
  /** The live slot (media sequence) a segment or part request is for; undefined: a playlist. */
  slotOf?: (c: Context) => number | undefined;
  /**
   * Called for each live request answered here (`instead`: the holder it could not reach) / sent
   * to the holder (replicas/routes.ts marks takeovers). Not for a slot this replica published.
   * A promise returned is waited for before answering (a takeover under way).
   */
  servedHere?: (channel: ChannelId, instead?: LeaseHolder) => Promise<void> | undefined;
  /** Waited for once a request answered here has its answer, before it leaves (what it lists shared first). */
  answeredHere?: (channel: ChannelId) => Promise<void> | undefined;
  proxied?: (channel: ChannelId, holder: LeaseHolder) => void;
  /** The request may be told which replica answered (staff); asked only when there is something to tell. Default: never. */
  disclose?: (c: Context) => boolean | Promise<boolean>;
}

/** First byte from another replica for anything but a blocking LL-HLS reload (a host gone without a reset). */
const QUICK_FIRST_BYTE_MS = 3000;
/** A replica that could not be reached is not asked again for this long (answered here meanwhile). */
const DOWN_MEMORY_MS = 10_000;

export function replicaProxy(options: ReplicaProxyOptions): MiddlewareHandler {
  const { packagers } = options;
  const downUntil = new Map<string, number>();
  const tell = async (c: Context, headers: Headers, value: string) => {
    if (!(await options.disclose?.(c))) return;
    headers.set(REPLICA_HEADER, value);
    headers.set('cache-control', DISCLOSED_CACHE_CONTROL);
  };
  return async (c, next) => {
    const channel = await options.channelOf(c);
    if (!channel) return next();
    const here = async (instead?: LeaseHolder) => {
      await options.servedHere?.(channel, instead);
      await next();
      await options.answeredHere?.(channel);
    };
    const hop = c.req.header(REPLICA_HOP_HEADER);
    // Cannot tell (the secret not read yet, Redis not reached): taken for one, as before.
    if (hop !== undefined && packagers.isHop(hop) !== false) return here();
    const method = c.req.method;
    // Read whole first (the staff's start and stop: a few bytes), so the request can still be answered here if the holder is gone.
    const body = method === 'GET' || method === 'HEAD' ? undefined : await c.req.arrayBuffer();
    const forward = async (base: string, label: string) => {
      if ((downUntil.get(base) ?? 0) > Date.now()) return undefined;
      const answer = await sendOn(c, options, { base, body, channel });
      if (answer) {
        downUntil.delete(base);
        await tell(c, answer.headers, `proxied ${label}`);
      } else downUntil.set(base, Date.now() + DOWN_MEMORY_MS);
      return answer;
    };
    // A segment or part: asked of the replica that published its slot (a replay's older slots are
    // on the disk of the replica that packaged them then), when that is another one and it answers.
    const slot = options.slotOf?.(c);
    const publisher = slot === undefined ? undefined : packagers.publisherOf(channel, slot);
    // Its own old slot: read from its disk, whoever packages the live now (no takeover).
    if (publisher === 'self') return next();
    const holder = packagers.holds(channel) ? undefined : packagers.holder(channel);
    if (publisher && publisher !== holder?.url) {
      const answer = await forward(publisher, `published ${publisher}`);
      if (answer) return answer;
    }
    // Nobody else is known to hold it (ours, Redis unreachable, or the lease free for a moment): answer here.
    if (!holder) return here();
    const answer = await forward(holder.url, `${holder.id}#${holder.fence}`);
    if (answer) {
      options.proxied?.(channel, holder);
      return answer;
    }
    // The holder died and its lease has not run out yet: this replica's timeline is the next best answer.
    await here(holder);
    await tell(c, c.res.headers, 'local');
  };
}

/** The request sent on to another replica, its answer streamed back; undefined when it cannot be reached. */
async function sendOn(
  c: Context,
  options: ReplicaProxyOptions,
  to: { base: string; body: ArrayBuffer | undefined; channel: ChannelId },
): Promise<Response | undefined> {
  const url = new URL(c.req.url);
  const target = `${to.base.replace(/\/+$/, '')}${url.pathname}${url.search}`;
  const headers = new Headers(c.req.raw.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  headers.set(REPLICA_HOP_HEADER, options.packagers.hopToken());
  headers.set('accept-encoding', 'identity');
  const method = c.req.method;
  // Until the answer's head only: the body then streams as long as it takes (the client's abort ends it).
  const firstByte = new AbortController();
  const blocking = url.searchParams.has('_HLS_msn');
  const timer = setTimeout(
    () => firstByte.abort(new Error('no answer in time')),
    blocking ? options.timeoutMs : Math.min(options.timeoutMs, QUICK_FIRST_BYTE_MS),
  );
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(target, {
      method,
      headers,
      ...(to.body ? { body: to.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.any([c.req.raw.signal, firstByte.signal]),
    });
  } catch (error) {
    if (c.req.raw.signal.aborted) throw error;
    options.logger.warn(
      { channel: to.channel, replica: to.base, err: (error as Error).message },
      'replicas: another replica unreachable, answered here',
    );
    return undefined;
  } finally {
    clearTimeout(timer);
  }
  const out = new Headers(response.headers);
  for (const name of HOP_BY_HOP) if (name !== 'content-length') out.delete(name);
  if (out.has('content-encoding')) {
    // fetch has decoded it already.
    out.delete('content-encoding');
    out.delete('content-length');
  }
  // Another replica's own disclosure (it was asked with a hop: it has none to add) is not passed on.
  out.delete(REPLICA_HEADER);
  return new Response(method === 'HEAD' ? null : response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: out,
  });
}
