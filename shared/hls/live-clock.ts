// The live clock: how a channel's endless live stream is made from a finite source loop.
//
// Time since the channel's epoch is cut into fixed segments; segment number `s` (its media
// sequence number, also its URI `<s>.ts`) covers [epoch + s·d, epoch + (s+1)·d) and is
// published once that interval has fully elapsed. Its bytes are the source segment
// `s mod N` of the channel's N-segment loop, and an EXT-X-DISCONTINUITY marks every place the
// loop starts over (timestamps jump back there).
//
// Pure functions of (clock, config), so every origin replica and every restart agrees on what
// segment 123456 is; a later replay can reference `/hls/live/<ch>/<r>/<s>.ts` for any range of
// `s` and get back exactly the bytes that were on air.

export interface LiveClockConfig {
  /** ms since the Unix epoch at which media sequence 0 started. */
  epochMs: number;
  /** Seconds per segment. */
  segmentDuration: number;
  /** Segments listed in a live media playlist (the sliding window). */
  windowSize: number;
}

export interface LiveWindowSegment {
  mediaSequence: number;
  /** Index of the source segment whose bytes this live segment carries. */
  sourceIndex: number;
  /** True where the source loop starts over: the playlist puts EXT-X-DISCONTINUITY before it. */
  discontinuity: boolean;
  /** ms since the Unix epoch of the segment's first sample. */
  programDateTime: number;
}

export interface LiveWindow {
  /** EXT-X-MEDIA-SEQUENCE: the first listed segment. */
  mediaSequence: number;
  /** EXT-X-DISCONTINUITY-SEQUENCE of the first listed segment. */
  discontinuitySequence: number;
  segments: LiveWindowSegment[];
}

/** The media sequence number of the newest published segment at `nowMs` (-1 before any). */
export function liveEdge(nowMs: number, config: LiveClockConfig): number {
  return Math.floor((nowMs - config.epochMs) / (config.segmentDuration * 1000)) - 1;
}

/** The source segment a live media sequence number maps to, for a loop of `sourceCount`. */
export function sourceSegmentIndex(mediaSequence: number, sourceCount: number): number {
  return ((mediaSequence % sourceCount) + sourceCount) % sourceCount;
}

/** True if the source loop starts over at this segment (and the timestamps jump back). */
export function startsLoop(mediaSequence: number, sourceCount: number): boolean {
  return mediaSequence > 0 && sourceSegmentIndex(mediaSequence, sourceCount) === 0;
}

/**
 * The discontinuity sequence number that a playlist starting at `firstMediaSequence` declares:
 * the number of loop restarts strictly before it. A segment that itself starts a loop keeps
 * its EXT-X-DISCONTINUITY tag in that playlist, so every segment gets the same discontinuity
 * number in every playlist it appears in.
 */
export function discontinuitySequenceAt(firstMediaSequence: number, sourceCount: number): number {
  return firstMediaSequence > 0 ? Math.floor((firstMediaSequence - 1) / sourceCount) : 0;
}

/** ms since the Unix epoch at which segment `mediaSequence` starts. */
export function segmentStartMs(mediaSequence: number, config: LiveClockConfig): number {
  return config.epochMs + mediaSequence * config.segmentDuration * 1000;
}

/** The segments a live media playlist lists at `nowMs`, oldest first. */
export function liveWindow(nowMs: number, config: LiveClockConfig, sourceCount: number): LiveWindow {
  const edge = liveEdge(nowMs, config);
  const first = Math.max(0, edge - config.windowSize + 1);
  const segments: LiveWindowSegment[] = [];
  for (let s = first; s <= edge; s++) {
    segments.push({
      mediaSequence: s,
      sourceIndex: sourceSegmentIndex(s, sourceCount),
      discontinuity: startsLoop(s, sourceCount),
      programDateTime: segmentStartMs(s, config),
    });
  }
  return { mediaSequence: first, discontinuitySequence: discontinuitySequenceAt(first, sourceCount), segments };
}

/**
 * Whether segment `mediaSequence` can be fetched at `nowMs`: published, and not older than
 * `retentionSegments` behind the live edge (a client that loaded the playlist just before the
 * window slid, or a replay built from the recording, still gets it).
 */
export function isSegmentAvailable(
  mediaSequence: number,
  nowMs: number,
  config: LiveClockConfig,
  retentionSegments: number,
): boolean {
  return mediaSequence <= liveEdge(nowMs, config) && isRetained(mediaSequence, nowMs, config, retentionSegments);
}

/**
 * The retention half of `isSegmentAvailable`, for a segment whose publication its timeline
 * decides (a feed's slots start a phase before the clock's boundaries, origin/live/timeline.ts).
 */
export function isRetained(
  mediaSequence: number,
  nowMs: number,
  config: LiveClockConfig,
  retentionSegments: number,
): boolean {
  return mediaSequence >= 0 && mediaSequence > liveEdge(nowMs, config) - Math.max(retentionSegments, config.windowSize);
}
