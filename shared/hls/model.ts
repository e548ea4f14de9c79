// A small typed model of the HLS playlists cite-tv produces (RFC 8216), shared by the origin
// (which writes them) and the edge (which reads and rewrites them).
//
// Why our own model rather than hls-parser's classes: the playlists we write use a dozen tags,
// and a plain-data model with a ~100-line serializer (serialize.ts) has no dependency, so it
// runs unchanged in the origin, the edge (Node and Deno) and the TV app's bundle. hls-parser
// (well kept, spec-complete) stays the tool for READING arbitrary playlists: the tests parse
// every playlist we serve with it, which checks our serializer against an independent parser.

export interface Resolution {
  width: number;
  height: number;
}

/** An `EXT-X-MEDIA` alternative rendition (audio language, subtitle track). */
export interface AlternativeRendition {
  type: 'AUDIO' | 'SUBTITLES';
  groupId: string;
  name: string;
  language?: string;
  isDefault: boolean;
  autoselect: boolean;
  forced?: boolean;
  /** Audio channel count, e.g. "1" or "2". */
  channels?: string;
  uri: string;
}

/** An `EXT-X-STREAM-INF` variant. */
export interface VariantStream {
  uri: string;
  /** Peak bits per second. */
  bandwidth: number;
  averageBandwidth?: number;
  codecs: string;
  resolution?: Resolution;
  frameRate?: number;
  /** GROUP-ID of the audio renditions to use with this variant. */
  audio?: string;
  /** GROUP-ID of the subtitle renditions. */
  subtitles?: string;
}

export interface MasterPlaylist {
  kind: 'master';
  version: number;
  independentSegments: boolean;
  renditions: AlternativeRendition[];
  variants: VariantStream[];
}

export interface MediaSegment {
  uri: string;
  /** Seconds (EXTINF). */
  duration: number;
  /** EXT-X-DISCONTINUITY before this segment (timestamps or encoding change here). */
  discontinuity?: boolean;
  /** EXT-X-PROGRAM-DATE-TIME of the segment's first sample, ms since the Unix epoch. */
  programDateTime?: number;
  /** LL-HLS: its parts (EXT-X-PART, written before its EXTINF), for the newest segments only. */
  parts?: PartialSegment[];
  /** EXT-X-GAP (RFC 8216bis §4.4.4.7): listed for its place in the timeline, not media: players do not load it. */
  gap?: boolean;
}

/** An `EXT-X-PART` (RFC 8216bis §4.4.4.9): a piece of a segment, published before the segment is whole. */
export interface PartialSegment {
  uri: string;
  /** Seconds. */
  duration: number;
  /** Starts with a random-access point (INDEPENDENT=YES). */
  independent: boolean;
  /** GAP=YES: not media (its segment is a gap). */
  gap?: boolean;
}

/** What an LL-HLS media playlist adds (RFC 8216bis §4.4.3.7, §4.4.3.8, §4.4.5.2–4.4.5.4). */
export interface LowLatencyInfo {
  /** EXT-X-SERVER-CONTROL. Seconds. */
  serverControl: { canBlockReload: boolean; partHoldBack: number; canSkipUntil?: number; canSkipDateRanges?: boolean };
  /** EXT-X-PART-INF:PART-TARGET, seconds. */
  partTarget: number;
  /** The segment being made: its parts so far, after the last EXTINF (with the tags that open it). */
  pending?: { discontinuity?: boolean; programDateTime?: number; parts: PartialSegment[] };
  /** EXT-X-PRELOAD-HINT:TYPE=PART: the next part, asked for before it exists. */
  preloadHint?: string;
  /** EXT-X-RENDITION-REPORT: where the other renditions are. */
  renditionReports: { uri: string; lastMsn: number; lastPart: number }[];
  /** A delta update (`_HLS_skip`): EXT-X-SKIP in place of the oldest segments. */
  skip?: { skippedSegments: number; recentlyRemovedDateRanges?: string[] };
}

/**
 * An `EXT-X-DATERANGE` (RFC 8216bis §4.4.5.1), e.g. an HLS Interstitial (CLASS
 * `com.apple.hls.interstitial`). A playlist that has one must also have EXT-X-PROGRAM-DATE-TIME.
 */
export interface DateRange {
  id: string;
  class?: string;
  /** ms since the Unix epoch. */
  startDate: number;
  /** Seconds. */
  duration?: number;
  plannedDuration?: number;
  /**
   * Client attributes (`X-...`): strings are written quoted, numbers as decimals. An
   * enumerated (unquoted) value is written with `{ enumerated: 'PRE' }`.
   */
  clientAttributes?: Record<string, string | number | { enumerated: string }>;
}

export interface MediaPlaylist {
  kind: 'media';
  version: number;
  /** Seconds, an integer >= every segment's rounded duration. */
  targetDuration: number;
  mediaSequence: number;
  discontinuitySequence: number;
  /** VOD: complete and never changes; EVENT: only appended to; absent: live sliding window. */
  playlistType?: 'VOD' | 'EVENT';
  independentSegments: boolean;
  /** EXT-X-ENDLIST: no more segments will be added. */
  endList: boolean;
  segments: MediaSegment[];
  /** EXT-X-DATERANGE tags, written after the header (their position does not matter, their date does). */
  dateRanges?: DateRange[];
  /** LL-HLS tags; absent: a plain playlist. */
  lowLatency?: LowLatencyInfo;
}

export type Playlist = MasterPlaylist | MediaPlaylist;

/** The smallest EXT-X-TARGETDURATION valid for these segment durations (RFC 8216 §4.3.3.1). */
export function targetDurationFor(durations: Iterable<number>, atLeast = 1): number {
  let target = atLeast;
  for (const d of durations) target = Math.max(target, Math.round(d));
  return target;
}
