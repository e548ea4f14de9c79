// What the demo media generator must produce, derived from the seed catalog: one looping
// source per live channel, one stream per replay and highlight, posters and logos. Its hash
// names the output directory, so changing the seed, the ladder or the look regenerates.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ChannelId } from '../../../shared/catalog/types.ts';
import {
  AUDIO_RENDITIONS,
  FRAME_RATE,
  SEGMENT_DURATION,
  SUBTITLE_RENDITIONS,
  VIDEO_RENDITIONS,
} from '../../../shared/hls/ladder.ts';
import { LOGO_SIZE, POSTER_SIZES, imagePaths } from '../../../shared/hls/paths.ts';
import type { PosterSize } from '../../../shared/hls/paths.ts';
import { parseSeed } from './seed.ts';
import type { Seed } from './seed.ts';

/** Bump when the look or the encoding changes in a way the spec below does not capture. */
export const GENERATOR_VERSION = 4;

/** Seconds of the looping source behind each live channel. */
export const LIVE_LOOP_SECONDS = 32;

export interface StreamSpec {
  kind: 'live' | 'vod';
  /** Channel id for live, replay/highlight id for VOD. */
  id: string;
  channelName: string;
  /** `#RRGGBB` */
  color: string;
  /** "EN DIRECT", "REPLAY", "RÉSUMÉ" */
  badge: string;
  title: string;
  seconds: number;
}

export interface ImageSpec {
  /** URL path, also the file's path under the media root. */
  path: string;
  width: number;
  height: number;
  color: string;
  channelName: string;
  badge: string;
  /** Empty for logos. */
  title: string;
}

export interface MediaSpec {
  version: string;
  streams: StreamSpec[];
  images: ImageSpec[];
}

export function mediaSpecFromSeedFile(seedFile: string): MediaSpec {
  return mediaSpecFromSeed(parseSeed(JSON.parse(readFileSync(seedFile, 'utf8'))));
}

export function mediaSpecFromSeed(seed: Seed): MediaSpec {
  const channel = new Map(seed.channels.map((c) => [c.id, c]));
  const eventChannel = new Map(seed.events.map((e) => [e.id, e.channelId]));
  const replayChannel = new Map(seed.replays.map((r) => [r.id, eventChannel.get(r.eventId)!]));
  const look = (id: ChannelId) => ({ channelName: channel.get(id)!.name, color: channel.get(id)!.color });

  const streams: StreamSpec[] = [];
  for (const c of seed.channels) {
    // The loop shows what is on air when the seed is loaded (times are relative to that).
    const onAir = seed.events.find(
      (e) => e.channelId === c.id && e.startsInMinutes <= 0 && e.startsInMinutes + e.durationMinutes > 0,
    );
    streams.push({
      kind: 'live',
      id: c.id,
      ...look(c.id),
      badge: 'EN DIRECT',
      title: onAir?.title ?? c.description,
      seconds: LIVE_LOOP_SECONDS,
    });
  }
  for (const r of seed.replays) {
    streams.push({
      kind: 'vod',
      id: r.id,
      ...look(replayChannel.get(r.id)!),
      badge: 'REPLAY',
      title: r.title,
      seconds: r.mediaSeconds,
    });
  }
  for (const h of seed.highlights) {
    streams.push({
      kind: 'vod',
      id: h.id,
      ...look(replayChannel.get(h.replayId)!),
      badge: 'RÉSUMÉ',
      title: h.title,
      seconds: h.mediaSeconds,
    });
  }
  for (const s of streams) {
    if (s.seconds % SEGMENT_DURATION !== 0)
      throw new Error(`media: ${s.id} lasts ${s.seconds} s, not a multiple of ${SEGMENT_DURATION} s`);
  }

  const images: ImageSpec[] = [];
  const posters = (id: string, channelId: ChannelId, badge: string, title: string) => {
    for (const size of Object.keys(POSTER_SIZES) as PosterSize[]) {
      images.push({ path: imagePaths.poster(id, size), ...POSTER_SIZES[size], ...look(channelId), badge, title });
    }
  };
  for (const c of seed.channels) {
    images.push({ path: imagePaths.logo(c.id), ...LOGO_SIZE, ...look(c.id), badge: '', title: '' });
  }
  for (const e of seed.events) posters(e.id, e.channelId, 'DIRECT', e.title);
  for (const r of seed.replays) posters(r.id, replayChannel.get(r.id)!, 'REPLAY', r.title);
  for (const h of seed.highlights) posters(h.id, replayChannel.get(h.replayId)!, 'RÉSUMÉ', h.title);

  const hashed = {
    GENERATOR_VERSION,
    ladder: { SEGMENT_DURATION, FRAME_RATE, VIDEO_RENDITIONS, AUDIO_RENDITIONS, SUBTITLE_RENDITIONS },
    streams,
    images,
  };
  const version = createHash('sha256').update(JSON.stringify(hashed)).digest('hex').slice(0, 12);
  return { version, streams, images };
}
