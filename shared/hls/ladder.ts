// The rendition ladder every stream (live and VOD) is encoded with. The demo media generator
// encodes exactly these and the origin advertises exactly these, so they cannot drift apart.
// Rendition ids are URL path segments (`/hls/live/sport/v360/index.m3u8`).

/** Seconds. Every segment of every rendition is this long (fixed GOP = one segment). */
export const SEGMENT_DURATION = 2;
export const FRAME_RATE = 25;

export interface VideoRenditionSpec {
  id: string;
  width: number;
  height: number;
  /** Encoder target, bits/s. The playlists advertise the measured bitrate, not this. */
  targetBitrate: number;
  maxBitrate: number;
}

export interface AudioRenditionSpec {
  id: string;
  language: string;
  /** Shown in the player's language menu. */
  name: string;
  isDefault: boolean;
  bitrate: number;
  channels: number;
  codecs: string;
}

export interface SubtitleRenditionSpec {
  id: string;
  language: string;
  name: string;
  isDefault: boolean;
}

// H.264; the CODECS string the playlists advertise is read from each encoded stream's SPS
// (see edge-origin/src/media/probe.ts), so it is always the truth.
/** The lowest rung: the one the origin reads segment timing from (every rendition shares it). */
export const LOWEST_VIDEO_RENDITION: VideoRenditionSpec = {
  id: 'v240',
  width: 426,
  height: 240,
  targetBitrate: 250_000,
  maxBitrate: 300_000,
};
/** The top rung: what a feed must already be for the ingest to pass it through. */
export const TOP_VIDEO_RENDITION: VideoRenditionSpec = {
  id: 'v540',
  width: 960,
  height: 540,
  targetBitrate: 1_100_000,
  maxBitrate: 1_300_000,
};
export const VIDEO_RENDITIONS: readonly VideoRenditionSpec[] = [
  LOWEST_VIDEO_RENDITION,
  { id: 'v360', width: 640, height: 360, targetBitrate: 600_000, maxBitrate: 700_000 },
  TOP_VIDEO_RENDITION,
];

// AAC-LC (`mp4a.40.2`), mono: the two languages are told apart by their tone.
export const AUDIO_RENDITIONS: readonly AudioRenditionSpec[] = [
  {
    id: 'audio-fr',
    language: 'fr',
    name: 'Français',
    isDefault: true,
    bitrate: 64_000,
    channels: 1,
    codecs: 'mp4a.40.2',
  },
  {
    id: 'audio-en',
    language: 'en',
    name: 'English',
    isDefault: false,
    bitrate: 64_000,
    channels: 1,
    codecs: 'mp4a.40.2',
  },
];

export const SUBTITLE_RENDITIONS: readonly SubtitleRenditionSpec[] = [
  { id: 'subs-fr', language: 'fr', name: 'Français', isDefault: false },
];

export const AUDIO_GROUP_ID = 'audio';
export const SUBTITLE_GROUP_ID = 'subs';

/** File extension of a rendition's segments. Audio is MPEG-TS too (served as video/mp2t). */
export function segmentExtension(renditionId: string): 'ts' | 'vtt' {
  return SUBTITLE_RENDITIONS.some((r) => r.id === renditionId) ? 'vtt' : 'ts';
}

export function allRenditionIds(): string[] {
  return [...VIDEO_RENDITIONS, ...AUDIO_RENDITIONS, ...SUBTITLE_RENDITIONS].map((r) => r.id);
}
