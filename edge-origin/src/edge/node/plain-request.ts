// The requests the Node fast paths (fast-hit.ts, fast-join.ts) may answer, and how they see one:
// its cache key, its URL, and what its record (proxy/record.ts) reads, each built only when
// something needs it (a playlist hit is ~1 KB: a URL parse is a real share of its cost).
import { PEER_HEADER } from '../upstream/upstream-client.ts';
import type { IncomingMessage } from 'node:http';
import { primaryKey } from '../cache/key.ts';
import { readsRequest, RequestRecord, type AnsweredAt, type RecordedRequest } from '../proxy/record.ts';
import { bypassesGate } from '../access/gate.ts';
import type { EdgeConfig } from '../config.ts';
import type { EdgeContext } from '../context.ts';
import type { PlainHead } from './request-head.ts';

/**
 * What these paths read of a request: node:http's IncomingMessage, or the front door's own
 * reading of a plain head (front-door.ts), with the socket it came on.
 */
export type PlainHeadOn = Pick<IncomingMessage, 'method' | 'url' | 'rawHeaders'> & {
  headers: IncomingMessage['headers'] | PlainHead['headers'];
  socket: { remoteAddress?: string | undefined };
};

/**
 * Request targets and hosts that @hono/node-server and the URL parser take as they are (its own
 * checks, plus percent-escapes, which the URL parser keeps, and minus '#'); dot segments, also
 * escaped ones, are rewritten by the parser, so they take the general path.
 */
const PLAIN_TARGET = /^\/[!$%&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)|%2e/i;
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

/**
 * A request whose answer from the cache is the stored one as is, and whose URL the general path
 * would take as it comes: no conditionals, Range, preconditions or Authorization, a plain target
 * and host, an allowed method, well under the size limits (near them the general path decides,
 * and words the 414/431). The Node fast paths take only these.
 */
export function isPlainRequest(req: PlainHeadOn, config: EdgeConfig): boolean {
  const target = req.url ?? '';
  if (!isPlainTarget(target, config)) return false;
  const h = req.headers;
  if (
    h.range !== undefined ||
    h['if-none-match'] !== undefined ||
    h['if-modified-since'] !== undefined ||
    h['if-match'] !== undefined ||
    h['if-unmodified-since'] !== undefined ||
    h.authorization !== undefined
  ) {
    return false;
  }
  // A request naming this edge in Via may be a loop: the general path decides (proxy/loop-guard.ts).
  if (h.via?.toLowerCase().includes(config.viaName.toLowerCase())) return false;
  const host = h.host;
  if (!host || !PLAIN_HOST.test(host) || !config.allowedMethods.includes(req.method ?? '')) return false;
  return (
    7 + host.length + target.length <= config.maxUrlLength && rawHeaderBytes(req.rawHeaders) <= config.maxHeaderBytes
  );
}

/** The target part of isPlainRequest: one the URL parser keeps as it is, outside /_edge and the
 * access gate. */
export function isPlainTarget(target: string, config: EdgeConfig): boolean {
  if (!PLAIN_TARGET.test(target) || DOT_SEGMENT.test(target) || target.startsWith('/_edge')) return false;
  // Access control's restricted paths and tokens are the general path's (access/guard.ts).
  return bypassesGate(target, config);
}

/** A plain request's primary key, and its URL when the key or the record needs one. */
export function plainTarget(ctx: EdgeContext, req: PlainHeadOn): { key: string; url: URL | undefined } {
  const target = req.url!;
  const query = target.indexOf('?');
  // A plain target without a query is its own primary key (cache/key.ts only rewrites queries).
  const url = query >= 0 || readsRequest(ctx, target) ? new URL(`http://${req.headers.host!}${target}`) : undefined;
  return { key: query >= 0 ? primaryKey(url!) : target, url };
}

/** The request's record, given Node's view of the request only when the audience or the log reads
 * it (`url` is then given too); `answeredAt` for one answered already (the native front door). */
export function recordOf(
  ctx: EdgeContext,
  req: PlainHeadOn,
  url: URL | undefined,
  answeredAt?: AnsweredAt,
): RequestRecord {
  if (!readsRequest(ctx, req.url!))
    return new RequestRecord(
      ctx,
      undefined,
      undefined,
      undefined,
      req.headers[PEER_HEADER] === ctx.peerSecret,
      answeredAt,
    );
  return new RequestRecord(ctx, nodeRequestView(req, url!), url, req.socket.remoteAddress, undefined, answeredAt);
}

/** What the access log and the audience observer read, from Node's request (fields as Headers would give them). */
function nodeRequestView(req: PlainHeadOn, url: URL): RecordedRequest {
  return {
    method: req.method ?? 'GET',
    url: url.href,
    headers: {
      get(name: string): string | null {
        const value = req.headers[name];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
  };
}

/**
 * At least what the general path counts (it counts a repeated field once): under the limit here means under it there.
 */
function rawHeaderBytes(raw: string[]): number {
  let n = 2 * raw.length; // name, value, ': ' and CRLF: 4 bytes of separators per pair
  for (const part of raw) n += part.length;
  return n;
}
