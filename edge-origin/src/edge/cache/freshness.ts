// Freshness and age of a stored response, as a shared cache computes them (RFC 9111 §4.2).
import { deltaSeconds } from '../http/cache-control.ts';
import { parseHttpDate } from '../http/dates.ts';
import { isTargeted } from '../http/targeted.ts';
import type { CacheEntry } from './entry.ts';

/** Status codes a cache may give heuristic freshness to (RFC 9110 §15.1 "heuristically cacheable"). */
export const HEURISTICALLY_CACHEABLE = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]);

export interface HeuristicPolicy {
  heuristicFraction: number;
  heuristicMaxSeconds: number;
}

/**
 * §4.2.1: s-maxage (shared caches) wins over max-age, which wins over Expires - Date; otherwise a
 * heuristic (§4.2.2) where the status or `public` allows one: a fraction of the time since
 * Last-Modified. Without Last-Modified the heuristic lifetime is 0 (stored, but revalidated).
 */
export function freshnessLifetime(entry: CacheEntry, policy: HeuristicPolicy): number {
  if (entry.lifetimeOverride !== undefined) return entry.lifetimeOverride;
  return headerLifetime(entry.status, entry.headers, entry.cacheControl, policy);
}

export function headerLifetime(
  status: number,
  headers: Headers,
  cc: Map<string, string | true>,
  policy: HeuristicPolicy,
): number {
  const sMaxAge = deltaSeconds(cc, 's-maxage');
  if (sMaxAge !== undefined) return sMaxAge;
  const maxAge = deltaSeconds(cc, 'max-age');
  if (maxAge !== undefined) return maxAge;
  if (cc.has('max-age')) return 0; // present but invalid: treat as stale (§4.2.1, §1.2.2)
  // RFC 9213 §2.2: directives from a targeted field replace Expires too.
  const expiresText = isTargeted(cc) ? null : headers.get('expires');
  if (expiresText !== null) {
    const expires = parseHttpDate(expiresText);
    const date = parseHttpDate(headers.get('date'));
    // §5.3: an invalid Expires (e.g. "0") means already expired.
    if (expires === undefined || date === undefined) return 0;
    return Math.max(0, expires - date);
  }
  if (!hasExplicitExpiry(cc, headers) && (HEURISTICALLY_CACHEABLE.has(status) || cc.has('public'))) {
    const lastModified = parseHttpDate(headers.get('last-modified'));
    const date = parseHttpDate(headers.get('date'));
    if (lastModified !== undefined && date !== undefined && date > lastModified) {
      return Math.min(policy.heuristicMaxSeconds, Math.floor((date - lastModified) * policy.heuristicFraction));
    }
  }
  return 0;
}

export function hasExplicitExpiry(cc: Map<string, string | true>, headers: Headers): boolean {
  return cc.has('s-maxage') || cc.has('max-age') || (!isTargeted(cc) && headers.has('expires'));
}

/**
 * §4.2.3 current_age. HTTP-date has one-second resolution, so the response time is compared to
 * Date at that resolution too: comparing a millisecond clock to a truncated Date would invent up
 * to a second of age, which would halve the life of a 1-second live playlist.
 */
export interface AgeInputs {
  headers: Headers;
  ageValue: number;
  requestTime: number;
  responseTime: number;
}

export function currentAge(entry: AgeInputs, now: number): number {
  const dateValue = parseHttpDate(entry.headers.get('date')) ?? Math.floor(entry.responseTime);
  const apparentAge = Math.max(0, Math.floor(entry.responseTime) - dateValue);
  const responseDelay = Math.max(0, entry.responseTime - entry.requestTime);
  const correctedAgeValue = entry.ageValue + responseDelay;
  const correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
  const residentTime = Math.max(0, now - entry.responseTime);
  return correctedInitialAge + residentTime;
}

/** The Age value to send: whole seconds (RFC 9111 §5.1). */
export function ageHeaderValue(age: number): string {
  return String(Math.max(0, Math.floor(age)));
}

/** Delta-seconds of stale-while-revalidate / stale-if-error (RFC 5861), or the configured default. */
export function staleAllowance(
  entry: CacheEntry,
  directive: 'stale-while-revalidate' | 'stale-if-error',
  fallback: number,
): number {
  return deltaSeconds(entry.cacheControl, directive) ?? fallback;
}

/** True when the response forbids serving it stale (§4.2.4 and §5.2.2.2, §5.2.2.8 for shared caches). */
export function mustNotServeStale(entry: CacheEntry): boolean {
  const cc = entry.cacheControl;
  return cc.has('must-revalidate') || cc.has('proxy-revalidate') || cc.has('s-maxage') || cc.has('no-cache');
}
