// What the upstream's answer to a fill means for everybody waiting on it (the FillOutcome each
// participant gets, collapse/in-flight.ts): a 304 refreshes the stored copy in place; a failure or
// a 5xx serves the stale copy when RFC 5861 stale-if-error allows; anything else is a new
// response whose body is streamed to every participant as it arrives (SharedBody) and stored
// once complete, when HTTP allows.
import { makeEntry, parseAge, type CacheEntry } from '../cache/entry.ts';
import { headerLifetime, mustNotServeStale, staleAllowance } from '../cache/freshness.ts';
import { headersToStore, storeDecision } from '../cache/storability.ts';
import { keepRefreshed } from '../cache/tiers.ts';
import { freshenFromNotModified } from '../cache/validation.ts';
import type { Directives } from '../http/cache-control.ts';
import { effectiveDirectives } from '../http/targeted.ts';
import { parseHttpDate } from '../http/dates.ts';
import { UpstreamError, type UpstreamResult } from '../upstream/upstream-client.ts';
import { applyRevalidationDecision } from './apply-decision.ts';
import { SharedBody } from './shared-body.ts';
import type { EdgeContext } from '../context.ts';
import type { FillOutcome } from './in-flight.ts';

/** What a fill lends the code that reads its answer (collapse/fill.ts). */
export interface FillSteps {
  readonly ctx: EdgeContext;
  readonly key: string;
  readonly pathAndQuery: string;
  /** The leader's request headers. */
  readonly requestHeaders: Headers;
  /** The stored copy this fill revalidates, if any. */
  readonly stale: CacheEntry | undefined;
  /** The fill is over: no longer joinable. */
  finish(): void;
  /** Stores this entry once the content policy lets viewers see it, then finishes. */
  store(entry: CacheEntry, share: boolean): void;
}

/** The fetch failed (network, timeout). */
export function failureOutcome(fill: FillSteps, error: unknown): FillOutcome {
  fill.ctx.metrics.upstream('error', 0);
  const upstreamError = error instanceof UpstreamError ? error : new UpstreamError(String(error), 'unreachable');
  fill.finish();
  if (fill.stale && staleUsableOnError(fill.ctx, fill.stale))
    return { kind: 'stale-on-error', entry: fill.stale, reason: upstreamError.message };
  return { kind: 'error', error: upstreamError };
}

/** `share`: fetched from the origin by this worker, so the other workers may take it. */
export function answerOutcome(
  fill: FillSteps,
  { response, requestTime, responseTime }: UpstreamResult,
  share: boolean,
): FillOutcome {
  const { ctx, stale } = fill;
  if (response.status === 304 && stale) {
    freshenFromNotModified(stale, response.headers, requestTime, responseTime);
    applyRevalidationDecision(ctx, stale);
    keepRefreshed(ctx, stale, share);
    fill.finish();
    return { kind: 'revalidated', entry: stale };
  }
  if (response.status >= 500 && stale && staleUsableOnError(ctx, stale)) {
    void response.body?.cancel().catch(() => {});
    fill.finish();
    return { kind: 'stale-on-error', entry: stale, reason: `upstream answered ${response.status}` };
  }
  return newResponse(fill, response, requestTime, responseTime, share);
}

function newResponse(
  fill: FillSteps,
  response: Response,
  requestTime: number,
  responseTime: number,
  share: boolean,
): FillOutcome {
  const { ctx, key, requestHeaders } = fill;
  const headers = new Headers(response.headers);
  // RFC 9110 §6.6.1: a recipient caching a response without Date adds one; an invalid Date is
  // taken as none (RFC 9111 §4.2.1 then ages and expires it from when it arrived).
  if (parseHttpDate(headers.get('date')) === undefined)
    headers.set('date', new Date(responseTime * 1000).toUTCString());
  const cc = effectiveDirectives(headers, ctx.config.targetedCacheControl);
  const decision = storeDecision('GET', requestHeaders, response.status, headers, cc);
  const lifetime = headerLifetime(response.status, headers, cc, ctx.config);
  const ageValue = parseAge(headers.get('age'));
  const lengthHeader = headers.get('content-length');
  const expectedLength = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const storable = decision.store && (expectedLength === undefined || expectedLength <= ctx.config.maxObjectBytes);
  // Other viewers may share this very response only if a cache could have served it to them.
  const shareable =
    decision.store &&
    !cc.has('no-cache') &&
    (lifetime > 0 || ctx.policy.forcesLifetime(fill.pathAndQuery, response.status, headers));
  const entryOf = (body: Uint8Array) =>
    entryFrom(ctx, key, requestHeaders, response.status, headers, cc, body, requestTime, responseTime);
  const outcome = {
    kind: 'response',
    status: response.status,
    headers,
    requestTime,
    responseTime,
    ageValue,
    shareable,
  } as const;

  if (!response.body) {
    if (storable) fill.store(entryOf(new Uint8Array(0)), share);
    else fill.finish();
    return { ...outcome, body: null };
  }
  if (!shareable) fill.finish(); // nobody joins; the entry (if storable) is stored for revalidation
  const body = new SharedBody(
    response.body,
    {
      retainUpTo: storable ? ctx.config.maxObjectBytes : 0,
      maxLagBytes: ctx.config.teeMaxLagBytes,
      onSlowReaderCut: () => ctx.metrics.slowClientCut(),
      onEnd: (bytes) => {
        if (bytes && storable) fill.store(entryOf(bytes), share);
        else fill.finish();
      },
    },
    expectedLength,
  );
  return { ...outcome, body };
}

function entryFrom(
  ctx: EdgeContext,
  key: string,
  requestHeaders: Headers,
  status: number,
  responseHeaders: Headers,
  cc: Directives,
  body: Uint8Array,
  requestTime: number,
  responseTime: number,
): CacheEntry {
  const entry = makeEntry({
    primaryKey: key,
    storageKey: '',
    status,
    headers: headersToStore(responseHeaders, cc),
    body,
    requestTime,
    responseTime,
    targets: ctx.config.targetedCacheControl,
  });
  entry.storageKey = ctx.store.storageKeyFor(key, entry.varyNames, requestHeaders);
  return entry;
}

/** RFC 5861 §4: may this stale copy answer now that the upstream failed? */
function staleUsableOnError(ctx: EdgeContext, entry: CacheEntry): boolean {
  if (mustNotServeStale(entry)) return false;
  const allowance = staleAllowance(entry, 'stale-if-error', ctx.config.staleIfErrorSeconds);
  return allowance > 0 && ctx.staleness(entry) <= allowance;
}
