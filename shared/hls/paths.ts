// Where media lives on the origin (and so on every edge, which mirrors the origin's paths).
// One place, so the origin's router, the catalog's playback URLs and the tests agree.
import type { ChannelId } from '../catalog/types.ts';

export const HLS_ROOT = '/hls';

export const livePaths = {
  master: (channel: ChannelId) => `${HLS_ROOT}/live/${channel}/master.m3u8`,
  media: (channel: ChannelId, rendition: string) => `${HLS_ROOT}/live/${channel}/${rendition}/index.m3u8`,
  segment: (channel: ChannelId, rendition: string, mediaSequence: number, ext: string) =>
    `${HLS_ROOT}/live/${channel}/${rendition}/${mediaSequence}.${ext}`,
};

export const vodPaths = {
  /** Everything of one asset (what an edge purges when the asset is taken down or re-cut). */
  root: (assetId: string) => `${HLS_ROOT}/vod/${assetId}/`,
  master: (assetId: string) => `${HLS_ROOT}/vod/${assetId}/master.m3u8`,
  media: (assetId: string, rendition: string) => `${HLS_ROOT}/vod/${assetId}/${rendition}/index.m3u8`,
  segment: (assetId: string, rendition: string, index: number, ext: string) =>
    `${HLS_ROOT}/vod/${assetId}/${rendition}/${index}.${ext}`,
  /** Seek-bar thumbnails: a WebVTT thumbnail track whose cues point at sprite sheets beside it. */
  thumbnails: (assetId: string) => `${HLS_ROOT}/vod/${assetId}/thumbnails.vtt`,
  thumbnailSheet: (assetId: string, sheet: number) => `${HLS_ROOT}/vod/${assetId}/thumbs/${sheet}.jpg`,
};

/** True for playlist URLs (`.m3u8`), whatever the query. */
export function isPlaylistPath(pathname: string): boolean {
  return pathname.endsWith('.m3u8');
}

// Pictures the catalog points at. Not HLS, but served by the origin next to it and mirrored by
// the edge in the same way (immutable, long-lived), so their paths live here too.
export const IMAGES_ROOT = '/images';

/** Poster sizes the TV shows: `card` in the rails, `hero` full-width on a detail page. */
export const POSTER_SIZES = {
  card: { width: 400, height: 225 },
  hero: { width: 1280, height: 720 },
} as const;
export type PosterSize = keyof typeof POSTER_SIZES;

export const LOGO_SIZE = { width: 320, height: 180 } as const;

export const imagePaths = {
  /** The catalog's `poster` field is the `card` one; swap the size to get the hero picture. */
  poster: (id: string, size: PosterSize = 'card') => `${IMAGES_ROOT}/posters/${id}/${size}.jpg`,
  logo: (channel: ChannelId) => `${IMAGES_ROOT}/logos/${channel}.png`,
};
