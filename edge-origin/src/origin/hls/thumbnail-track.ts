// The seek-bar thumbnail track of one VOD asset (a generated replay or highlight, a replay
// recorded from a live, a clip cut from either), built per request from what the asset is made
// of: its segments, each one a source segment of some generated stream whose sprite sheets hold
// one tile per source segment. No ffmpeg run per asset: a replay cut from live segments
// 1000..1019 of a 16-segment loop shows the loop's tiles 8, 9, … 15, 0, 1, … — the pictures that
// were on air.
import { vodPaths } from '../../../../shared/hls/paths.ts';
import type { ThumbnailCue } from '../../../../shared/hls/thumbnails.ts';
import { tilePosition } from '../../media/thumbnails.ts';
import type { ThumbnailRecipe } from '../../media/thumbnails.ts';

/** One segment of an asset, in playback order: its length, and which source tile shows it. */
export interface TrackSegment {
  duration: number;
  /** Index of the source segment in the stream the sheets were made from. */
  sourceIndex: number;
}

export interface AssetThumbnailTrack {
  /** Cue times are seconds from the asset's start (what `video.currentTime` shows for it). */
  cues: ThumbnailCue[];
  /** The sheet numbers the cues use: the only ones served under this asset's `thumbs/`. */
  sheets: Set<number>;
}

/**
 * One cue per segment, back to back from 0 to the asset's duration (no gaps), pointing at
 * `thumbs/<n>.jpg` relative to the track (so it works behind any edge, under any host).
 * A segment without a tile (should not happen: every source segment has one) is left out.
 */
export function assetThumbnailTrack(
  assetId: string,
  segments: readonly TrackSegment[],
  sourceTiles: number,
  recipe: ThumbnailRecipe,
): AssetThumbnailTrack {
  const cues: ThumbnailCue[] = [];
  const sheets = new Set<number>();
  let start = 0;
  for (const segment of segments) {
    const end = round3(start + segment.duration);
    if (segment.sourceIndex >= 0 && segment.sourceIndex < sourceTiles) {
      const { sheet, x, y, w, h } = tilePosition(segment.sourceIndex, recipe);
      sheets.add(sheet);
      cues.push({ start, end, url: sheetUrl(assetId, sheet), x, y, w, h });
    }
    start = end;
  }
  return { cues, sheets };
}

/** The sheet's URL relative to the track: `vodPaths.thumbnailSheet` seen from `vodPaths.thumbnails`. */
function sheetUrl(assetId: string, sheet: number): string {
  const track = vodPaths.thumbnails(assetId);
  const trackDir = track.slice(0, track.lastIndexOf('/') + 1);
  const path = vodPaths.thumbnailSheet(assetId, sheet);
  return path.startsWith(trackDir) ? path.slice(trackDir.length) : path;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
