// A stored response and the times the RFC needs to age it (RFC 9111 §4.2.3).
import { listHeader, headerBytes } from '../http/headers.ts';
import type { Directives } from '../http/cache-control.ts';
import { effectiveDirectives, type TargetList } from '../http/targeted.ts';
import type { PlaylistFacts } from '../hls/playlist.ts';

export interface CacheEntry {
  /** Primary key (see key.ts) and the variant key it is stored under. */
  primaryKey: string;
  storageKey: string;
  status: number;
  /** Stored header fields (hop-by-hop and Age removed; Date always present). */
  headers: Headers;
  body: Uint8Array;
  /** Clock readings in seconds: when the request that got this response was sent / answered. */
  requestTime: number;
  responseTime: number;
  /** The Age the upstream sent (age_value of §4.2.3); Age itself is not kept in `headers`. */
  ageValue: number;
  /** Header names the response varies on, and the request's values for them. */
  varyNames: string[];
  /** Surrogate keys (Surrogate-Key / Cache-Tag) for purging by tag. */
  tags: string[];
  /** Freshness lifetime decided by a content policy (live HLS), overriding the headers'. */
  lifetimeOverride?: number;
  /** What the HLS policy read in a playlist body. */
  playlist?: PlaylistFacts;
  /** A remembered 404 for a segment that may soon be published (negative caching). */
  negative?: boolean;
  /** Bytes this entry costs the memory tier. */
  size: number;
  /** The directives the edge caches this response by (cached: read on every hit): Cache-Control,
   * or the first valid targeted field of `targets` (RFC 9213, http/targeted.ts). */
  cacheControl: Directives;
  /** The targeted cache-control fields this entry was read with (the config's list). */
  targets: TargetList;
}

const ENTRY_OVERHEAD = 256;

export function makeEntry(init: {
  primaryKey: string;
  storageKey: string;
  status: number;
  headers: Headers;
  body: Uint8Array;
  requestTime: number;
  responseTime: number;
  targets?: TargetList;
}): CacheEntry {
  const headers = init.headers;
  const ageValue = parseAge(headers.get('age'));
  headers.delete('age');
  const targets = init.targets ?? DEFAULT_TARGETS;
  return {
    ...init,
    targets,
    ageValue,
    varyNames: listHeader(headers.get('vary')),
    tags: surrogateTags(headers),
    size:
      init.body.byteLength + headerBytes(headers) + init.primaryKey.length + init.storageKey.length + ENTRY_OVERHEAD,
    cacheControl: effectiveDirectives(headers, targets),
  };
}

/** The config's default target list (RFC 9213 CDN-Cache-Control). */
export const DEFAULT_TARGETS: TargetList = ['cdn-cache-control'];

/** Tags an upstream attaches for purging: Surrogate-Key (space-separated) and Cache-Tag (commas). */
export function surrogateTags(headers: Headers): string[] {
  const tags = new Set<string>();
  for (const t of (headers.get('surrogate-key') ?? '').split(/\s+/)) if (t) tags.add(t);
  for (const t of (headers.get('cache-tag') ?? '').split(',')) if (t.trim()) tags.add(t.trim());
  return [...tags];
}

/** Recomputes derived fields after stored headers change (a 304 refresh, §4.3.4). */
export function refreshDerived(entry: CacheEntry): void {
  entry.varyNames = listHeader(entry.headers.get('vary'));
  entry.tags = surrogateTags(entry.headers);
  entry.cacheControl = effectiveDirectives(entry.headers, entry.targets);
}

/**
 * Age header value (RFC 9111 §5.1, delta-seconds). Several values (a list, or several field lines,
 * which fetch joins with ", "): the first counts. A value that is not delta-seconds (`abc`, `-1`,
 * `7200.0`, `10a`) is invalid and ignored, i.e. counts as 0; overflow saturates at 2^31 (§1.2.2).
 */
export function parseAge(value: string | null): number {
  if (!value) return 0;
  const first = (value.split(',')[0] ?? '').trim();
  if (!/^\d+$/.test(first)) return 0;
  return Math.min(Number(first), 2 ** 31);
}
