// `/hls/live/...` and `/hls/vod/...`: playlists built per request from the media manifest and
// the live clock; segments streamed from the generated files.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { etag } from 'hono/etag';
import { isChannelId, type ChannelId } from '../../../../shared/catalog/types.ts';
import { segmentExtension } from '../../../../shared/hls/ladder.ts';
import { isRetained } from '../../../../shared/hls/live-clock.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import type { Playlist } from '../../../../shared/hls/model.ts';
import { PLAYLIST_CONTENT_TYPE, serializePlaylist } from '../../../../shared/hls/serialize.ts';
import { renditionMedia, type RenditionMedia, type StreamMedia } from '../../media/manifest.ts';
import { fileResponse } from '../files/file-response.ts';
import type { MediaLibrary } from '../files/media-library.ts';
import { CACHE_CONTROL } from '../http/cache-control.ts';
import type { LiveOptions } from '../options.ts';
import { slotSource } from './slot-source.ts';
import { outputKind } from '../live/live-channels.ts';
import { loadLowLatencyConfig } from '../live/low-latency-config.ts';
import type { LowLatencyConfig } from '../live/low-latency-config.ts';
import { targetDurationFor } from '../../../../shared/hls/model.ts';
import { comparePositions, PartPublisher } from './part-publisher.ts';
import type { RenditionState, SlotParts } from './part-publisher.ts';
import {
  lowLatencyCacheControl,
  parseBlockingQuery,
  partedSequences,
  satisfies,
  tooFarAhead,
  withLowLatency,
} from './low-latency.ts';
import { isKnownRendition, liveMediaPlaylist, masterPlaylist, vodMediaPlaylist } from './playlists.ts';
import { generatedAssetSource, thumbnailRoutes } from './thumbnail-routes.ts';
import type { InterstitialSignals } from '../ads/signaling.ts';
import type { LiveArchive } from '../recordings/archive.ts';
import type { LiveChannels } from '../live/live-channels.ts';

/** `<number>.<ext>`: a segment file name. Up to 15 digits keeps it a safe integer. */
const SEGMENT_NAME = /^(\d{1,15})\.(ts|vtt)$/;
/** `<msn>.<part>.ts`: an LL-HLS part. */
const PART_NAME = /^(\d{1,15})\.(\d{1,3})\.ts$/;

/** `signals`: ad breaks as HLS Interstitials in media playlists (origin/ads/); none without it. */
export function hlsRoutes(
  library: MediaLibrary,
  liveChannels: LiveChannels,
  live: LiveOptions,
  now: () => number,
  signals?: InterstitialSignals,
  archive?: LiveArchive,
  lowLatency: LowLatencyConfig = loadLowLatencyConfig({}),
): Hono {
  const hls = new Hono();
  const clock: LiveClockConfig = {
    epochMs: live.epochMs,
    windowSize: live.windowSize,
    segmentDuration: library.manifest.segmentDuration,
  };
  const publisher = new PartPublisher(library, liveChannels, clock, lowLatency, now);
  /** LL-HLS applies to the MPEG-TS renditions; subtitles stay plain. */
  const lowLatencyFor = (rendition: string) => lowLatency.enabled && segmentExtension(rendition) === 'ts';

  // Playlists get an ETag hashed from their text (cheap, they are small); segment responses
  // bring their own, which the middleware keeps. Either way If-None-Match answers 304.
  hls.use('*', etag());

  /** A live media playlist of the channel's timeline as it stood at `atMs`, dated by that timeline. */
  function liveWindowPlaylist(id: ChannelId, rendition: string, media: RenditionMedia, atMs: number, edge?: number) {
    const timeline = liveChannels.timeline(id)!;
    return liveMediaPlaylist(
      rendition,
      media,
      timeline.window(atMs, edge),
      clock,
      (slot) => liveChannels.duration(id, slot, rendition, media),
      (s) => timeline.startMs(s),
    );
  }

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
    if (lowLatencyFor(rendition)) return lowLatencyPlaylist(c, stream, rendition);
    const nowMs = now();
    timeline.seal(nowMs);
    const id = stream.id as ChannelId;
    const window = liveWindowPlaylist(id, rendition, media, nowMs);
    const playlist = signals ? await signals.live(channel, window) : window;
    // Changes exactly when a segment is published: the end of the newest listed segment.
    c.header('Last-Modified', new Date(timeline.startMs(timeline.edge(nowMs) + 1)).toUTCString());
    return playlistResponse(c, playlist, CACHE_CONTROL.liveMediaPlaylist);
  });

  /**
   * An LL-HLS media playlist: answered at once, or (`_HLS_msn`, `_HLS_part`) once the asked-for
   * segment or part is out, within three target durations (503 after), refused (400) when it asks
   * too far ahead; `_HLS_skip` makes it a delta update.
   */
  async function lowLatencyPlaylist(c: Context, stream: StreamMedia, rendition: string): Promise<Response> {
    const id = stream.id as ChannelId;
    const media = renditionMedia(stream, rendition);
    const timeline = liveChannels.timeline(id)!;
    const target = targetDurationFor(media.segmentDurations, Math.ceil(clock.segmentDuration));
    const cache = lowLatencyCacheControl(lowLatency, target);
    c.header('Age', '0');
    const refuse = (status: 400 | 503, why: string) => {
      c.header('Cache-Control', cache.failure);
      return c.text(`${why}\n`, status);
    };
    const query = parseBlockingQuery(c.req.query());
    if ('refused' in query) return refuse(400, query.refused);
    const partTarget = await publisher.partTarget(stream, rendition);
    let nowMs = now();
    let state = await publisher.state(stream, rendition, nowMs);
    if (!state) return notFound(c);
    if (query.msn !== undefined && !satisfies(state, query)) {
      const far = tooFarAhead(state, query, partTarget, clock.segmentDuration);
      if (far) return refuse(400, far);
      const reached = await publisher.waitFor(
        stream,
        rendition,
        (s) => satisfies(s, query),
        nowMs + lowLatency.blockingTimeoutTargetDurations * target * 1000,
      );
      if (!reached) return refuse(503, `not out within ${lowLatency.blockingTimeoutTargetDurations} target durations`);
      nowMs = now();
      state = (await publisher.state(stream, rendition, nowMs))!;
    }
    // Through the state's edge, not the timeline's now: a request that sealed the slot being made
    // while this one read its parts would have it listed whole and, after it, as being made.
    const window = liveWindowPlaylist(id, rendition, media, nowMs, state.edge);
    const plain = signals ? await signals.live(id, window) : window;
    const recent: SlotParts[] = [];
    const pending = state.pending;
    const lastPart = pending && pending.published > 0 ? pending.parts[pending.published - 1] : undefined;
    const endMs =
      pending && lastPart ? publisher.publishedAt(pending.startMs, lastPart) : timeline.startMs(state.edge + 1);
    for (const sequence of partedSequences(state, (s) => timeline.startMs(s), endMs, target, lowLatency)) {
      const slot = timeline.slot(sequence);
      const made = slot && (await publisher.partsOf(stream, slot, rendition));
      if (made) recent.push(made);
    }
    const kind = outputKind(rendition);
    const reports = [];
    for (const other of Object.keys(stream.renditions)) {
      if (other === rendition || !isKnownRendition(other) || outputKind(other) !== kind || !lowLatencyFor(other))
        continue;
      const otherState = await publisher.state(stream, other, nowMs);
      if (otherState) reports.push({ uri: `../${other}/index.m3u8`, position: otherState.position });
    }
    // v2 delta: the date ranges a client that loaded the playlist up to CAN-SKIP-UNTIL ago may
    // hold and that are gone now (an ad break that left the window).
    let recentlyRemoved: string[] = [];
    if (query.skip === 'v2' && signals) {
      const beforeMs = nowMs - lowLatency.canSkipUntilTargetDurations * target * 1000;
      const before = liveWindowPlaylist(id, rendition, media, beforeMs);
      const now = new Set((plain.dateRanges ?? []).map((d) => d.id));
      recentlyRemoved = ((await signals.live(id, before)).dateRanges ?? []).map((d) => d.id).filter((d) => !now.has(d));
    }
    const playlist = withLowLatency(plain, {
      config: lowLatency,
      partTarget,
      state,
      recent,
      reports,
      ...(query.skip ? { skip: query.skip } : {}),
      recentlyRemoved,
      hasDateRanges: signals !== undefined,
    });
    // Changes with each part: the end of the newest one out (or of the newest segment).
    c.header('Last-Modified', new Date(endMs).toUTCString());
    return playlistResponse(c, playlist, query.msn !== undefined ? cache.blocking : cache.playlist);
  }

  hls.get('/live/:channel/:rendition/:segment', async (c) => {
    const stream = liveStream(library, c.req.param('channel'));
    const rendition = c.req.param('rendition');
    const partName = PART_NAME.exec(c.req.param('segment'));
    if (stream && partName && isKnownRendition(rendition) && lowLatencyFor(rendition))
      return partResponse(c, stream, rendition, Number(partName[1]), Number(partName[2]));
    const name = SEGMENT_NAME.exec(c.req.param('segment'));
    if (!stream || !isKnownRendition(rendition) || !name || name[2] !== segmentExtension(rendition)) return notFound(c);
    const channel = stream.id as ChannelId;
    const mediaSequence = Number(name[1]);
    const nowMs = now();
    const slot = liveChannels.slot(channel, mediaSequence, nowMs);
    const archived = async () =>
      slot !== undefined && archive !== undefined && (await archive.holds(channel, mediaSequence));
    if (!slot || (!isRetained(mediaSequence, nowMs, clock, live.retentionSegments) && !(await archived()))) {
      // Not published yet (or long gone): say so without letting anyone cache the miss.
      c.header('Cache-Control', CACHE_CONTROL.notYet);
      return c.text(!slot && mediaSequence >= 0 ? 'Segment not yet available\n' : 'Segment expired\n', 404);
    }
    if (slot.gap) return notHere(c);
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
      lastModified: liveChannels.timeline(channel)!.startMs(mediaSequence + 1),
      ...(source.transform ? { transform: source.transform } : {}),
    });
    return response ?? notFound(c);
  });

  /**
   * A part: its bytes once out; the next one (the preload hint) answered at once and streamed
   * frame by frame as the clock produces them; any other one not out yet, 404.
   */
  async function partResponse(
    c: Context,
    stream: StreamMedia,
    rendition: string,
    msn: number,
    index: number,
  ): Promise<Response> {
    const target = targetDurationFor(
      renditionMedia(stream, rendition).segmentDurations,
      Math.ceil(clock.segmentDuration),
    );
    const nowMs = now();
    let state = await publisher.state(stream, rendition, nowMs);
    if (!state) return notFound(c);
    const asked = { msn, part: index };
    const notYet = () => {
      c.header('Cache-Control', CACHE_CONTROL.notYet);
      return c.text('Part not yet available\n', 404);
    };
    const headers = (made: SlotParts) => {
      c.header('Content-Type', 'video/mp2t');
      c.header('Cache-Control', CACHE_CONTROL.immutable);
      c.header('ETag', `"${made.tag}-${rendition}-${msn}.${index}"`);
      c.header('Age', '0');
    };
    if (comparePositions(asked, state.position) <= 0) {
      const made =
        state.pending?.slot.sequence === msn ? state.pending : await publishedParts(stream, rendition, msn, nowMs);
      if (made?.slot.gap) return notHere(c);
      const bytes = made && (await publisher.partBytes(made, index));
      if (!made || !bytes) return notFound(c);
      headers(made);
      return c.body(bytes.slice());
    }
    if (comparePositions(asked, state.next) !== 0) return notYet();
    // The preload-hinted part. Once what its slot carries is known, headers go at once and its
    // frames follow as they are produced.
    if (state.pending?.slot.sequence !== msn) {
      const known = (s: RenditionState) => s.pending?.slot.sequence === msn || s.edge >= msn;
      state = await publisher.waitFor(
        stream,
        rendition,
        known,
        nowMs + lowLatency.blockingTimeoutTargetDurations * target * 1000,
      );
      if (!state) return notYet();
    }
    // A unit being encoded: the part is streamed once it is written (its frames still by the clock).
    if (state.pending?.slot.sequence === msn && !state.pending.complete && index >= state.pending.parts.length) {
      const written = (s: RenditionState) =>
        s.edge >= msn || (s.pending?.slot.sequence === msn && (s.pending.complete || s.pending.parts.length > index));
      state = await publisher.waitFor(
        stream,
        rendition,
        written,
        nowMs + lowLatency.blockingTimeoutTargetDurations * target * 1000,
      );
      if (!state) return notYet();
    }
    const made =
      state.pending?.slot.sequence === msn ? state.pending : await publishedParts(stream, rendition, msn, now());
    if (made?.slot.gap) return notHere(c);
    const body = made && (await publisher.partStream(made, index));
    if (!made || !body) return notYet();
    headers(made);
    return c.body(body);
  }

  async function publishedParts(
    stream: StreamMedia,
    rendition: string,
    msn: number,
    nowMs: number,
  ): Promise<SlotParts | undefined> {
    const slot = liveChannels.slot(stream.id as ChannelId, msn, nowMs);
    if (!slot || !isRetained(msn, nowMs, clock, live.retentionSegments)) return undefined;
    return publisher.partsOf(stream, slot, rendition);
  }

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
    return playlistResponse(
      c,
      signals ? await signals.replay(c.req.param('asset'), playlist) : playlist,
      CACHE_CONTROL.immutable,
    );
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

function liveStream(library: MediaLibrary, channel: string): StreamMedia | undefined {
  return isChannelId(channel) ? library.live(channel) : undefined;
}

function playlistResponse(c: Context, playlist: Playlist, cacheControl: string): Response {
  c.header('Content-Type', PLAYLIST_CONTENT_TYPE);
  c.header('Cache-Control', cacheControl);
  return c.body(serializePlaylist(playlist));
}

function notFound(c: Context): Response {
  return c.text('Not Found\n', 404);
}

/**
 * A slot listed as a gap (EXT-X-GAP: another replica's feed, which this one does not have): no
 * bytes under its name, for a player that had it listed as media by that replica. This replica's
 * own slate there was a picture from elsewhere with other timestamps, which hls.js took as the
 * feed. Not stored: an edge that kept the other replica's copy serves it.
 */
function notHere(c: Context): Response {
  c.header('Cache-Control', CACHE_CONTROL.notYet);
  return c.text('Not available here: a gap in this replica’s timeline\n', 404);
}
