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
  master: (assetId: string) => `${HLS_ROOT}/vod/${assetId}/master.m3u8`,
  media: (assetId: string, rendition: string) => `${HLS_ROOT}/vod/${assetId}/${rendition}/index.m3u8`,
};

/** True for playlist URLs (`.m3u8`), whatever the query. */
export function isPlaylistPath(pathname: string): boolean {
  return pathname.endsWith('.m3u8');
}
