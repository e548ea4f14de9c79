// Replays and highlights without re-encoding: a MediaCut is a range of segments that already
// exist (a channel's live segments, or a generated VOD asset's), and a replay or a clip is a VOD
// playlist listing them. Cutting is therefore at segment boundaries (2 s here): a clip asked
// for 12.5 s → 31 s starts at 12 s and ends at 32 s.
import { LOWEST_VIDEO_RENDITION, segmentExtension } from '../../../../shared/hls/ladder.ts';
import { livePaths, vodPaths } from '../../../../shared/hls/paths.ts';
import { sourceSegmentIndex, startsLoop } from '../../../../shared/hls/live-clock.ts';
import type { StreamMedia } from '../../media/manifest.ts';
import type { MediaLibrary } from '../files/media-library.ts';
import type { MediaCut } from '../store/records.ts';
import type { LiveChannels } from '../live/live-channels.ts';
import type { Slot } from '../live/timeline.ts';
import { itemAt } from '../../../../shared/lang/item-at.ts';

export interface CutSegment {
  /** Absolute path of the existing segment (same URI as on air, so edges share the bytes). */
  uri: string;
  duration: number;
  /** Index of the source segment (of the cut's stream) whose bytes this is: its seek-bar tile. */
  sourceIndex: number;
  /** Timestamps restart here (the live source loop started over). */
  discontinuity: boolean;
}

/** The stream whose renditions and segments a cut uses. */
export function cutStream(cut: MediaCut, library: MediaLibrary): StreamMedia | undefined {
  return cut.kind === 'live' ? library.live(cut.channelId) : library.vod(cut.assetId);
}

/**
 * The cut's segments in one rendition, in order. A live cut reads each slot from the channel's
 * timeline (`live`): the loop, the feed or the slate, whichever was on air.
 */
export function cutSegments(cut: MediaCut, stream: StreamMedia, rendition: string, live?: LiveChannels): CutSegment[] {
  const media = stream.renditions[rendition];
  if (!media) return [];
  const ext = segmentExtension(rendition);
  const segments: CutSegment[] = [];
  if (cut.kind === 'live') {
    const timeline = live?.timeline(cut.channelId);
    for (let s = cut.firstSequence; s <= cut.lastSequence; s++) {
      const slot: Slot = timeline?.slot(s) ?? {
        sequence: s,
        kind: 'loop',
        discontinuity: startsLoop(s, stream.segmentCount),
        sourceIndex: sourceSegmentIndex(s, stream.segmentCount),
      };
      segments.push({
        uri: livePaths.segment(cut.channelId, rendition, s, ext),
        duration: live
          ? live.duration(cut.channelId, slot, rendition, media)
          : itemAt(media.segmentDurations, slot.sourceIndex ?? -1),
        // Only the loop has seek-bar tiles; a feed's segments show none.
        sourceIndex: slot.kind === 'loop' ? slot.sourceIndex! : -1,
        discontinuity: s > cut.firstSequence && slot.discontinuity,
      });
    }
  } else {
    for (let i = cut.firstSegment; i <= cut.lastSegment; i++) {
      segments.push({
        uri: vodPaths.segment(cut.assetId, rendition, i, ext),
        duration: itemAt(media.segmentDurations, i),
        sourceIndex: i,
        discontinuity: false,
      });
    }
  }
  return segments;
}

/** Seconds of the cut, measured on the first video rendition (what players show as the duration). */
export function cutDuration(cut: MediaCut, stream: StreamMedia, live?: LiveChannels): number {
  const total = cutSegments(cut, stream, LOWEST_VIDEO_RENDITION.id, live).reduce((sum, s) => sum + s.duration, 0);
  return Math.round(total * 1000) / 1000;
}

/** The whole of a generated VOD asset, as a cut (so clips can be cut from seeded replays too). */
export function wholeAssetCut(assetId: string, stream: StreamMedia): MediaCut {
  return { kind: 'vod', assetId, firstSegment: 0, lastSegment: stream.segmentCount - 1 };
}

export interface Clip {
  cut: MediaCut;
  /** The segment-aligned times actually kept, seconds from the start of the source cut. */
  inPoint: number;
  outPoint: number;
}

/**
 * The sub-range of `source` covering [inSec, outSec): from the segment containing `inSec` to the
 * segment containing the last instant before `outSec`. Null if the range is empty or outside.
 */
export function clipOf(
  source: MediaCut,
  stream: StreamMedia,
  inSec: number,
  outSec: number,
  live?: LiveChannels,
): Clip | null {
  const segments = cutSegments(source, stream, LOWEST_VIDEO_RENDITION.id, live);
  let start = 0;
  let first = -1;
  let last = -1;
  let inPoint = 0;
  let outPoint = 0;
  segments.forEach((segment, i) => {
    const end = start + segment.duration;
    if (first < 0 && inSec < end - 1e-6) {
      first = i;
      inPoint = start;
    }
    if (first >= 0 && start < outSec - 1e-6) {
      last = i;
      outPoint = end;
    }
    start = end;
  });
  if (first < 0 || last < first || outSec <= inSec) return null;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const cut: MediaCut =
    source.kind === 'live'
      ? {
          kind: 'live',
          channelId: source.channelId,
          firstSequence: source.firstSequence + first,
          lastSequence: source.firstSequence + last,
        }
      : {
          kind: 'vod',
          assetId: source.assetId,
          firstSegment: source.firstSegment + first,
          lastSegment: source.firstSegment + last,
        };
  return { cut, inPoint: round(inPoint), outPoint: round(outPoint) };
}
