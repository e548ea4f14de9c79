// Live HLS on top of HTTP caching. What generic caches get wrong for live streams:
//  - a media playlist changes every target duration: whatever the upstream says, it is never kept
//    longer than a fraction (default 1/2) of its EXT-X-TARGETDURATION (and gets that TTL when the
//    upstream says nothing), while an ended playlist (EXT-X-ENDLIST) is kept long;
//  - a warm live playlist never makes a viewer wait: hits past half its TTL refresh it in the
//    background, and a just-expired one is served while it refreshes (for one target duration);
//  - new segments listed by a refreshed playlist are fetched before viewers ask (prefetch), only
//    for renditions someone is watching; and the refreshed playlist is served only once they are
//    in the cache (or after a bound), so viewers learn of a segment when it is already a hit.
//    WHY: without that wait, every viewer of a popular live asked for a brand-new segment within
//    moments of each other and joined its fetch in progress; streaming one fetch to 10,000 waiters cost the
//    edge far more CPU than 10,000 hits, and viewers stalled. The bound: half a target duration
//    (prefetchGateTargetFraction), and never past what the version served meanwhile may be served
//    for (fresh, then stale while revalidated: one target duration for a live playlist, so the
//    wait does not shrink to nothing when the edge is slow to refresh under load); viewers are
//    never held (they get that version, HIT or STALE, from the Node fast path too), and a slow or
//    failing segment upstream only delays the new playlist by the bound;
//  - a 404 for a segment not yet published is remembered briefly (players ask a little early), and
//    forgotten as soon as a playlist lists that segment, so it cannot poison the cache;
//  - LL-HLS blocking reloads (`_HLS_msn`, RFC 8216bis §6.2.5.2) are apart: the origin holds each
//    until the part it names exists, and the answer is the playlist as of that part. It is kept as
//    long as the origin says (the spec's caching appendix: six target durations), never refreshed
//    ahead nor served stale-while-revalidate (asking again would only ask for the same part), and
//    never gated nor used to prefetch (viewers wait for it already: it goes out the moment it
//    comes); its request does not mark the playlist as watched. The edge waits for it up to three
//    target durations beyond the usual first-byte timeout (upstreamHoldSeconds).
// This module only decides, as a VCL does for Varnish: it returns lifetimes, the segments to
// prefetch, the segments now published and the gate's bound (context.ts StoreDecision), and the
// collapse code carries them out (collapse/apply-decision.ts). What it remembers is
// its own: when each playlist was last asked for, and the segments each live playlist listed.
import { isPlaylistPath } from '../../../../shared/hls/paths.ts';
import { hasExplicitExpiry, headerLifetime } from '../cache/freshness.ts';
import { deliveryDirectives, isBlockingReload, primaryKey } from '../cache/key.ts';
import { effectiveDirectives } from '../http/targeted.ts';
import { containsPart, scanPlaylist, type PlaylistFacts } from './playlist.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { ContentPolicy, PolicyHost, StoreDecision } from '../context.ts';

const SEGMENT_PATH = /\.(ts|m4s|mp4|m4a|m4v|aac|ac3|ec3|mp3|vtt|webvtt|cmfv|cmfa|cmft)$/i;
const MAX_PREFETCH_PER_REFRESH = 3;
const WATCHED_FOR_TARGET_DURATIONS = 3;
const decoder = new TextDecoder();
const NOTHING: StoreDecision = Object.freeze({});

function pathnameOf(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  return q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
}

/** A live media playlist may be served stale for one target duration while it refreshes (not
 * the answer to a blocking reload: revalidating it would ask for the same part again). */
function liveStaleWhileRevalidate(entry: CacheEntry): number | undefined {
  const facts = entry.playlist;
  return facts?.media && !facts.ended && facts.targetDuration && !isBlockingReload(entry.primaryKey)
    ? facts.targetDuration
    : undefined;
}

/** A playlist key without `_HLS_msn`/`_HLS_part`: the rendition (and delta form) it is a version of. */
function renditionKey(key: string): string {
  return key.includes('_HLS_') ? key.replace(/[?&]_HLS_(?:msn|part)=[^&]*/g, '').replace(/^([^?]*)&/, '$1?') : key;
}

/** How far a playlist has got: media sequence number of the segment in progress, and its parts. */
function progress(facts: PlaylistFacts): number {
  return facts.nextMsn * 1_000_000 + facts.partsOfNext;
}

function isPlaylist(entryPath: string, headers: Headers): boolean {
  return isPlaylistPath(pathnameOf(entryPath)) || /mpegurl/i.test(headers.get('content-type') ?? '');
}

/** The primary key of a segment a playlist lists, when it is on the playlist's own origin. */
function segmentKey(playlistKey: string, uri: string): string | null {
  try {
    const base = new URL(playlistKey, 'http://edge.invalid');
    const url = new URL(uri, base);
    return url.origin === base.origin ? primaryKey(url) : null;
  } catch {
    return null;
  }
}

function segmentKeys(playlistKey: string, uris: readonly string[]): string[] {
  const keys: string[] = [];
  for (const uri of uris) {
    const key = segmentKey(playlistKey, uri);
    if (key !== null) keys.push(key);
  }
  return keys;
}

export function createHlsPolicy({ config, now }: PolicyHost): ContentPolicy {
  /** Playlist key → last time a viewer asked for it (seconds). */
  const lastAsked = new Map<string, number>();
  /** Live playlist key → segment URIs of the version stored last (to find the new ones). */
  const knownSegments = new Map<string, Set<string>>();
  /** Playlist path → its target duration as last stored: how long a blocking reload may be held. */
  const targetDurations = new Map<string, number>();
  /** Rendition (renditionKey) → the most advanced live playlist of it stored, plain or blocking. */
  const newest = new Map<string, { key: string; progress: number }>();

  function noteNewest(key: string, facts: PlaylistFacts): void {
    if (!facts.media || facts.ended) return;
    const rendition = renditionKey(key);
    const known = newest.get(rendition);
    if (known && known.progress >= progress(facts) && known.key !== key) return;
    if (newest.size > 50_000) newest.clear();
    newest.set(rendition, { key, progress: progress(facts) });
  }

  function watched(key: string, targetDuration: number): boolean {
    const at = lastAsked.get(key);
    return at !== undefined && now() - at <= WATCHED_FOR_TARGET_DURATIONS * targetDuration;
  }

  /** A playlist's lifetime: ended ones are kept long, live ones a fraction of a target duration. */
  function playlistLifetime(entry: CacheEntry, facts: PlaylistFacts): number | undefined {
    if (entry.status !== 200) return undefined;
    const fromHeaders = headerLifetime(entry.status, entry.headers, entry.cacheControl, config);
    const explicit = hasExplicitExpiry(entry.cacheControl, entry.headers);
    if (facts.ended) return Math.max(fromHeaders, config.endedPlaylistTtlSeconds);
    if (facts.media && facts.targetDuration) {
      // A blocking reload's answer: as long as the origin says (latecomers for the same part).
      if (explicit && isBlockingReload(entry.primaryKey)) return fromHeaders;
      const cap = facts.targetDuration * config.playlistTtlTargetFraction;
      return explicit ? Math.min(fromHeaders, cap) : cap;
    }
    return undefined;
  }

  /** A refreshed live playlist: the segments it publishes, and the new ones to fetch before viewers
   * ask, with the gate's bound (see the top of this file). */
  function livePlaylist(
    entry: CacheEntry,
    facts: PlaylistFacts,
  ): Pick<StoreDecision, 'published' | 'prefetch' | 'gateSeconds'> {
    const previous = knownSegments.get(entry.primaryKey);
    knownSegments.set(entry.primaryKey, new Set(facts.segments));
    const added = previous ? facts.segments.filter((s) => !previous.has(s)) : [];
    // Listed means published (parts too): a remembered 404 for these must go.
    const published = segmentKeys(entry.primaryKey, [...(added.length ? added : facts.segments), ...facts.parts]);
    if (!config.prefetchSegments || !facts.targetDuration || !watched(entry.primaryKey, facts.targetDuration))
      return { published };
    // A gap (EXT-X-GAP) is no media: players do not load it, nor does the edge ahead of them.
    const media = facts.gaps.length > 0 ? added.filter((s) => !facts.gaps.includes(s)) : added;
    const prefetch = segmentKeys(entry.primaryKey, media.slice(-MAX_PREFETCH_PER_REFRESH));
    const gateSeconds = config.prefetchGate ? facts.targetDuration * config.prefetchGateTargetFraction : undefined;
    return { published, prefetch, gateSeconds };
  }

  return {
    onRequest(key) {
      if (!isPlaylistPath(pathnameOf(key)) || isBlockingReload(key)) return;
      lastAsked.set(key, now());
      if (lastAsked.size > 50_000) {
        const horizon = now() - 600;
        for (const [k, at] of lastAsked) if (at < horizon) lastAsked.delete(k);
      }
    },

    decideStore(entry) {
      if (entry.status === 404 && SEGMENT_PATH.test(pathnameOf(entry.primaryKey))) {
        const fromHeaders = hasExplicitExpiry(entry.cacheControl, entry.headers)
          ? headerLifetime(entry.status, entry.headers, entry.cacheControl, config)
          : config.negativeTtlSeconds;
        return { negative: true, lifetime: Math.min(fromHeaders, config.negativeTtlSeconds) };
      }
      if (entry.status !== 200 || !isPlaylist(entry.primaryKey, entry.headers)) return NOTHING;
      const playlist = scanPlaylist(decoder.decode(entry.body));
      if (!playlist) return NOTHING;
      if (playlist.targetDuration) {
        if (targetDurations.size > 50_000) targetDurations.clear();
        targetDurations.set(pathnameOf(entry.primaryKey), playlist.targetDuration);
      }
      const lifetime = playlistLifetime(entry, playlist);
      if (entry.status === 200) noteNewest(entry.primaryKey, playlist);
      // Listed means published (parts too): a remembered 404 for any of them must go.
      if (isBlockingReload(entry.primaryKey))
        return {
          playlist,
          lifetime,
          published: segmentKeys(entry.primaryKey, [...playlist.segments, ...playlist.parts]),
        };
      const live = playlist.media && !playlist.ended ? livePlaylist(entry, playlist) : undefined;
      if (knownSegments.size > 50_000) knownSegments.clear();
      return { playlist, lifetime, ...live };
    },

    lifetimeAfterRevalidation(entry) {
      return entry.playlist ? playlistLifetime(entry, entry.playlist) : undefined;
    },

    forcesLifetime(pathAndQuery, status, headers) {
      const cc = effectiveDirectives(headers, config.targetedCacheControl);
      if (hasExplicitExpiry(cc, headers)) return false; // the headers' own lifetime decides
      if (status === 404) return SEGMENT_PATH.test(pathnameOf(pathAndQuery)) && config.negativeTtlSeconds > 0;
      // A playlist without explicit freshness gets one from its target duration (or ENDLIST).
      return status === 200 && isPlaylist(pathAndQuery, headers);
    },

    staleWhileRevalidate: liveStaleWhileRevalidate,

    refreshAheadFrom(entry, lifetime) {
      const facts = entry.playlist;
      const live = !!facts && facts.media && !facts.ended && lifetime > 0 && !isBlockingReload(entry.primaryKey);
      return live ? lifetime / 2 : Number.POSITIVE_INFINITY;
    },

    answeredBy(key) {
      const asked = deliveryDirectives(key);
      if (asked?.msn === undefined) return undefined;
      const known = newest.get(renditionKey(key));
      return known && known.key !== key ? known.key : undefined;
    },

    answers(entry, key) {
      const asked = deliveryDirectives(key);
      const facts = entry.playlist;
      if (
        asked?.msn === undefined ||
        !facts ||
        entry.status !== 200 ||
        renditionKey(entry.primaryKey) !== renditionKey(key)
      )
        return false;
      return containsPart(facts, asked.msn, asked.part);
    },

    upstreamHoldSeconds(key) {
      if (!isBlockingReload(key)) return 0;
      const targetDuration = targetDurations.get(pathnameOf(key)) ?? config.blockingReloadAssumedTargetDurationSeconds;
      return config.blockingReloadHoldTargetDurations * targetDuration;
    },
  };
}
