// The Node fast path for cache hits.
//
// WHY: a cached live playlist is a ~1 KB answer that thousands of players ask for every couple of
// seconds. Through the general path each one costs a web Request (headers copied from Node's), a
// Hono context and router pass, a Headers copy of the stored fields, a Response, and
// @hono/node-server turning that back into Node's headers: measured here, that was most of the CPU
// of a playlist hit (14k req/s against nginx's 71k). For a plain GET/HEAD that is a fresh hit in
// the memory tier (or a stale one the general path would serve as STALE while its revalidation
// runs), none of it is needed: this module writes the stored status, the header list (prepared
// once per stored entry and result, from the core's own wholeAnswerHeaders) and the stored bytes
// straight to Node's ServerResponse, computing only Age per request.
//
// WHAT IT GUARANTEES: the same answer as the general path, byte for byte (tests/edge/fast-hit.test.ts
// compares them): same freshness decision (proxy/fresh-hit.ts), same header fields in the same
// order (Headers' sorted order, then the Content-Type @hono/node-server adds to a body without
// one), same metrics, access log line and audience observation. Anything else falls through to
// the general path, unchanged: conditionals, Range, Authorization, preconditions, Vary, disk-only
// or stale entries, a live playlist due for its background refresh that nobody started yet,
// Set-Cookie, targets that the URL parser would rewrite, and requests near the size limits.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { primaryKey } from '../cache/key.ts';
import { ageHeaderValue, currentAge } from '../cache/freshness.ts';
import { freshHit, servableWhileRevalidating } from '../proxy/fresh-hit.ts';
import { bodylessStatus, wholeAnswerHeaders } from '../proxy/respond.ts';
import { accessLogLine } from '../proxy/access-log.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { Edge } from '../app.ts';
import type { AudienceObserver } from '../audience/observer.ts';
import type { EdgeConfig } from '../config.ts';

export interface FastHitPath {
  /** Answers the request if it is a plain fresh hit in memory; false: the general path must. */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
  /** Requests answered here (tests check the fast path really was taken). */
  readonly served: number;
}

/** What @hono/node-server gives a response body that has no Content-Type. */
export const NODE_SERVER_DEFAULT_CONTENT_TYPE = 'text/plain; charset=UTF-8';
/**
 * Request targets and hosts that @hono/node-server and the URL parser take as they are (its own
 * checks, plus percent-escapes, which the URL parser keeps, and minus '#'); dot segments, also
 * escaped ones, are rewritten by the parser, so they take the general path.
 */
const PLAIN_TARGET = /^\/[!$%&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)|%2e/i;
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;
const NO_HEADERS = new Headers();

/** A stored entry's answer, ready for writeHead: flat [name, value, ...] with a slot for Age. */
type HitResult = 'HIT' | 'NEGATIVE' | 'STALE';
interface Prepared {
  responseTime: number;
  result: HitResult;
  fields: string[];
  ageAt: number;
}
interface PreparedPair {
  get?: Prepared | null;
  head?: Prepared | null;
}

export function createFastHitPath(edge: Edge, deps: { audience?: AudienceObserver } = {}): FastHitPath {
  const ctx = edge.context;
  const { config } = ctx;
  const prepared = new WeakMap<CacheEntry, PreparedPair>();
  let served = 0;

  function prepare(entry: CacheEntry, result: HitResult, isHead: boolean): Prepared | null {
    let pair = prepared.get(entry);
    if (!pair) prepared.set(entry, (pair = {}));
    const cached = isHead ? pair.head : pair.get;
    // A 304 from upstream refreshes an entry's fields in place, and always its responseTime.
    if (cached !== undefined && (cached === null || (cached.responseTime === entry.responseTime && cached.result === result))) return cached;
    const headers = wholeAnswerHeaders(ctx, entry, result, isHead);
    const fields: string[] = [];
    let ageAt = -1;
    for (const [name, value] of headers) {
      if (name === 'set-cookie') {
        // @hono/node-server moves these to the end: not worth copying that here.
        return remember(pair, isHead, null);
      }
      if (name === 'age') ageAt = fields.length + 1;
      fields.push(name, value);
    }
    if (!isHead && !bodylessStatus(entry.status) && !headers.has('content-type')) fields.push('content-type', NODE_SERVER_DEFAULT_CONTENT_TYPE);
    return remember(pair, isHead, ageAt < 0 ? null : { responseTime: entry.responseTime, result, fields, ageAt });
  }

  function remember(pair: PreparedPair, isHead: boolean, value: Prepared | null): Prepared | null {
    if (isHead) pair.head = value;
    else pair.get = value;
    return value;
  }

  return {
    get served() {
      return served;
    },
    serve(req, res) {
      const method = req.method;
      if ((method !== 'GET' && method !== 'HEAD') || !isPlainRequest(req, config)) return false;
      const target = req.url!;
      const host = req.headers.host!;
      const query = target.indexOf('?');
      const url = query >= 0 || config.accessLog || deps.audience ? new URL(`http://${host}${target}`) : undefined;
      const key = query >= 0 ? primaryKey(url!) : target;
      const entry = ctx.store.lookup(key, NO_HEADERS);
      if (!entry || entry.varyNames.length > 0) return false;
      const hit = freshHit(ctx, entry);
      let result: HitResult;
      let age: number;
      if (hit) {
        // Due for its background refresh and nobody started it: the general path starts it.
        if (hit.refreshAhead && !ctx.inflight.has(key)) return false;
        result = hit.result;
        age = hit.age;
      } else {
        // Stale, its revalidation running (e.g. a live playlist whose refresh waits for the
        // segments it adds, hls/policy.ts): served STALE as the general path would; with no
        // revalidation running, the general path starts one.
        if (!ctx.inflight.has(key) || !servableWhileRevalidating(ctx, entry)) return false;
        result = 'STALE';
        age = currentAge(entry, ctx.now());
      }
      const isHead = method === 'HEAD';
      const answer = prepare(entry, result, isHead);
      if (!answer) return false;

      // From here on, this request is ours.
      const started = ctx.now();
      const view = deps.audience || config.accessLog ? nodeRequestView(req, url!) : undefined;
      deps.audience?.observe(view!, req.socket.remoteAddress);
      ctx.policy.onRequest(key);
      answer.fields[answer.ageAt] = ageHeaderValue(age);
      res.writeHead(entry.status, answer.fields);
      const withBody = !isHead && !bodylessStatus(entry.status);
      if (withBody) {
        res.end(entry.body);
        ctx.metrics.bytesServed(entry.body.byteLength);
      } else {
        res.end();
      }
      ctx.metrics.request(entry.status, result);
      if (config.accessLog) {
        const bytes = bodylessStatus(entry.status) ? -1 : entry.body.byteLength;
        ctx.log(accessLogLine(view!, url!, entry.status, result, bytes, started, ctx.now(), req.socket.remoteAddress));
      }
      served++;
      return true;
    },
  };
}

/**
 * A request whose answer from the cache is the stored one as is, and whose URL the general path
 * would take as it comes: no conditionals, Range, preconditions or Authorization, a plain target
 * and host, an allowed method, well under the size limits (near them the general path decides,
 * and words the 414/431). The Node fast paths (here and fast-join.ts) take only these.
 */
export function isPlainRequest(req: IncomingMessage, config: EdgeConfig): boolean {
  const target = req.url ?? '';
  if (!PLAIN_TARGET.test(target) || DOT_SEGMENT.test(target) || target.startsWith('/_edge')) return false;
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
  const host = h.host;
  if (!host || !PLAIN_HOST.test(host) || !config.allowedMethods.includes(req.method ?? '')) return false;
  return 7 + host.length + target.length <= config.maxUrlLength && rawHeaderBytes(req.rawHeaders) <= config.maxHeaderBytes;
}

/** What the access log and the audience observer read, from Node's request (fields as Headers would give them). */
export function nodeRequestView(req: IncomingMessage, url: URL) {
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

/** At least what the general path counts (it counts a repeated field once): under the limit here means under it there. */
function rawHeaderBytes(raw: string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) n += raw[i]!.length + raw[i + 1]!.length + 4;
  return n;
}
