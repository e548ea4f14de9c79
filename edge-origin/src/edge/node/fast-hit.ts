// The Node fast path for cache hits.
//
// WHY: a cached live playlist is a ~1 KB answer that thousands of players ask for every couple of
// seconds. Through the general path each one costs a web Request (headers copied from Node's), a
// Hono context and router pass, a Headers copy of the stored fields, a Response, and
// @hono/node-server turning that back into Node's headers: measured here, that was most of the CPU
// of a playlist hit (README, Benchmarks: what this path gained). For a plain GET/HEAD that is a fresh hit in
// the memory tier (or a stale one the general path would serve as STALE while it revalidates),
// none of it is needed: this module writes the stored status, the header list (prepared once per
// stored entry and result, from the core's own wholeAnswerHeaders) and the stored bytes straight
// to Node's ServerResponse, or hands them to the front door (front-door.ts), computing only Age
// per request. The background fetch such a hit calls for (a live playlist due for its refresh, a
// stale entry's revalidation) is started here, as the general path starts it.
//
// WHAT IT GUARANTEES: the same answer as the general path, byte for byte (tests/edge/fast-hit.test.ts
// compares them): same freshness decision (proxy/fresh-hit.ts), same header fields in the same
// order (Headers' sorted order, then the Content-Type @hono/node-server adds to a body without
// one), same metrics, access log line and audience observation (proxy/record.ts). Anything else falls through to
// the general path, unchanged: conditionals, Range, Authorization, preconditions, Vary, disk-only
// entries, stale ones it would not serve, Set-Cookie, targets that the URL parser would rewrite,
// and requests near the size limits.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ageHeaderValue, currentAge } from '../cache/freshness.ts';
import { freshHit, servableWhileRevalidating } from '../proxy/fresh-hit.ts';
import { bodylessStatus, wholeAnswerHeaders } from '../proxy/respond.ts';
import { isPlainRequest, plainTarget, recordOf } from './plain-request.ts';
import { headerList, headersFromRaw, type HeaderList } from './header-list.ts';
import { refreshInBackground } from '../proxy/handler.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { FastAnswer } from './response-head.ts';
import type { PlainHeadOn } from './plain-request.ts';
import type { Edge } from '../app.ts';

export interface FastHitPath {
  /** Answers the request if it is a plain fresh hit in memory; false: the general path must. */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * The same for the front door (front-door.ts), which writes the answer itself: the answer, and
   * `sent` to call once it is on the socket; null: the general path must.
   */
  answer(req: PlainHeadOn): { answer: FastAnswer; sent(): void } | null;
  /** Requests answered here (tests check the fast path really was taken). */
  readonly served: number;
}

const NO_HEADERS = new Headers();

type HitResult = 'HIT' | 'NEGATIVE' | 'STALE';
/** A stored entry's answer, ready for writeHead, and the version and result it was made for. */
interface Prepared extends HeaderList {
  responseTime: number;
  result: HitResult;
}
interface PreparedPair {
  get?: Prepared | null;
  head?: Prepared | null;
}

export function createFastHitPath(edge: Edge): FastHitPath {
  const ctx = edge.context;
  const { config } = ctx;
  const prepared = new WeakMap<CacheEntry, PreparedPair>();
  let served = 0;

  function prepare(entry: CacheEntry, result: HitResult, isHead: boolean): Prepared | null {
    let pair = prepared.get(entry);
    if (!pair) prepared.set(entry, (pair = {}));
    const cached = isHead ? pair.head : pair.get;
    // A 304 from upstream refreshes an entry's fields in place, and always its responseTime.
    if (
      cached !== undefined &&
      (cached === null || (cached.responseTime === entry.responseTime && cached.result === result))
    )
      return cached;
    const list = headerList(wholeAnswerHeaders(ctx, entry, result, isHead), !isHead && !bodylessStatus(entry.status));
    return remember(pair, isHead, list && { responseTime: entry.responseTime, result, ...list });
  }

  function remember(pair: PreparedPair, isHead: boolean, value: Prepared | null): Prepared | null {
    if (isHead) pair.head = value;
    else pair.get = value;
    return value;
  }

  const path: FastHitPath = {
    get served() {
      return served;
    },
    serve(req, res) {
      const taken = path.answer(req);
      if (!taken) return false;
      const { status, fields, body } = taken.answer;
      res.writeHead(status, fields);
      if (body) res.end(body);
      else res.end();
      taken.sent();
      return true;
    },
    answer(req) {
      const method = req.method;
      if ((method !== 'GET' && method !== 'HEAD') || !isPlainRequest(req, config)) return null;
      const { key, url } = plainTarget(ctx, req);
      const entry = ctx.store.lookup(key, NO_HEADERS);
      if (!entry || entry.varyNames.length > 0) return null;
      const hit = freshHit(ctx, entry);
      let result: HitResult;
      let age: number;
      let refresh: boolean;
      if (hit) {
        // Due for its background refresh (a live playlist): started here as the general path would.
        refresh = hit.refreshAhead && !ctx.inflight.has(key);
        result = hit.result;
        age = hit.age;
      } else {
        // Stale while its revalidation runs or is started here (e.g. a live playlist whose refresh
        // waits for the segments it adds, hls/policy.ts): served STALE as the general path would.
        if (!servableWhileRevalidating(ctx, entry)) return null;
        refresh = !ctx.inflight.has(key);
        result = 'STALE';
        age = currentAge(entry, ctx.now());
      }
      const isHead = method === 'HEAD';
      const prepared = prepare(entry, result, isHead);
      if (!prepared) return null;
      if (refresh) {
        const target = url ?? new URL(`http://${req.headers.host!}${req.url!}`);
        refreshInBackground(ctx, key, target, headersFromRaw(req.rawHeaders), req.socket.remoteAddress, entry);
      }

      // From here on, this request is ours.
      const record = recordOf(ctx, req, url);
      record.arrived();
      record.asks(key);
      prepared.fields[prepared.ageAt] = ageHeaderValue(age);
      const withBody = !isHead && !bodylessStatus(entry.status);
      return {
        answer: { status: entry.status, fields: prepared.fields, body: withBody ? entry.body : null },
        sent() {
          if (withBody) ctx.metrics.bytesServed(entry.body.byteLength);
          record.answered(entry.status, result, bodylessStatus(entry.status) ? -1 : entry.body.byteLength);
          served++;
        },
      };
    },
  };
  return path;
}
