// Playlists of a stream, as shared/hls models: the master (same ladder for live and VOD), a
// VOD media playlist (every segment, ENDLIST), a live media playlist (the clock's window).
import {
  AUDIO_GROUP_ID,
  AUDIO_RENDITIONS,
  FRAME_RATE,
  SUBTITLE_GROUP_ID,
  SUBTITLE_RENDITIONS,
  VIDEO_RENDITIONS,
  segmentExtension,
} from '../../../../shared/hls/ladder.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import { targetDurationFor } from '../../../../shared/hls/model.ts';
import type { MasterPlaylist, MediaPlaylist } from '../../../../shared/hls/model.ts';
import type { RenditionMedia, StreamMedia } from '../../media/manifest.ts';
import { renditionMedia } from '../../media/manifest.ts';
import type { Slot, TimelineWindow } from '../live/timeline.ts';
import { itemAt } from '../../../../shared/lang/item-at.ts';

const VERSION = 3;

/** Every rendition id a stream may be asked for. */
export function isKnownRendition(id: string): boolean {
  return [...VIDEO_RENDITIONS, ...AUDIO_RENDITIONS, ...SUBTITLE_RENDITIONS].some((r) => r.id === id);
}

/**
 * The master playlist. URIs are relative (`v360/index.m3u8`), so it works unchanged behind
 * any edge. BANDWIDTH is measured from the encoded segments: video peak + the heaviest audio.
 */
export function masterPlaylist(stream: StreamMedia): MasterPlaylist {
  const audio = AUDIO_RENDITIONS.map((a) => renditionMedia(stream, a.id));
  const audioPeak = Math.max(...audio.map((a) => a.peakBitrate));
  const audioAverage = Math.max(...audio.map((a) => a.averageBitrate));
  const audioCodecs = itemAt(audio, 0).codecs;
  return {
    kind: 'master',
    version: VERSION,
    independentSegments: true,
    renditions: [
      ...AUDIO_RENDITIONS.map((a) => ({
        type: 'AUDIO' as const,
        groupId: AUDIO_GROUP_ID,
        name: a.name,
        language: a.language,
        isDefault: a.isDefault,
        autoselect: true,
        channels: String(a.channels),
        uri: `${a.id}/index.m3u8`,
      })),
      ...SUBTITLE_RENDITIONS.map((s) => ({
        type: 'SUBTITLES' as const,
        groupId: SUBTITLE_GROUP_ID,
        name: s.name,
        language: s.language,
        isDefault: s.isDefault,
        autoselect: true,
        forced: false,
        uri: `${s.id}/index.m3u8`,
      })),
    ],
    variants: VIDEO_RENDITIONS.map((v) => {
      const video = renditionMedia(stream, v.id);
      return {
        uri: `${v.id}/index.m3u8`,
        bandwidth: video.peakBitrate + audioPeak,
        averageBandwidth: video.averageBitrate + audioAverage,
        codecs: `${video.codecs},${audioCodecs}`,
        resolution: { width: v.width, height: v.height },
        frameRate: FRAME_RATE,
        audio: AUDIO_GROUP_ID,
        subtitles: SUBTITLE_GROUP_ID,
      };
    }),
  };
}

export function vodMediaPlaylist(rendition: string, media: RenditionMedia): MediaPlaylist {
  const ext = segmentExtension(rendition);
  return {
    kind: 'media',
    version: VERSION,
    targetDuration: targetDurationFor(media.segmentDurations),
    mediaSequence: 0,
    discontinuitySequence: 0,
    playlistType: 'VOD',
    independentSegments: true,
    endList: true,
    segments: media.segmentDurations.map((duration, i) => ({ uri: `${i}.${ext}`, duration })),
  };
}

/**
 * A live media playlist over a timeline's window (live/timeline.ts): each slot `s` is
 * `<s>.<ext>`, dated by `startMs(s)` (the timeline's: the live clock less a feed's phase);
 * `duration(slot)` is its EXTINF in this rendition. The
 * target duration is the loop's, whatever the window holds: it may never change in a live.
 */
export function liveMediaPlaylist(
  rendition: string,
  loop: RenditionMedia,
  window: TimelineWindow,
  clock: LiveClockConfig,
  duration: (slot: Slot) => number,
  startMs: (sequence: number) => number,
): MediaPlaylist {
  const ext = segmentExtension(rendition);
  const durations = window.slots.map(duration);
  return {
    kind: 'media',
    version: VERSION,
    targetDuration: targetDurationFor(loop.segmentDurations, Math.ceil(clock.segmentDuration)),
    mediaSequence: window.mediaSequence,
    discontinuitySequence: window.discontinuitySequence,
    independentSegments: true,
    endList: false,
    segments: window.slots.map((s, i) => ({
      uri: `${s.sequence}.${ext}`,
      duration: itemAt(durations, i),
      discontinuity: s.discontinuity,
      programDateTime: startMs(s.sequence),
      ...(s.gap ? { gap: true } : {}),
    })),
  };
}
