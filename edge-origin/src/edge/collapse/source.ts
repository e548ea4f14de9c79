// Where a fill gets its object, and the request it sends for it. With several workers the
// workers' election comes first (workers/sharing.ts): another worker's fresh copy, or the worker
// already fetching it, or the lease to fetch it here. The request is the viewer's, minus what
// makes no sense for a whole object fetched for the cache, plus the validators of the copy it
// refreshes (RFC 9111 §4.3.1).
import { addValidators } from '../cache/validation.ts';
import { withoutOwnVia } from '../http/headers.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { EdgeContext } from '../context.ts';
import { PEER_TOKEN_HEADER, type FetchOptions, type UpstreamResult } from '../upstream/upstream-client.ts';

/** Fields that make no sense on the edge's own fetch of a whole object for the cache. */
const NOT_FOR_FILL = [
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
  'range',
  'cache-control',
  'pragma',
];

export type Source =
  /** Another worker had a fresh copy: nothing to fetch. */
  | { kind: 'shared'; entry: CacheEntry }
  /**
   * Fetch it: from the worker already fetching it (`peerUrl`), else from the origin. `elected`:
   * this worker holds the object's lease (released when the fill ends). `share`: fetched from the
   * origin by this worker, so the other workers may take it.
   */
  | { kind: 'fetch'; peerUrl?: string; elected: boolean; share: boolean };

const ALONE: Source = { kind: 'fetch', elected: false, share: true };

/**
 * `elect`: false for a request from another worker, which already won this object's election.
 * `deadHolder`: the sibling this worker was sent to did not answer (Sharing.elect).
 */
export async function chooseSource(
  ctx: EdgeContext,
  key: string,
  stale: CacheEntry | undefined,
  elect: boolean,
  deadHolder?: string,
): Promise<Source> {
  if (!elect || !ctx.sharing) return ALONE;
  const election = await ctx.sharing.elect(key, stale?.responseTime ?? -1, deadHolder);
  switch (election.kind) {
    case 'shared':
      return election;
    case 'leader':
      return { kind: 'fetch', elected: true, share: true };
    case 'peer':
      return { kind: 'fetch', peerUrl: election.url, elected: false, share: false };
    case 'fetch':
      return ALONE;
  }
}

/** The upstream request's fields: the leader's request, made fit for a shared whole-object fetch. */
export function fillRequestHeaders(ctx: EdgeContext, requestHeaders: Headers, stale: CacheEntry | undefined): Headers {
  const headers = ctx.upstream.forwardHeaders(requestHeaders, null);
  for (const name of NOT_FOR_FILL) headers.delete(name);
  if (stale) addValidators(headers, stale);
  return headers;
}

/**
 * The object from the origin. `holdSeconds`: how long the origin may hold this request by design
 * (a blocking playlist reload, the content policy says), on top of the usual first-byte timeout.
 */
export function fetchObject(
  ctx: EdgeContext,
  pathAndQuery: string,
  headers: Headers,
  holdSeconds = 0,
): Promise<UpstreamResult> {
  return ctx.upstream.fetch('GET', pathAndQuery, headers, null, holdOptions(ctx, holdSeconds));
}

function holdOptions(ctx: EdgeContext, holdSeconds: number): FetchOptions {
  return holdSeconds > 0
    ? { firstByteTimeoutMs: ctx.config.upstreamFirstByteTimeoutMs + Math.ceil(holdSeconds * 1000) }
    : {};
}

/**
 * The object from the sibling fetching it, streamed as its own fetch receives it. Null when the
 * sibling does not answer, fails, or has nothing to offer (its fetch ended and kept nothing: 503;
 * it never goes upstream for a sibling): the caller then elects again in its place.
 */
export async function fromPeer(
  ctx: EdgeContext,
  pathAndQuery: string,
  headers: Headers,
  url: string,
  holdSeconds: number,
): Promise<UpstreamResult | null> {
  const options = holdOptions(ctx, holdSeconds);
  try {
    const toPeer = new Headers(headers);
    if (ctx.config.peerToken) toPeer.set(PEER_TOKEN_HEADER, ctx.config.peerToken);
    const result = await ctx.upstream.fetch('GET', pathAndQuery, toPeer, null, { ...options, only: url });
    if (result.response.status < 500) return { ...result, response: asFromOrigin(ctx, result.response) };
    void result.response.body?.cancel().catch(() => {});
  } catch {
    // The peer went away (a dead worker's lease).
  }
  return null;
}

/** Two workers are one edge: what the peer added for its client is not part of the object. */
function asFromOrigin(ctx: EdgeContext, response: Response): Response {
  const headers = new Headers(response.headers);
  headers.delete('x-cache');
  withoutOwnVia(headers, ctx.config.viaName);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
