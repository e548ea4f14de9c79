// The request path of the edge: answer from the cache when HTTP allows it, otherwise join or
// start the one upstream fetch for the object (collapsing), otherwise pass the request through.
import { primaryKey, stripUnkeyedParams, varyValue } from '../cache/key.ts';
import { lookupTiers } from '../cache/tiers.ts';
import { parseCacheControl } from '../http/cache-control.ts';
import { headerBytes } from '../http/headers.ts';
import { fillInBackground, startFill } from '../collapse/fill.ts';
import { drainFill } from '../collapse/background.ts';
import { PEER_HEADER, UpstreamError } from '../upstream/upstream-client.ts';
import { notModified, notModifiedHeaders } from './conditional.ts';
import { freshHit, servableWhileRevalidating } from './fresh-hit.ts';
import { RequestRecord } from './record.ts';
import { badTargetMessage, refusedPath } from './request-target.ts';
import { fillAnswerHeaders, gatewayError, plainError, responseFromEntry } from './respond.ts';
import { invalidateAfterUnsafe, passAnswerHeaders, passesThrough } from './pass-through.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { CacheResult } from '../admin/metrics.ts';
import type { EdgeContext } from '../context.ts';
import type { Fill } from '../collapse/in-flight.ts';

/**
 * `client` is the viewer's address as the runtime saw it: it goes upstream in X-Forwarded-For,
 * added only to requests that actually leave for the upstream (the hit path copies no headers).
 */
export async function handleProxy(ctx: EdgeContext, req: Request, client?: string): Promise<Response> {
  const url = new URL(req.url);
  const record = new RequestRecord(ctx, req, url, client);
  record.arrived();
  const forwarded = lazyForwardedHeaders(req.headers, url, client);
  const { response, result, upstreamSeconds } = await route(ctx, req, url, forwarded, record);
  record.answered(response.status, result, Number(response.headers.get('content-length') ?? -1), upstreamSeconds);
  return response;
}

/**
 * The answer to a viewer a runtime's fast path (node/fast-join.ts) joined to `fill` before its
 * outcome was known, and that outcome turned out not to be one the fast path writes: what this
 * path gives a joiner (another worker's copy as a HIT, PASS for an answer others may not share,
 * the 502/504 of a failed fetch...), recorded on the record started at its arrival (its sighting
 * was taken then). One exception, kept from before: a 5xx others may not share (an LL-HLS origin's
 * 503 to a reload it held past three target durations) is asked again by all its waiters at once,
 * as one fetch they join, not one pass-through each (tests/edge/ll-hls.test.ts).
 */
export async function answerJoiner(
  ctx: EdgeContext,
  req: Request,
  fill: Fill,
  record: RequestRecord,
  client?: string,
): Promise<Response> {
  const url = new URL(req.url);
  const forwarded = lazyForwardedHeaders(req.headers, url, client);
  const outcome = await fill.outcome;
  const askAgain = outcome.kind === 'response' && !outcome.shareable && outcome.status >= 500;
  const { response, result, upstreamSeconds } = askAgain
    ? await route(ctx, req, url, forwarded, record)
    : await answerFromFill(ctx, req, url, fill, true, forwarded);
  record.answered(response.status, result, Number(response.headers.get('content-length') ?? -1), upstreamSeconds);
  return response;
}

/** `upstreamSeconds`: how long the upstream took to answer the fetch this answer came from. */
type Answer = { response: Response; result: CacheResult; upstreamSeconds?: number };

async function route(
  ctx: EdgeContext,
  req: Request,
  url: URL,
  forwarded: () => Headers,
  record: RequestRecord,
): Promise<Answer> {
  const method = req.method.toUpperCase();
  const limit = checkLimits(ctx, req, url, method);
  if (limit) return { response: limit, result: 'ERROR' };
  if (passesThrough(ctx.config, method, url.pathname, (name) => req.headers.has(name)))
    return passThrough(ctx, req, url, 'PASS', forwarded);

  const key = primaryKey(url);
  const entry = await lookupTiers(ctx, key, req.headers);
  if (req.headers.has('authorization')) {
    // §3.5: a stored response may answer a request with Authorization only if it says so. Such
    // requests never join others' fetches: their answers may depend on who asks.
    if (entry && authorizedReuse(entry) && freshHit(ctx, entry))
      return { response: responseFromEntry(ctx, req, entry, 'HIT'), result: 'HIT' };
    if (method !== 'GET') return passThrough(ctx, req, url, 'PASS', forwarded);
    // Its own fetch (nobody joins it); stored only if the response says a shared cache may (§3.5).
    const own = startFill(ctx, key, fillPath(url), forwarded(), undefined, { joinable: false });
    own.participants++;
    return answerFromFill(ctx, req, url, own, false, forwarded);
  }

  record.asks(key);
  const onlyIfCached = parseCacheControl(req.headers.get('cache-control')).has('only-if-cached');
  // Another worker of this edge lost the election for this object to us: it wants what we are
  // fetching now, not the copy we are replacing.
  const fromPeer = req.headers.get(PEER_HEADER) === ctx.peerSecret;
  const running = fromPeer ? ctx.inflight.get(key) : undefined;
  if (running) {
    running.participants++;
    return answerFromFill(ctx, req, url, running, true, forwarded);
  }
  // A sibling is sent here only while this edge fetches the object (or just has): with neither
  // the fetch nor a fresh copy, it is told so (503) and goes upstream itself. Never upstream on a
  // sibling's behalf: its own fetch may be the one we would be waiting for (no loops).
  if (fromPeer && !(entry && freshHit(ctx, entry)))
    return { response: plainError(ctx, 503, 'Pas ici / Not here (peer)'), result: 'MISS' };
  if (entry) {
    const hit = freshHit(ctx, entry);
    if (hit) {
      // Live playlists are refreshed before they expire, so a warm one never makes a viewer wait.
      if (hit.refreshAhead) fillInBackground(ctx, key, fillPath(url), forwarded(), entry);
      return { response: responseFromEntry(ctx, req, entry, hit.result), result: hit.result };
    }
    if (servableWhileRevalidating(ctx, entry)) {
      // RFC 5861 §3: serve stale now, revalidate in the background (one fetch for everyone).
      fillInBackground(ctx, key, fillPath(url), forwarded(), entry);
      return { response: responseFromEntry(ctx, req, entry, 'STALE'), result: 'STALE' };
    }
  }

  // LL-HLS: a blocking reload for a part the edge already holds in a newer playlist of the same
  // rendition is answered with that playlist at once (RFC 8216bis §6.2.5.2: any playlist that
  // contains the part answers it). Not while this very reload is being fetched: its viewers
  // share that fetch, as the Node fast join has them do.
  if (!ctx.inflight.has(key)) {
    const newer = await answeringEntry(ctx, key, req.headers);
    if (newer) return { response: responseFromEntry(ctx, req, newer, 'HIT'), result: 'HIT' };
  }

  // §5.2.1.7 only-if-cached: nothing usable stored → 504, never a trip upstream.
  if (onlyIfCached)
    return { response: plainError(ctx, 504, 'Pas en cache / Not cached (only-if-cached)'), result: 'MISS' };

  // A Range request for an object not stored: start filling the cache with the whole object for
  // the next viewers, but answer this one straight from upstream (a player asking for a byte range
  // must get that range).
  if (!entry && req.headers.has('range') && method === 'GET') {
    if (!ctx.inflight.has(key)) void drainFill(ctx, startFill(ctx, key, fillPath(url), forwarded(), undefined));
    return passThrough(ctx, req, url, 'PASS', forwarded);
  }

  // Several workers: the fill itself asks the workers' election first (collapse/fill.ts).
  let fill = ctx.inflight.get(key);
  const joined = fill !== undefined;
  fill ??= startFill(ctx, key, fillPath(url), forwarded(), entry, { elect: !fromPeer });
  fill.participants++;
  return answerFromFill(ctx, req, url, fill, joined, forwarded);
}

async function answerFromFill(
  ctx: EdgeContext,
  req: Request,
  url: URL,
  fill: Fill,
  joined: boolean,
  forwarded: () => Headers,
): Promise<Answer> {
  const answer = await answerFromOutcome(ctx, req, url, fill, joined, forwarded);
  // A pass-through (another variant) reports its own upstream time; otherwise the fill's.
  return answer.upstreamSeconds === undefined && fill.upstreamSeconds !== undefined
    ? { ...answer, upstreamSeconds: fill.upstreamSeconds }
    : answer;
}

async function answerFromOutcome(
  ctx: EdgeContext,
  req: Request,
  url: URL,
  fill: Fill,
  joined: boolean,
  forwarded: () => Headers,
): Promise<Answer> {
  const outcome = await fill.outcome;
  const ownVariant = (entry: CacheEntry) =>
    ctx.store.storageKeyFor(fill.key, entry.varyNames, req.headers) === entry.storageKey;
  switch (outcome.kind) {
    case 'shared':
      // Another worker's copy: as good as a hit here.
      if (joined && !ownVariant(outcome.entry)) return passThrough(ctx, req, url, 'PASS', forwarded);
      return { response: responseFromEntry(ctx, req, outcome.entry, 'HIT'), result: 'HIT' };
    case 'revalidated':
      if (joined && !ownVariant(outcome.entry)) return passThrough(ctx, req, url, 'PASS', forwarded);
      return { response: responseFromEntry(ctx, req, outcome.entry, 'REVALIDATED'), result: 'REVALIDATED' };
    case 'stale-on-error':
      if (joined && !ownVariant(outcome.entry)) return passThrough(ctx, req, url, 'PASS', forwarded);
      return { response: responseFromEntry(ctx, req, outcome.entry, 'STALE'), result: 'STALE' };
    case 'error':
      return { response: gatewayError(ctx, outcome.error.kind, outcome.error.message), result: 'ERROR' };
    case 'response': {
      if (joined && (!outcome.shareable || !sameVariant(outcome.headers, fill.leaderHeaders, req.headers))) {
        return passThrough(ctx, req, url, 'PASS', forwarded);
      }
      const result: CacheResult = joined ? 'COLLAPSED' : 'MISS';
      const headers = fillAnswerHeaders(ctx, outcome, joined);
      const isHead = req.method === 'HEAD';
      if (outcome.status === 200 && notModified(req.headers, headers)) {
        outcome.body?.releaseIfUnread();
        return { response: new Response(null, { status: 304, headers: notModifiedHeaders(headers) }), result };
      }
      if (isHead || !outcome.body) {
        outcome.body?.releaseIfUnread();
        return { response: new Response(null, { status: outcome.status, headers }), result };
      }
      const stream = outcome.body.subscribe((n) => ctx.metrics.bytesServed(n));
      if (!stream) return passThrough(ctx, req, url, 'PASS', forwarded); // its start is gone: fetch our own
      return { response: new Response(stream, { status: outcome.status, headers }), result };
    }
  }
}

async function passThrough(
  ctx: EdgeContext,
  req: Request,
  url: URL,
  result: CacheResult,
  forwarded: () => Headers,
): Promise<Answer> {
  const method = req.method.toUpperCase();
  const headers = ctx.upstream.forwardHeaders(forwarded(), url.host);
  const hasBody = method !== 'GET' && method !== 'HEAD' && req.body !== null;
  let upstreamResult;
  try {
    upstreamResult = await ctx.upstream.fetch(method, url.pathname + url.search, headers, hasBody ? req.body : null);
  } catch (error) {
    ctx.metrics.upstream('error', 0);
    const e = error instanceof UpstreamError ? error : new UpstreamError(String(error), 'unreachable');
    return { response: gatewayError(ctx, e.kind, e.message), result: 'ERROR' };
  }
  const { response, requestTime, responseTime } = upstreamResult;
  ctx.metrics.upstream(response.status, responseTime - requestTime);
  invalidateAfterUnsafe(ctx, method, url, response.status, response.headers);
  return {
    response: new Response(response.body, {
      status: response.status,
      headers: passAnswerHeaders(ctx, response.headers),
    }),
    result,
    upstreamSeconds: responseTime - requestTime,
  };
}

/** A fresh stored response under another key that the content policy says answers this one too. */
async function answeringEntry(ctx: EdgeContext, key: string, requestHeaders: Headers): Promise<CacheEntry | undefined> {
  const other = ctx.policy.answeredBy(key);
  if (other === undefined) return undefined;
  const entry = await lookupTiers(ctx, other, requestHeaders);
  return entry && answersReload(ctx, entry, key) ? entry : undefined;
}

/** `entry`, stored under another key, answers the blocking reload `key` now: fresh, and holding its part. */
export function answersReload(ctx: EdgeContext, entry: CacheEntry, key: string): boolean {
  return freshHit(ctx, entry) !== null && ctx.policy.answers(entry, key);
}

function authorizedReuse(entry: CacheEntry): boolean {
  const cc = entry.cacheControl;
  return cc.has('public') || cc.has('must-revalidate') || cc.has('s-maxage');
}

/** §4.1: a response stored for one request matches another if their selecting fields match. */
function sameVariant(responseHeaders: Headers, a: Headers, b: Headers): boolean {
  const vary = (responseHeaders.get('vary') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (vary.includes('*')) return false;
  return vary.every((name) => varyValue(a, name) === varyValue(b, name));
}

/**
 * Starts the background fetch of a stored entry a fast path served (node/fast-hit.ts): a live
 * playlist due for its refresh, or a stale one to revalidate, as this path starts it for a hit.
 */
export function refreshInBackground(
  ctx: EdgeContext,
  key: string,
  url: URL,
  incoming: Headers,
  client: string | undefined,
  entry: CacheEntry,
): void {
  fillFor(ctx, key, url, incoming, client, entry);
}

/** A background fill of `key` as a request for `url` would start it (revalidating `stale`, if
 * any); undefined when one is running already (ctx.inflight has it). */
export function fillFor(
  ctx: EdgeContext,
  key: string,
  url: URL,
  incoming: Headers,
  client: string | undefined,
  stale: CacheEntry | undefined,
): Fill | undefined {
  return fillInBackground(ctx, key, fillPath(url), lazyForwardedHeaders(incoming, url, client)(), stale);
}

function fillPath(url: URL): string {
  const u = stripUnkeyedParams(url);
  return u.pathname + u.search;
}

/** The methods RFC 9110 (§9) and RFC 5789 define: one of these not allowed here is a 405, any other a 501. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

function checkLimits(ctx: EdgeContext, req: Request, url: URL, method: string): Response | null {
  const { maxUrlLength, maxHeaderBytes, allowedMethods } = ctx.config;
  const refused = refusedPath(url.pathname);
  if (refused) return plainError(ctx, 400, badTargetMessage(refused));
  if (req.url.length > maxUrlLength)
    return plainError(ctx, 414, `URI trop longue / URI too long (limite ${maxUrlLength} octets)`);
  if (headerBytes(req.headers) > maxHeaderBytes) {
    return plainError(
      ctx,
      431,
      `En-têtes trop volumineux / Request header fields too large (limite ${maxHeaderBytes} octets)`,
    );
  }
  if (!allowedMethods.includes(method)) {
    if (!KNOWN_METHODS.has(method))
      return plainError(ctx, 501, `Méthode non prise en charge / Not implemented: ${method}`);
    const response = plainError(ctx, 405, `Méthode non autorisée / Method not allowed: ${method}`);
    response.headers.set('allow', allowedMethods.join(', '));
    return response;
  }
  return null;
}

/** The request's headers plus X-Forwarded-For/-Proto for the upstream, built once, on first use
 * (the Node fast pass, node/fast-pass.ts, builds its upstream request's with it too). */
export function lazyForwardedHeaders(incoming: Headers, url: URL, client: string | undefined): () => Headers {
  let headers: Headers | undefined;
  return () => {
    if (headers) return headers;
    if (!client) return (headers = incoming);
    headers = new Headers(incoming);
    const prior = headers.get('x-forwarded-for');
    headers.set('x-forwarded-for', prior ? `${prior}, ${client}` : client);
    if (!headers.has('x-forwarded-proto')) headers.set('x-forwarded-proto', url.protocol.replace(':', ''));
    return headers;
  };
}
