// Building the client's response: from a stored entry, from a fill in progress, or an error.
import { currentAge, ageHeaderValue, type AgeInputs } from '../cache/freshness.ts';
import { appendVia } from '../http/headers.ts';
import { notModified, notModifiedHeaders, rangeDecision } from './conditional.ts';
import { headersToStore } from '../cache/storability.ts';
import { effectiveDirectives } from '../http/targeted.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { FillOutcome } from '../collapse/in-flight.ts';
import type { CacheResult } from '../admin/metrics.ts';
import type { EdgeContext } from '../context.ts';

type ResponseOutcome = Extract<FillOutcome, { kind: 'response' }>;

export function decorate(ctx: EdgeContext, headers: Headers, result: CacheResult, age: AgeInputs | null): Headers {
  if (age) headers.set('age', ageHeaderValue(currentAge(age, ctx.now())));
  // RFC 9213: the targeted fields were for this edge; Cache-Control speaks to the caches after it.
  if (!ctx.config.forwardTargetedCacheControl) for (const name of ctx.config.targetedCacheControl) headers.delete(name);
  headers.set('x-cache', result);
  appendVia(headers, ctx.config.viaName);
  return headers;
}

/** A response from the cache, honouring the client's conditionals, Range and HEAD. */
export function responseFromEntry(ctx: EdgeContext, req: Request, entry: CacheEntry, result: CacheResult): Response {
  const headers = decorate(ctx, new Headers(entry.headers), result, entry);
  const isHead = req.method === 'HEAD';
  if (entry.status === 200 && notModified(req.headers, headers)) {
    return new Response(null, { status: 304, headers: notModifiedHeaders(headers) });
  }
  const length = entry.body.byteLength;
  if (entry.status === 200 && !isHead) {
    headers.set('accept-ranges', 'bytes');
    const range = rangeDecision(req.headers, headers, length);
    if (range.kind === 'unsatisfiable') {
      headers.set('content-range', `bytes */${length}`);
      headers.delete('content-length');
      return new Response(null, { status: 416, headers });
    }
    if (range.kind === 'partial') {
      headers.set('content-range', `bytes ${range.start}-${range.end}/${length}`);
      headers.set('content-length', String(range.end - range.start + 1));
      ctx.metrics.bytesServed(range.end - range.start + 1);
      return new Response(asBody(entry.body.subarray(range.start, range.end + 1)), { status: 206, headers });
    }
  }
  completeWholeAnswer(headers, entry, isHead);
  if (isHead || bodylessStatus(entry.status)) return new Response(null, { status: entry.status, headers });
  ctx.metrics.bytesServed(length);
  return new Response(asBody(entry.body), { status: entry.status, headers });
}

/**
 * The headers of a stored entry's whole answer (no conditional, no range): exactly what
 * responseFromEntry sends then. The Node fast path (node/fast-hit.ts) prepares its header list
 * from this, so both paths send the same fields.
 */
export function wholeAnswerHeaders(ctx: EdgeContext, entry: CacheEntry, result: CacheResult, isHead: boolean): Headers {
  const headers = decorate(ctx, new Headers(entry.headers), result, entry);
  completeWholeAnswer(headers, entry, isHead);
  return headers;
}

/**
 * The headers of a fill's answer: its leader gets the response as it came, a viewer who joined
 * what the cache would have given it, without the fields the origin marked private="..." or
 * no-cache="..." (those are for the one who asked). The Node fast join (node/fast-join.ts)
 * prepares its header list from this too.
 */
export function fillAnswerHeaders(ctx: EdgeContext, outcome: ResponseOutcome, joined: boolean): Headers {
  const base = joined
    ? headersToStore(outcome.headers, effectiveDirectives(outcome.headers, ctx.config.targetedCacheControl))
    : new Headers(outcome.headers);
  return decorate(ctx, base, joined ? 'COLLAPSED' : 'MISS', outcome);
}

function completeWholeAnswer(headers: Headers, entry: CacheEntry, isHead: boolean): void {
  if (entry.status === 200 && !isHead) headers.set('accept-ranges', 'bytes');
  if (!bodylessStatus(entry.status)) headers.set('content-length', String(entry.body.byteLength));
}

export function bodylessStatus(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/** 502/504 with a message an operator can act on (French first, as the project's user-facing text). */
export function gatewayError(ctx: EdgeContext, kind: 'unreachable' | 'timeout', message: string): Response {
  const { status, headers, text } = gatewayErrorParts(ctx, kind, message);
  return new Response(text, { status, headers });
}

/** gatewayError's status, fields and text, for a runtime that writes them itself (node/fast-pass.ts). */
export function gatewayErrorParts(
  ctx: EdgeContext,
  kind: 'unreachable' | 'timeout',
  message: string,
): { status: number; headers: Headers; text: string } {
  const status = kind === 'timeout' ? 504 : 502;
  const title =
    kind === 'timeout' ? "Délai dépassé en attendant l'origine / Gateway timeout" : 'Origine injoignable / Bad gateway';
  const headers = decorate(
    ctx,
    new Headers({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }),
    'ERROR',
    null,
  );
  return { status, headers, text: `${status} ${title}: ${withoutUpstreamAddresses(ctx, message)}\n` };
}

/** Viewers learn what went wrong, not where the origin is (the admin health detail names it). */
function withoutUpstreamAddresses(ctx: EdgeContext, message: string): string {
  let out = message;
  for (const url of [ctx.config.upstreamUrl, ...ctx.config.fallbackUpstreamUrls]) {
    const { origin, host, hostname } = new URL(url);
    for (const address of [url.replace(/\/+$/, ''), origin, host, hostname]) out = out.split(address).join('upstream');
  }
  return out.replace(/\b(upstream)(?:[ :]+upstream\b)+/g, '$1');
}

export function plainError(ctx: EdgeContext, status: number, message: string): Response {
  const headers = decorate(
    ctx,
    new Headers({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }),
    'ERROR',
    null,
  );
  return new Response(`${status} ${message}\n`, { status, headers });
}

/** Stored bodies never live in a SharedArrayBuffer; TypeScript's DOM types cannot know that. */
function asBody(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}
