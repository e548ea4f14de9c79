// LL-HLS on a live media playlist (RFC 8216bis): the blocking reload's query (§6.2.5.2), its
// refusals, delta updates (§6.2.5.1) and the tags a low-latency client reads (parts, preload
// hint, rendition reports, server control). The playlist itself is made by playlists.ts as for
// every client: whole segments listed as before, so players without LL-HLS read it unchanged.
import type { MediaPlaylist, PartialSegment } from '../../../../shared/hls/model.ts';
import type { LowLatencyConfig } from '../live/low-latency-config.ts';
import type { PartPosition, RenditionState, SlotParts } from './part-publisher.ts';
import { comparePositions } from './part-publisher.ts';
import { itemAt } from '../../../../shared/lang/item-at.ts';

export interface BlockingQuery {
  /** `_HLS_msn` (and `_HLS_part`): answer once this segment (part) is in the playlist. */
  msn?: number;
  part?: number;
  /** `_HLS_skip`: a delta update. */
  skip?: 'YES' | 'v2';
}

/** The query, or why it is refused with 400. */
export function parseBlockingQuery(query: Record<string, string>): BlockingQuery | { refused: string } {
  const number = (name: string): number | undefined | null => {
    const value = query[name];
    if (value === undefined) return undefined;
    return /^\d{1,15}$/.test(value) ? Number(value) : null;
  };
  const msn = number('_HLS_msn');
  const part = number('_HLS_part');
  if (msn === null || part === null) return { refused: '_HLS_msn and _HLS_part are decimal integers' };
  if (part !== undefined && msn === undefined) return { refused: '_HLS_part without _HLS_msn' };
  const skip = query._HLS_skip;
  if (skip !== undefined && skip !== 'YES' && skip !== 'v2') return { refused: '_HLS_skip is YES or v2' };
  return { ...(msn !== undefined ? { msn } : {}), ...(part !== undefined ? { part } : {}), ...(skip ? { skip } : {}) };
}

/** Whether the state satisfies a blocking request: the segment (the part) is in the playlist. */
export function satisfies(state: RenditionState, query: BlockingQuery): boolean {
  if (query.msn === undefined) return true;
  if (query.part === undefined) return state.edge >= query.msn;
  return comparePositions(state.position, { msn: query.msn, part: query.part }) >= 0;
}

/**
 * Why a blocking request is answered 400 at once (§6.2.5.2): its segment is more than two past
 * the newest one, or its part more than the Advance Part Limit past the newest part.
 */
export function tooFarAhead(
  state: RenditionState,
  query: BlockingQuery,
  partTarget: number,
  segmentDuration: number,
): string | undefined {
  if (query.msn === undefined) return undefined;
  if (query.msn > state.edge + 2)
    return `_HLS_msn ${query.msn} is more than two segments past the last (${state.edge})`;
  if (query.part === undefined) return undefined;
  const perSegment = Math.ceil(segmentDuration / partTarget - 1e-9);
  const limit = partTarget < 1 ? Math.floor(3 / partTarget) : 3;
  const ahead = (query.msn - state.position.msn) * perSegment + (query.part - state.position.part);
  return ahead > limit
    ? `_HLS_part ${query.part} of ${query.msn} is ${ahead} parts past the last (${state.position.msn}.${state.position.part})`
    : undefined;
}

export interface LowLatencyInputs {
  config: LowLatencyConfig;
  /** This rendition's PART-TARGET (PartPublisher.partTarget). */
  partTarget: number;
  /** The state the playlist was made at, and the parts of its newest segments (oldest first). */
  state: RenditionState;
  recent: SlotParts[];
  /** Other renditions of the same kind, as `uri` relative to this playlist, with their state. */
  reports: { uri: string; position: PartPosition }[];
  skip?: 'YES' | 'v2';
  /** v2 delta updates: ids of the date ranges removed from the playlist within CAN-SKIP-UNTIL. */
  recentlyRemoved?: string[];
  /** The playlist carries date ranges (ad breaks): they may be skipped too (v2). */
  hasDateRanges: boolean;
}

/** The playlist with its LL-HLS tags, and (delta update) its oldest segments replaced by EXT-X-SKIP. */
export function withLowLatency(playlist: MediaPlaylist, o: LowLatencyInputs): MediaPlaylist {
  const { config, state, partTarget } = o;
  const target = playlist.targetDuration;
  const partUri = (msn: number, part: number) => `${msn}.${part}.ts`;
  const partsOf = (made: SlotParts, count = made.parts.length): PartialSegment[] =>
    made.parts.slice(0, count).map((p, i) => ({
      uri: partUri(made.slot.sequence, i),
      duration: p.duration,
      independent: p.independent,
      // A gap's parts are gaps too (a player in low-latency mode loads parts, not the segment).
      ...(made.slot.gap ? { gap: true } : {}),
    }));
  const bySequence = new Map(o.recent.map((r) => [r.slot.sequence, r]));
  let segments = playlist.segments.map((segment, i) => {
    const made = bySequence.get(playlist.mediaSequence + i);
    return made ? { ...segment, parts: partsOf(made) } : segment;
  });
  const canSkipUntil = config.canSkipUntilTargetDurations * target;
  let skip: NonNullable<MediaPlaylist['lowLatency']>['skip'];
  let dateRanges = playlist.dateRanges;
  if (o.skip) {
    // Skip every segment that ends before the Skip Boundary: CAN-SKIP-UNTIL from the playlist's end.
    const end = segments.reduce((sum, s) => sum + s.duration, 0);
    let skipped = 0;
    for (
      let at = 0;
      skipped < segments.length && at + itemAt(segments, skipped).duration <= end - canSkipUntil + 1e-6;
      skipped++
    )
      at += itemAt(segments, skipped).duration;
    if (skipped > 0) {
      const boundaryMs = itemAt(segments, skipped).programDateTime;
      segments = segments.slice(skipped);
      skip = { skippedSegments: skipped };
      if (o.skip === 'v2') {
        // The client keeps the date ranges it has seen: those that began before the boundary are left out.
        if (boundaryMs !== undefined) dateRanges = dateRanges?.filter((d) => d.startDate >= boundaryMs);
        skip.recentlyRemovedDateRanges = o.recentlyRemoved ?? [];
      }
    }
  }
  const pending = state.pending;
  return {
    ...playlist,
    // EXT-X-SKIP needs version 9, its RECENTLY-REMOVED-DATERANGES version 10.
    version: Math.max(playlist.version, skip?.recentlyRemovedDateRanges ? 10 : 9),
    segments,
    ...(dateRanges ? { dateRanges } : {}),
    lowLatency: {
      serverControl: {
        canBlockReload: true,
        partHoldBack: round(config.partHoldBackParts * partTarget),
        canSkipUntil,
        ...(o.hasDateRanges ? { canSkipDateRanges: true } : {}),
      },
      partTarget,
      // The segment being made opens (PDT, discontinuity) even before its first part is out, so
      // the preload hint that follows belongs to a dated segment.
      ...(pending
        ? {
            pending: {
              discontinuity: pending.slot.discontinuity,
              programDateTime: pending.startMs,
              parts: partsOf(pending, pending.published),
            },
          }
        : {}),
      preloadHint: partUri(state.next.msn, state.next.part),
      renditionReports: o.reports.map((r) => ({ uri: r.uri, lastMsn: r.position.msn, lastPart: r.position.part })),
      ...(skip ? { skip } : {}),
    },
  };
}

/**
 * The segments whose parts a playlist lists: those that start within `partsForTargetDurations`
 * target durations of its end (the newest part out), oldest first (RFC 8216bis §6.2.2: parts
 * older than three target durations are removed).
 */
export function partedSequences(
  state: RenditionState,
  startMs: (sequence: number) => number,
  endMs: number,
  targetDuration: number,
  config: LowLatencyConfig,
): number[] {
  const out: number[] = [];
  for (let s = state.edge; s >= 0 && startMs(s) > endMs - config.partsForTargetDurations * targetDuration * 1000; s--)
    out.unshift(s);
  return out;
}

/**
 * Cache-Control of LL-HLS answers (RFC 8216bis, the appendix on caching). A non-blocking playlist
 * (plain or delta) may be served stale (RFC 5861) as a plain live one: one target duration while
 * refreshed, three (the hold-back) while the origin fails. Never a blocking reload: a stale
 * answer would not hold the part it was asked for (the spec's promise), and refreshing it would
 * ask for that same part again. Nor a 400/503: an error is not kept past its second.
 */
export function lowLatencyCacheControl(
  config: LowLatencyConfig,
  targetDuration: number,
): { blocking: string; playlist: string; failure: string } {
  const stale = `stale-while-revalidate=${targetDuration}, stale-if-error=${3 * targetDuration}`;
  return {
    blocking: `public, max-age=${Math.round(config.blockingCacheTargetDurations * targetDuration)}`,
    playlist: `public, max-age=${Math.max(1, Math.round(config.playlistCacheTargetDurations * targetDuration))}, ${stale}`,
    failure: `public, max-age=${config.failureCacheSeconds}`,
  };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
