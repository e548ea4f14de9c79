// What the demo media generator produced, as the origin reads it: `<root>/manifest.json`.
// Paths inside the root mirror the URL paths (live/<channel>/<rendition>/<k>.ts,
// vod/<asset>/<rendition>/<i>.ts, images/...), so serving is a lookup, not a translation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelId } from '../../../shared/catalog/types.ts';

export const MANIFEST_FILE = 'manifest.json';

export interface RenditionMedia {
  /** Seconds, one per source segment (`<index>.ts` / `<index>.vtt`). */
  segmentDurations: number[];
  /** Bits/s of the heaviest segment (HLS BANDWIDTH), 0 for subtitles. */
  peakBitrate: number;
  /** Bits/s over the whole stream (HLS AVERAGE-BANDWIDTH). */
  averageBitrate: number;
  /** RFC 6381 codec string read from the encoded stream ('' for subtitles). */
  codecs: string;
}

/** One encoded stream: a live channel's source loop or a VOD asset. */
export interface StreamMedia {
  kind: 'live' | 'vod';
  id: string;
  /** Directory relative to the manifest's root, e.g. `live/sport` or `vod/replay-conte`. */
  dir: string;
  title: string;
  segmentCount: number;
  /** Seconds (video). */
  duration: number;
  /** 90 kHz MPEG-TS timestamp of the stream's first frame (WebVTT X-TIMESTAMP-MAP). */
  startPts: number;
  renditions: Record<string, RenditionMedia>;
}

/** A rendition every stream has (the ladder's); a stream without it is a broken manifest. */
export function renditionMedia(stream: StreamMedia, renditionId: string): RenditionMedia {
  const media = stream.renditions[renditionId];
  if (!media) throw new Error(`media manifest: ${stream.dir} has no ${renditionId} rendition`);
  return media;
}

export interface MediaManifest {
  /** Hash of the generation spec: the name of the root directory. */
  version: string;
  /** Absolute directory holding this manifest (filled in when read, not stored). */
  root: string;
  generatedAt: string;
  generationSeconds: number;
  ffmpeg: string;
  segmentDuration: number;
  live: Record<ChannelId, StreamMedia>;
  vod: Record<string, StreamMedia>;
  /** Image files, as URL paths (`/images/...`), which are also their paths under `root`. */
  images: string[];
  totalBytes: number;
}

export function readManifest(root: string): MediaManifest {
  const manifest = JSON.parse(readFileSync(join(root, MANIFEST_FILE), 'utf8')) as MediaManifest;
  return { ...manifest, root };
}
