// `/hls/vod/<asset>/thumbnails.vtt` and `/hls/vod/<asset>/thumbs/<n>.jpg`: the seek-bar
// thumbnails of any VOD asset. Mounted twice with a different `resolve`: by the recordings
// routes (replays cut from a live, clips) and by the generated-VOD routes; an asset `resolve`
// does not know falls through (`next()`), exactly like the playlists.
//
// Both are immutable like every VOD file (an asset's segments never change, nor do the sheets,
// whose directory is named by their recipe hash), so edges keep them.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { LOWEST_VIDEO_RENDITION } from '../../../../shared/hls/ladder.ts';
import { serializeThumbnailTrack } from '../../../../shared/hls/thumbnails.ts';
import type { StreamMedia } from '../../media/manifest.ts';
import { contentTypeFor } from '../files/content-types.ts';
import { fileResponse } from '../files/file-response.ts';
import type { MediaLibrary } from '../files/media-library.ts';
import { CACHE_CONTROL } from '../http/cache-control.ts';
import { assetThumbnailTrack } from './thumbnail-track.ts';
import type { AssetThumbnailTrack, TrackSegment } from './thumbnail-track.ts';

/** What an asset is made of: the generated stream its segments come from, and those segments. */
export interface ThumbnailSource {
  stream: StreamMedia;
  segments: TrackSegment[];
}

export type ThumbnailSourceResolver = (
  assetId: string,
) => Promise<ThumbnailSource | undefined> | ThumbnailSource | undefined;

const SHEET_NAME = /^(\d{1,6})\.jpg$/;

export function thumbnailRoutes(library: MediaLibrary, resolve: ThumbnailSourceResolver): Hono {
  const routes = new Hono();

  /** The asset's track and the sheets of its source; undefined if `resolve` does not know it. */
  const trackOf = async (assetId: string) => {
    const source = await resolve(assetId);
    if (!source) return undefined;
    const sheets = library.streamThumbnails(source.stream);
    const track: AssetThumbnailTrack | null =
      sheets && library.thumbnails
        ? assetThumbnailTrack(assetId, source.segments, sheets.tiles, library.thumbnails.recipe)
        : null;
    return { source, sheets, track };
  };

  routes.get('/:asset/thumbnails.vtt', async (c, next) => {
    const found = await trackOf(c.req.param('asset'));
    if (!found) return next();
    if (!found.track || found.track.cues.length === 0) return notFound(c);
    c.header('Content-Type', contentTypeFor('thumbnails.vtt'));
    c.header('Cache-Control', CACHE_CONTROL.immutable);
    return c.body(serializeThumbnailTrack(found.track.cues));
  });

  routes.get('/:asset/thumbs/:sheet', async (c, next) => {
    const found = await trackOf(c.req.param('asset'));
    if (!found) return next();
    const name = SHEET_NAME.exec(c.req.param('sheet'));
    const sheet = name ? Number(name[1]) : -1;
    // Only the sheets this asset's track names: a clip does not expose its whole source.
    if (!found.sheets || !found.track?.sheets.has(sheet)) return notFound(c);
    const response = await fileResponse(c.req.raw, library.thumbnailSheetFile(found.sheets, sheet), {
      cacheControl: CACHE_CONTROL.immutable,
      // Same bytes, same tag, under every asset that shows this sheet.
      etag: `"${library.thumbnails!.version}-${found.source.stream.kind}-${found.source.stream.id}-${sheet}"`,
    });
    return response ?? notFound(c);
  });

  return routes;
}

/** Thumbnails of a generated VOD asset: all its segments, tile i for segment i. */
export function generatedAssetSource(library: MediaLibrary): ThumbnailSourceResolver {
  return (assetId) => {
    const stream = library.vod(assetId);
    if (!stream) return undefined;
    // Timed on the first video rendition, like a cut's duration (recordings/cuts.ts).
    const durations = stream.renditions[LOWEST_VIDEO_RENDITION.id]?.segmentDurations ?? [];
    return { stream, segments: durations.map((duration, sourceIndex) => ({ duration, sourceIndex })) };
  };
}

function notFound(c: Context): Response {
  return c.text('Not Found\n', 404);
}
