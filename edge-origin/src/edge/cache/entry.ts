// A stored response and the times the RFC needs to age it (RFC 9111 §4.2.3).
import { listHeader, headerBytes } from '../http/headers.ts';
import { parseCacheControl, type Directives } from '../http/cache-control.ts';
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
  /** Parsed Cache-Control of the stored response (cached: read on every hit). */
  cacheControl: Directives;
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
}): CacheEntry {
  const headers = init.headers;
  const ageValue = parseAge(headers.get('age'));
  headers.delete('age');
  return {
    ...init,
    ageValue,
    varyNames: listHeader(headers.get('vary')),
    tags: surrogateTags(headers),
    size:
      init.body.byteLength + headerBytes(headers) + init.primaryKey.length + init.storageKey.length + ENTRY_OVERHEAD,
    cacheControl: parseCacheControl(headers.get('cache-control')),
  };
}

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
  entry.cacheControl = parseCacheControl(entry.headers.get('cache-control'));
}

/** Age header value (delta-seconds); anything unparseable counts as 0. */
export function parseAge(value: string | null): number {
  if (!value || !/^\s*\d+\s*$/.test(value)) return 0;
  return Number(value);
}
