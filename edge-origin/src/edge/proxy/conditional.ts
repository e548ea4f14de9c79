// Client conditional requests and ranges answered by the cache itself (RFC 9110 §13, §14).
import { parseHttpDate } from '../http/dates.ts';

/** §13.1.2 If-None-Match with weak comparison, then §13.1.3 If-Modified-Since: true → answer 304. */
export function notModified(requestHeaders: Headers, responseHeaders: Headers): boolean {
  const inm = requestHeaders.get('if-none-match');
  if (inm !== null) {
    const etag = responseHeaders.get('etag');
    if (inm.trim() === '*') return true; // a representation exists
    if (!etag) return false;
    const opaque = (t: string) => t.trim().replace(/^W\//, '');
    return inm.split(',').some((t) => opaque(t) === opaque(etag));
  }
  const ims = parseHttpDate(requestHeaders.get('if-modified-since'));
  if (ims === undefined) return false;
  const lastModified = parseHttpDate(responseHeaders.get('last-modified') ?? responseHeaders.get('date'));
  return lastModified !== undefined && lastModified <= ims;
}

/** Headers of a 304 made from a full response's (§15.4.5): everything but the content framing. */
export function notModifiedHeaders(headers: Headers): Headers {
  const out = new Headers(headers);
  for (const name of ['content-length', 'content-range', 'transfer-encoding']) out.delete(name);
  return out;
}

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/**
 * §14.2 Range on a stored 200: one byte range is served as 206; several ranges, other units or
 * a failed If-Range (§13.1.5) are answered with the whole representation, which the RFC allows.
 */
export function rangeDecision(requestHeaders: Headers, responseHeaders: Headers, length: number): RangeDecision {
  const range = requestHeaders.get('range');
  if (!range) return { kind: 'full' };
  const ifRange = requestHeaders.get('if-range');
  if (ifRange !== null && !ifRangeMatches(ifRange, responseHeaders)) return { kind: 'full' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(range);
  if (!m) return { kind: 'full' }; // multiple ranges or unknown unit: ignore Range
  const [, first, last] = m;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || length === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, length - suffix), end: length - 1 };
  }
  const start = Number(first);
  if (start >= length) return { kind: 'unsatisfiable' };
  const end = last === '' ? length - 1 : Math.min(Number(last), length - 1);
  if (end < start) return { kind: 'full' }; // invalid range-spec: ignore
  return { kind: 'partial', start, end };
}

function ifRangeMatches(ifRange: string, headers: Headers): boolean {
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) {
    const etag = headers.get('etag');
    // Strong comparison: weak tags never match.
    return !!etag && !value.startsWith('W/') && !etag.startsWith('W/') && etag === value;
  }
  const date = parseHttpDate(value);
  const lastModified = parseHttpDate(headers.get('last-modified'));
  return date !== undefined && lastModified !== undefined && date === lastModified;
}
