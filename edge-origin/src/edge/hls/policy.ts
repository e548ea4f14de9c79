// Live HLS on top of HTTP caching. What generic caches get wrong for live streams:
//  - a media playlist changes every target duration: whatever the upstream says, it is never kept
//    longer than a fraction (default 1/2) of its EXT-X-TARGETDURATION (and gets that TTL when the
//    upstream says nothing), while an ended playlist (EXT-X-ENDLIST) is kept long;
//  - a warm live playlist never makes a viewer wait: hits past half its TTL refresh it in the
//    background, and a just-expired one is served while it refreshes (for one target duration);
//  - new segments listed by a refreshed playlist are fetched before viewers ask (prefetch), only
//    for renditions someone is watching; and the refreshed playlist is served only once they are
//    in the cache (or after a bound), so viewers learn of a segment when it is already a hit.
//    WHY: without that wait, every viewer of a popular live asked for a brand-new segment in the
//    same ~100 ms and joined its fetch in progress; streaming one fetch to 10,000 waiters cost the
//    edge far more CPU than 10,000 hits, and viewers stalled. The bound: half a target duration
//    (prefetchGateTargetFraction), and never past what the version served meanwhile may be served
//    for (fresh, then stale while revalidated: one target duration for a live playlist, so the
//    wait does not shrink to nothing when the edge is slow to refresh under load); viewers are
//    never held (they get that version, HIT or STALE, from the Node fast path too), and a slow or
//    failing segment upstream only delays the new playlist by the bound;
//  - a 404 for a segment not yet published is remembered briefly (players ask a little early), and
//    forgotten as soon as a playlist lists that segment, so it cannot poison the cache.
import { isPlaylistPath } from '../../../../shared/hls/paths.ts';
import { currentAge, freshnessLifetime, hasExplicitExpiry, headerLifetime, mustNotServeStale } from '../cache/freshness.ts';
import { staleWhileRevalidateAllowance } from '../proxy/fresh-hit.ts';
import { primaryKey } from '../cache/key.ts';
import { fillInBackground } from '../collapse/background.ts';
import { parseCacheControl } from '../http/cache-control.ts';
import { scanPlaylist } from './playlist.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { ContentPolicy, EdgeContext } from '../proxy/context.ts';

const SEGMENT_PATH = /\.(ts|m4s|mp4|m4a|m4v|aac|ac3|ec3|mp3|vtt|webvtt|cmfv|cmfa|cmft)$/i;
const MAX_PREFETCH_PER_REFRESH = 3;
const WATCHED_FOR_TARGET_DURATIONS = 3;
const decoder = new TextDecoder();
const noHeaders = new Headers();

function pathnameOf(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  return q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
}

/** A live media playlist may be served stale for one target duration while it refreshes. */
function liveStaleWhileRevalidate(entry: CacheEntry): number | undefined {
  const facts = entry.playlist;
  return facts && facts.media && !facts.ended && facts.targetDuration ? facts.targetDuration : undefined;
}

function isPlaylist(entryPath: string, headers: Headers): boolean {
  return isPlaylistPath(pathnameOf(entryPath)) || /mpegurl/i.test(headers.get('content-type') ?? '');
}

export function createHlsPolicy(ctx: EdgeContext): ContentPolicy {
  const { config } = ctx;
  /** Playlist key → last time a viewer asked for it (seconds). */
  const lastAsked = new Map<string, number>();
  /** Live playlist key → segment URIs of the version stored last (to find the new ones). */
  const knownSegments = new Map<string, Set<string>>();

  function watched(key: string, targetDuration: number): boolean {
    const at = lastAsked.get(key);
    return at !== undefined && ctx.now() - at <= WATCHED_FOR_TARGET_DURATIONS * targetDuration;
  }

  function applyPlaylistLifetime(entry: CacheEntry): void {
    const facts = entry.playlist;
    if (!facts || entry.status !== 200) return;
    const fromHeaders = headerLifetime(entry.status, entry.headers, entry.cacheControl, config);
    const explicit = hasExplicitExpiry(entry.cacheControl, entry.headers);
    if (facts.ended) {
      entry.lifetimeOverride = Math.max(fromHeaders, config.endedPlaylistTtlSeconds);
    } else if (facts.media && facts.targetDuration) {
      const cap = facts.targetDuration * config.playlistTtlTargetFraction;
      entry.lifetimeOverride = explicit ? Math.min(fromHeaders, cap) : cap;
    }
  }

  function resolveSegment(playlistKey: string, uri: string): URL | null {
    try {
      const base = new URL(playlistKey, 'http://edge.invalid');
      const url = new URL(uri, base);
      return url.origin === base.origin ? url : null;
    } catch {
      return null;
    }
  }

  /** Prefetches the segments a refreshed live playlist adds; resolves once they are all stored
   * (or given up), which is when the playlist may be served (see the top of this file). */
  function onLivePlaylistStored(entry: CacheEntry): Promise<void> | undefined {
    const facts = entry.playlist!;
    const previous = knownSegments.get(entry.primaryKey);
    const current = new Set(facts.segments);
    knownSegments.set(entry.primaryKey, current);
    const fresh = previous ? facts.segments.filter((s) => !previous.has(s)) : [];
    // Listed means published: forget any remembered 404 for these segments.
    for (const uri of fresh.length ? fresh : facts.segments) {
      const url = resolveSegment(entry.primaryKey, uri);
      if (!url) continue;
      const key = primaryKey(url);
      const stored = ctx.store.lookup(key, noHeaders);
      if (stored?.negative) ctx.store.deletePrimary(key);
    }
    if (!config.prefetchSegments || !facts.targetDuration || !watched(entry.primaryKey, facts.targetDuration)) return;
    const pending: Promise<void>[] = [];
    for (const uri of fresh.slice(-MAX_PREFETCH_PER_REFRESH)) {
      const url = resolveSegment(entry.primaryKey, uri);
      if (!url) continue;
      const key = primaryKey(url);
      if (ctx.store.lookup(key, noHeaders)) continue;
      const started = fillInBackground(ctx, key, key, new Headers({ 'user-agent': `${config.viaName} prefetch` }), undefined);
      if (started) ctx.metrics.prefetch();
      // Already being fetched (a viewer asked early): wait for that fetch just the same.
      const fill = started ?? ctx.inflight.get(key);
      if (fill) pending.push(fill.done);
    }
    if (!config.prefetchGate || pending.length === 0) return;
    const waitSeconds = Math.min(facts.targetDuration * config.prefetchGateTargetFraction, servableLeft(entry));
    if (!(waitSeconds > 0)) return;
    const ready = settledWithin(Promise.all(pending), waitSeconds * 1000);
    ctx.track(ready);
    return ready;
  }

  /**
   * How long the version stored now may still be served: while fresh, then stale while it is
   * revalidated (RFC 5861; for a live playlist, one target duration). 0: none stored. Past that,
   * viewers would join the refresh and get the new version at once: the wait never goes beyond.
   */
  function servableLeft(incoming: CacheEntry): number {
    const previous = ctx.store.lookup(incoming.primaryKey, noHeaders);
    if (!previous || previous === incoming) return 0;
    const freshLeft = freshnessLifetime(previous, config) - currentAge(previous, ctx.now());
    if (mustNotServeStale(previous)) return Math.max(0, freshLeft);
    return Math.max(0, freshLeft + staleWhileRevalidateAllowance(ctx, previous));
  }

  return {
    onRequest(key) {
      if (!isPlaylistPath(pathnameOf(key))) return;
      lastAsked.set(key, ctx.now());
      if (lastAsked.size > 50_000) {
        const horizon = ctx.now() - 600;
        for (const [k, at] of lastAsked) if (at < horizon) lastAsked.delete(k);
      }
    },

    onStore(entry) {
      if (entry.status === 404 && SEGMENT_PATH.test(pathnameOf(entry.primaryKey))) {
        entry.negative = true;
        const fromHeaders = hasExplicitExpiry(entry.cacheControl, entry.headers)
          ? headerLifetime(entry.status, entry.headers, entry.cacheControl, config)
          : config.negativeTtlSeconds;
        entry.lifetimeOverride = Math.min(fromHeaders, config.negativeTtlSeconds);
        return;
      }
      if (entry.status !== 200 || !isPlaylist(entry.primaryKey, entry.headers)) return;
      const facts = scanPlaylist(decoder.decode(entry.body));
      if (!facts) return;
      entry.playlist = facts;
      applyPlaylistLifetime(entry);
      const announce = facts.media && !facts.ended ? onLivePlaylistStored(entry) : undefined;
      if (knownSegments.size > 50_000) knownSegments.clear();
      return announce;
    },

    onRevalidated(entry) {
      applyPlaylistLifetime(entry);
    },

    forcesLifetime(pathAndQuery, status, headers) {
      const cc = parseCacheControl(headers.get('cache-control'));
      if (hasExplicitExpiry(cc, headers)) return false; // the headers' own lifetime decides
      if (status === 404) return SEGMENT_PATH.test(pathnameOf(pathAndQuery)) && config.negativeTtlSeconds > 0;
      // A playlist without explicit freshness gets one from its target duration (or ENDLIST).
      return status === 200 && isPlaylist(pathAndQuery, headers);
    },

    staleWhileRevalidate: liveStaleWhileRevalidate,

    refreshAhead(entry, age, lifetime) {
      const facts = entry.playlist;
      return !!facts && facts.media && !facts.ended && lifetime > 0 && age >= lifetime / 2;
    },
  };
}

/** Resolves when `work` settles or after `ms`, whichever comes first; never rejects. */
function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    void work.then(done, done);
  });
}
