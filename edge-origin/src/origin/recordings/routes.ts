// `/hls/vod/<id>/...` for replays recorded from a live and for highlights: VOD playlists
// (PLAYLIST-TYPE:VOD, ENDLIST) over existing segments (see cuts.ts), with the same master ladder
// as the stream they come from. Mounted before the generated-VOD routes: an id that is not a
// recorded replay or a clip falls through to them.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { etag } from 'hono/etag';
import { targetDurationFor } from '../../../../shared/hls/model.ts';
import type { MediaPlaylist } from '../../../../shared/hls/model.ts';
import { PLAYLIST_CONTENT_TYPE, serializePlaylist } from '../../../../shared/hls/serialize.ts';
import type { MediaLibrary } from '../files/media-library.ts';
import { isKnownRendition, masterPlaylist } from '../hls/playlists.ts';
import { CACHE_CONTROL } from '../http/cache-control.ts';
import type { RecordStore } from '../store/record-store.ts';
import type { MediaCut } from '../store/records.ts';
import { cutSegments, cutStream } from './cuts.ts';
import { thumbnailRoutes } from '../hls/thumbnail-routes.ts';
import type { ThumbnailSourceResolver } from '../hls/thumbnail-routes.ts';
import { LOWEST_VIDEO_RENDITION } from '../../../../shared/hls/ladder.ts';
import type { InterstitialSignals } from '../ads/signaling.ts';
import type { LiveChannels } from '../live/live-channels.ts';

export function cutMediaPlaylist(
  cut: MediaCut,
  library: MediaLibrary,
  rendition: string,
  live?: LiveChannels,
): MediaPlaylist | null {
  const stream = cutStream(cut, library);
  if (!stream?.renditions[rendition]) return null;
  const segments = cutSegments(cut, stream, rendition, live);
  return {
    kind: 'media',
    version: 3,
    targetDuration: targetDurationFor(
      segments.map((s) => s.duration),
      Math.ceil(library.manifest.segmentDuration),
    ),
    mediaSequence: 0,
    discontinuitySequence: 0,
    playlistType: 'VOD',
    independentSegments: true,
    endList: true,
    segments: segments.map((s) => ({
      uri: s.uri,
      duration: s.duration,
      ...(s.discontinuity ? { discontinuity: true } : {}),
    })),
  };
}

export function recordingRoutes(
  store: RecordStore,
  library: MediaLibrary,
  live: LiveChannels,
  signals?: InterstitialSignals,
): Hono {
  const vod = new Hono();
  vod.use('*', etag());

  const cutOf = async (id: string): Promise<MediaCut | undefined> => {
    const replay = await store.get('replays', id);
    if (replay?.cut) return replay.cut;
    const highlight = await store.get('highlights', id);
    return highlight?.cut;
  };

  vod.get('/:asset/master.m3u8', async (c, next) => {
    const cut = await cutOf(c.req.param('asset'));
    const stream = cut && cutStream(cut, library);
    if (!stream) return next();
    return playlist(c, serializePlaylist(masterPlaylist(stream)));
  });

  vod.get('/:asset/:rendition/index.m3u8', async (c, next) => {
    const cut = await cutOf(c.req.param('asset'));
    if (!cut) return next();
    const rendition = c.req.param('rendition');
    const media = isKnownRendition(rendition) ? cutMediaPlaylist(cut, library, rendition, live) : null;
    if (!media) return c.text('Not Found\n', 404);
    return playlist(c, serializePlaylist(signals ? await signals.replay(c.req.param('asset'), media) : media));
  });

  // Seek-bar thumbnails: the tiles of the segments the cut lists (a live cut shows its loop's).
  const cutSource: ThumbnailSourceResolver = async (id) => {
    const cut = await cutOf(id);
    const stream = cut && cutStream(cut, library);
    return stream && { stream, segments: cutSegments(cut, stream, LOWEST_VIDEO_RENDITION.id, live) };
  };
  vod.route('/', thumbnailRoutes(library, cutSource));

  // Segments are not served here: the playlists point at the live (or source VOD) segment URLs.
  return vod;
}

function playlist(c: Context, text: string): Response {
  c.header('Content-Type', PLAYLIST_CONTENT_TYPE);
  // A published replay never changes: cache it like any VOD playlist.
  c.header('Cache-Control', CACHE_CONTROL.immutable);
  return c.body(text);
}
