// The live channels as the HLS routes and the recordings see them: one timeline per channel
// (timeline.ts) and where the bytes of each kind of slot are. Without ingest every timeline stays
// the ident loop; with it (origin/ingest/), the same object is built with the ingest's timelines
// and files, so routes, replays and clips need not know where a slot's bytes came from.
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import { AUDIO_RENDITIONS, LOWEST_VIDEO_RENDITION, SUBTITLE_RENDITIONS } from '../../../../shared/hls/ladder.ts';
import { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import type { RenditionMedia } from '../../media/manifest.ts';
import type { MediaLibrary } from '../files/media-library.ts';
import { LiveTimeline } from './timeline.ts';
import type { SharedSlot, Slot } from './timeline.ts';

/** Where the slate and the ingest units are on disk (origin/ingest/). */
export interface LiveFiles {
  /** The channel's slate segment in a rendition (2 s, timestamps from 0) and its EXTINF. */
  slate(channel: ChannelId, rendition: string): { path: string; duration: number } | undefined;
  /** An ingest unit's segment in a rendition. */
  unit(channel: ChannelId, session: string, rendition: string, index: number): string;
}

/** What a rendition of an ingest or slate slot is made of: video, audio, or (subtitles) nothing. */
export function outputKind(rendition: string): 'video' | 'audio' | 'subtitles' {
  if (AUDIO_RENDITIONS.some((a) => a.id === rendition)) return 'audio';
  if (SUBTITLE_RENDITIONS.some((s) => s.id === rendition)) return 'subtitles';
  return 'video';
}

export class LiveChannels {
  constructor(
    readonly clock: LiveClockConfig,
    readonly timelines: ReadonlyMap<ChannelId, LiveTimeline>,
    readonly files?: LiveFiles,
  ) {}

  /** Every channel on its ident loop, for ever: the demo, and any origin without ingest. */
  static loopOnly(library: MediaLibrary, clock: LiveClockConfig): LiveChannels {
    const timelines = new Map<ChannelId, LiveTimeline>();
    for (const channel of CHANNEL_IDS) {
      const stream = library.live(channel);
      if (stream) timelines.set(channel, loopTimeline(clock, stream.segmentCount));
    }
    return new LiveChannels(clock, timelines);
  }

  /**
   * This replica answers the channel again after another packaged it (origin/replicas/): with
   * ingest, its timeline starts a new run at the next slot (what the other put on air may differ);
   * the loop alone is the same arithmetic on every replica, nothing to mark. `shared`: the other's
   * slots with its discontinuity numbers, listed alike (LiveTimeline.takeOver). Returns the first
   * slot of the new run.
   */
  takeOver(channel: ChannelId, nowMs: number, shared?: readonly SharedSlot[]): number | undefined {
    return this.files ? this.timelines.get(channel)?.takeOver(nowMs, shared) : undefined;
  }

  timeline(channel: ChannelId): LiveTimeline | undefined {
    return this.timelines.get(channel);
  }

  /** A published slot (sealing what is due first), or undefined. */
  slot(channel: ChannelId, sequence: number, nowMs: number): Slot | undefined {
    const timeline = this.timelines.get(channel);
    timeline?.seal(nowMs);
    return timeline && sequence <= timeline.edge(nowMs) ? timeline.slot(sequence) : undefined;
  }

  /** EXTINF of a slot in a rendition; `loop` is the channel's loop media in that rendition. */
  duration(channel: ChannelId, slot: Slot, rendition: string, loop: RenditionMedia): number {
    const kind = outputKind(rendition);
    if (slot.kind === 'ingest') return kind === 'audio' ? slot.unit!.durations.audio : slot.unit!.durations.video;
    if (slot.kind === 'slate') {
      // Subtitle slots of the slate last as long as its video.
      const slate = this.files?.slate(channel, kind === 'subtitles' ? LOWEST_VIDEO_RENDITION.id : rendition);
      if (slate) return slate.duration;
    }
    return loop.segmentDurations[slot.sourceIndex ?? 0] ?? this.clock.segmentDuration;
  }
}

/** A timeline that never gets a unit: the loop, worked out from the clock. */
export function loopTimeline(clock: LiveClockConfig, loopSegments: number): LiveTimeline {
  return new LiveTimeline({
    clock,
    loopSegments,
    graceMs: 0,
    lockMarginMs: 0,
    maxQueuedSlots: 0,
    fallback: () => 'loop',
  });
}
