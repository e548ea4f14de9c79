// `/hls/live/...` and `/hls/vod/...`: playlists built per request from the media manifest and
// the live clock; segments streamed from the generated files.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { etag } from 'hono/etag';
import { isChannelId, type ChannelId } from '../../../../shared/catalog/types.ts';
import { segmentExtension } from '../../../../shared/hls/ladder.ts';
import { isSegmentAvailable, segmentStartMs } from '../../../../shared/hls/live-clock.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import type { Playlist } from '../../../../shared/hls/model.ts';
import { PLAYLIST_CONTENT_TYPE, serializePlaylist } from '../../../../shared/hls/serialize.ts';
import type { StreamMedia } from '../../media/manifest.ts';
import { fileResponse } from '../files/file-response.ts';
import type { MediaLibrary } from '../files/media-library.ts';
import { CACHE_CONTROL } from '../http/cache-control.ts';
import type { LiveOptions } from '../options.ts';
import { loopTimestampOffset, shiftTransportStream, shiftWebVtt } from '../live/timestamps.ts';
import { isKnownRendition, liveMediaPlaylist, masterPlaylist, vodMediaPlaylist } from './playlists.ts';
import { generatedAssetSource, thumbnailRoutes } from './thumbnail-routes.ts';
import type { InterstitialSignals } from '../ads/signaling.ts';
import type { LiveArchive } from '../recordings/archive.ts';
import { outputKind } from '../live/live-channels.ts';
import type { LiveChannels } from '../live/live-channels.ts';
import type { Slot } from '../live/timeline.ts';

/** `<number>.<ext>`: a segment file name. Up to 15 digits keeps it a safe integer. */
const SEGMENT_NAME = /^(\d{1,15})\.(ts|vtt)$/;

/** `signals`: ad breaks as HLS Interstitials in media playlists (origin/ads/); none without it. */
export function hlsRoutes(
  library: MediaLibrary,
  liveChannels: LiveChannels,
  live: LiveOptions,
  now: () => number,
  signals?: InterstitialSignals,
  archive?: LiveArchive,
): Hono {
  const hls = new Hono();
  const clock: LiveClockConfig = { epochMs: live.epochMs, windowSize: live.windowSize, segmentDuration: library.manifest.segmentDuration };

  // Playlists get an ETag hashed from their text (cheap, they are small); segment responses
  // bring their own, which the middleware keeps. Either way If-None-Match answers 304.
  hls.use('*', etag());

  // ---- live -------------------------------------------------------------------------------
  hls.get('/live/:channel/master.m3u8', (c) => {
    const stream = liveStream(library, c.req.param('channel'));
    if (!stream) return notFound(c);
    return playlistResponse(c, masterPlaylist(stream), CACHE_CONTROL.masterPlaylist);
  });

  hls.get('/live/:channel/:rendition/index.m3u8', async (c) => {
    const channel = c.req.param('channel');
    const stream = liveStream(library, channel);
    const rendition = c.req.param('rendition');
    const media = stream && isKnownRendition(rendition) ? stream.renditions[rendition] : undefined;
    const timeline = stream && liveChannels.timeline(stream.id as ChannelId);
    if (!stream || !media || !timeline) return notFound(c);
    const nowMs = now();
    timeline.seal(nowMs);
    const id = stream.id as ChannelId;
    const window = liveMediaPlaylist(rendition, media, timeline.window(nowMs), clock, (slot) => liveChannels.duration(id, slot, rendition, media));
    const playlist = signals ? await signals.live(channel, window) : window;
    // Changes exactly when a segment is published: the end of the newest listed segment.
    c.header('Last-Modified', new Date(segmentStartMs(timeline.edge(nowMs) + 1, clock)).toUTCString());
    return playlistResponse(c, playlist, CACHE_CONTROL.liveMediaPlaylist);
  });

  hls.get('/live/:channel/:rendition/:segment', async (c) => {
    const stream = liveStream(library, c.req.param('channel'));
    const rendition = c.req.param('rendition');
    const name = SEGMENT_NAME.exec(c.req.param('segment'));
    if (!stream || !isKnownRendition(rendition) || !name || name[2] !== segmentExtension(rendition)) return notFound(c);
    const channel = stream.id as ChannelId;
    const mediaSequence = Number(name[1]);
    const nowMs = now();
    const slot = liveChannels.slot(channel, mediaSequence, nowMs);
    const archived = async () => slot !== undefined && archive !== undefined && (await archive.holds(channel, mediaSequence));
    if (!slot || (!isSegmentAvailable(mediaSequence, nowMs, clock, live.retentionSegments) && !(await archived()))) {
      // Not published yet (or long gone): say so without letting anyone cache the miss.
      c.header('Cache-Control', CACHE_CONTROL.notYet);
      return c.text(!slot && mediaSequence >= 0 ? 'Segment not yet available\n' : 'Segment expired\n', 404);
    }
    const source = slotSource(liveChannels, library, stream, slot, rendition, name[2]);
    if (!source) return notFound(c);
    if ('bytes' in source) {
      c.header('Content-Type', 'text/vtt; charset=utf-8');
      c.header('Cache-Control', CACHE_CONTROL.immutable);
      return c.body(source.bytes.slice());
    }
    const response = await fileResponse(c.req.raw, source.path, {
      cacheControl: CACHE_CONTROL.immutable,
      etag: `"${source.tag}-${rendition}-${mediaSequence}"`,
      lastModified: segmentStartMs(mediaSequence + 1, clock),
      ...(source.transform ? { transform: source.transform } : {}),
    });
    return response ?? notFound(c);
  });

  // ---- VOD --------------------------------------------------------------------------------
  hls.get('/vod/:asset/master.m3u8', (c) => {
    const stream = library.vod(c.req.param('asset'));
    if (!stream) return notFound(c);
    return playlistResponse(c, masterPlaylist(stream), CACHE_CONTROL.immutable);
  });

  hls.get('/vod/:asset/:rendition/index.m3u8', async (c) => {
    const stream = library.vod(c.req.param('asset'));
    const rendition = c.req.param('rendition');
    const media = stream && isKnownRendition(rendition) ? stream.renditions[rendition] : undefined;
    if (!media) return notFound(c);
    const playlist = vodMediaPlaylist(rendition, media);
    return playlistResponse(c, signals ? await signals.replay(c.req.param('asset'), playlist) : playlist, CACHE_CONTROL.immutable);
  });

  // Seek-bar thumbnails (before the segment route, which `thumbs/<n>.jpg` would also match).
  hls.route('/vod', thumbnailRoutes(library, generatedAssetSource(library)));

  hls.get('/vod/:asset/:rendition/:segment', async (c) => {
    const stream = library.vod(c.req.param('asset'));
    const rendition = c.req.param('rendition');
    const name = SEGMENT_NAME.exec(c.req.param('segment'));
    if (!stream || !isKnownRendition(rendition) || !name || name[2] !== segmentExtension(rendition)) return notFound(c);
    const index = Number(name[1]);
    if (index >= stream.segmentCount) return notFound(c);
    const response = await fileResponse(c.req.raw, library.segmentFile(stream, rendition, index, name[2]), {
      cacheControl: CACHE_CONTROL.immutable,
      etag: `"${library.manifest.version}-${stream.id}-${rendition}-${index}"`,
    });
    return response ?? notFound(c);
  });

  hls.all('*', notFound);
  return hls;
}

type SlotBytes = { path: string; tag: string; transform?: (bytes: Uint8Array) => Uint8Array } | { bytes: Uint8Array; tag: string };

/** Where a published slot's bytes are in a rendition, and how they are made continuous. */
function slotSource(
  liveChannels: LiveChannels,
  library: MediaLibrary,
  stream: StreamMedia,
  slot: Slot,
  rendition: string,
  ext: string,
): SlotBytes | undefined {
  const channel = stream.id as ChannelId;
  const shift = (offset: number) => (ext === 'ts' ? (bytes: Uint8Array) => shiftTransportStream(bytes, offset) : (bytes: Uint8Array) => shiftVttBytes(bytes, offset));
  if (slot.kind === 'loop') {
    const source = slot.sourceIndex!;
    // Loop k's timestamps move forward by k loop durations so they never jump back (see live/timestamps.ts).
    const offset = loopTimestampOffset(Math.floor(slot.sequence / stream.segmentCount), Math.round(stream.duration * 90_000));
    return { path: library.segmentFile(stream, rendition, source, ext), tag: `${library.manifest.version}-${stream.id}`, transform: shift(offset) };
  }
  const files = liveChannels.files;
  if (!files) return undefined;
  // The feed and the slate carry no subtitles: an empty cue file keeps the track going.
  if (outputKind(rendition) === 'subtitles') return { bytes: EMPTY_VTT, tag: `empty-${slot.kind}` };
  if (slot.kind === 'slate') {
    const slate = files.slate(channel, rendition);
    // The same 2 s again and again, each slot's timestamps where the previous one's ended.
    return slate && { path: slate.path, tag: `slate-${channel}`, transform: shift(loopTimestampOffset(slot.sequence, Math.round(liveChannels.clock.segmentDuration * 90_000))) };
  }
  const unit = slot.unit!;
  return { path: files.unit(channel, unit.session, rendition, unit.index), tag: `ingest-${unit.session}-${unit.index}` };
}

const EMPTY_VTT = new TextEncoder().encode('WEBVTT\n\n');

function liveStream(library: MediaLibrary, channel: string): StreamMedia | undefined {
  return isChannelId(channel) ? library.live(channel) : undefined;
}

function playlistResponse(c: Context, playlist: Playlist, cacheControl: string): Response {
  c.header('Content-Type', PLAYLIST_CONTENT_TYPE);
  c.header('Cache-Control', cacheControl);
  return c.body(serializePlaylist(playlist));
}

function shiftVttBytes(bytes: Uint8Array, offset: number): Uint8Array {
  return new TextEncoder().encode(shiftWebVtt(new TextDecoder().decode(bytes), offset));
}

function notFound(c: Context): Response {
  return c.text('Not Found\n', 404);
}
