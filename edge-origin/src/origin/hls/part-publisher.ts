// LL-HLS parts of the live channels, published by the wall clock as an encoder would produce them.
//
// Slot `s` of a channel (live/timeline.ts) covers [start, start + 2 s). Its bytes in an MPEG-TS
// rendition (the loop's source segment, the slate, an ingest unit) are cut into parts
// (live/ts-parts.ts, once per file); part `p` is published when the clock reaches the end of its
// last frame, and its frames one by one before that (how a preload-hinted part is streamed). The
// segment itself is published when its slot ends, as before, so plain HLS clients see no change.
// While a slot's time runs, what it carries must be known already: always for the loop; for a
// channel with a feed, once a unit waits for it (LiveTimeline.provisional); until then only
// whole sealed segments are published.
import { readFile } from 'node:fs/promises';
import { LRUCache } from 'lru-cache';
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import { FRAME_RATE } from '../../../../shared/hls/ladder.ts';
import { segmentStartMs } from '../../../../shared/hls/live-clock.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import type { StreamMedia } from '../../media/manifest.ts';
import type { MediaLibrary } from '../files/media-library.ts';
import { outputKind } from '../live/live-channels.ts';
import type { LiveChannels } from '../live/live-channels.ts';
import type { LowLatencyConfig } from '../live/low-latency-config.ts';
import { partTargetFor } from '../live/low-latency-config.ts';
import type { Slot } from '../live/timeline.ts';
import { frameIndex, muxAudioPart, readAudioFrames } from '../live/ts-audio.ts';
import { cutParts, indexTransportStream, partsSoFar } from '../live/ts-parts.ts';
import type { PartSpan } from '../live/ts-parts.ts';
import { slotSource } from './slot-source.ts';

/** A part by its segment's media sequence number and its index in it. */
export interface PartPosition {
  msn: number;
  part: number;
}

export interface SlotParts {
  slot: Slot;
  /** ms since the epoch of the slot's start: the clock its parts are published by. */
  startMs: number;
  parts: PartSpan[];
  /** Audio: parts are frame ranges, re-packetized (live/ts-audio.ts); else byte ranges of the file. */
  audio: boolean;
  /**
   * False while the slot's unit is being encoded: `parts` are those written so far, more follow
   * in this slot.
   */
  complete: boolean;
  /** The file and how its timestamps are made continuous (slot-source.ts). */
  path: string;
  tag: string;
  transform?: (bytes: Uint8Array) => Uint8Array;
}

/** What a rendition has published at a given instant. */
export interface RenditionState {
  /** The newest whole segment (-1: none). */
  edge: number;
  /** The slot being made, when what it carries is known, with how many of its parts are out. */
  pending?: SlotParts & { published: number };
  /** The newest published part (the EXT-X-RENDITION-REPORT's LAST-MSN / LAST-PART). */
  position: PartPosition;
  /** The part after it: the preload hint. */
  next: PartPosition;
}

/** How often a wait looks again at a unit being encoded for its next part. */
const GROWING_POLL_MS = 40;

export class PartPublisher {
  /** The video renditions' PART-TARGET: the configured length rounded up to whole frames. */
  readonly videoPartTarget: number;
  readonly #cuts = new LRUCache<string, Promise<PartSpan[]>>({ max: 2048 });

  constructor(
    readonly library: MediaLibrary,
    readonly liveChannels: LiveChannels,
    readonly clock: LiveClockConfig,
    readonly config: LowLatencyConfig,
    readonly now: () => number,
  ) {
    this.videoPartTarget = partTargetFor(config, FRAME_RATE);
  }

  /**
   * A rendition's PART-TARGET, fixed for the life of the stream: the configured length in whole
   * frames, for video and audio alike (audio parts are re-packetized by the frame, ts-audio.ts).
   */
  partTarget(_stream: StreamMedia, _rendition: string): Promise<number> {
    return Promise.resolve(this.videoPartTarget);
  }

  /** A slot's parts in an MPEG-TS rendition (undefined: no bytes for it). */
  async partsOf(stream: StreamMedia, slot: Slot, rendition: string): Promise<SlotParts | undefined> {
    const source = slotSource(this.liveChannels, this.library, stream, slot, rendition, 'ts');
    const media = stream.renditions[rendition];
    if (!source || 'bytes' in source || !media) return undefined;
    const duration = this.liveChannels.duration(stream.id as ChannelId, slot, rendition, media);
    const limit = await this.partTarget(stream, rendition);
    // An ingest unit is cut as if it lasted its nominal length, so that its parts read while it
    // was encoded stay what they were once it is complete.
    const aim = slot.kind === 'ingest' ? this.clock.segmentDuration : duration;
    const growing = slot.unit?.growing === true;
    const audio = outputKind(rendition) === 'audio';
    const cutFrom = (raw: Buffer) => {
      const bytes = new Uint8Array(raw);
      const frames = audio ? readAudioFrames(bytes) : undefined;
      const index = frames ? frameIndex(frames) : indexTransportStream(bytes);
      return growing ? partsSoFar(index, aim, limit) : cutParts(index, duration, limit, aim);
    };
    let cut: Promise<PartSpan[]> | undefined;
    if (growing) cut = readFile(source.path).then(cutFrom);
    else {
      const key = `${source.path}|${duration}|${limit}|${aim}`;
      cut = this.#cuts.get(key);
      if (!cut) {
        cut = readFile(source.path).then(cutFrom);
        this.#cuts.set(key, cut);
        cut.catch(() => this.#cuts.delete(key));
      }
    }
    const parts = await cut.catch(() => (growing ? [] : undefined));
    if (!parts) return undefined;
    return {
      slot,
      startMs: this.#startMs(stream, slot.sequence),
      parts,
      audio,
      complete: !growing,
      path: source.path,
      tag: source.tag,
      ...(source.transform ? { transform: source.transform } : {}),
    };
  }

  /** When part `p` of a slot starting at `startMs` is out: its end, never past the slot's end. */
  publishedAt(startMs: number, part: PartSpan): number {
    return startMs + Math.min(part.start + part.duration, this.clock.segmentDuration) * 1000;
  }

  /** What `rendition` of `stream` has published at `nowMs`. */
  async state(stream: StreamMedia, rendition: string, nowMs: number): Promise<RenditionState | undefined> {
    const timeline = this.liveChannels.timeline(stream.id as ChannelId);
    if (!timeline) return undefined;
    timeline.seal(nowMs);
    const edge = timeline.edge(nowMs);
    const upcoming = edge + 1;
    const slot = timeline.startMs(upcoming) <= nowMs ? timeline.provisional(upcoming) : undefined;
    const made = slot && (await this.partsOf(stream, slot, rendition));
    const pending = made && {
      ...made,
      published: made.parts.filter((p) => this.publishedAt(made.startMs, p) <= nowMs).length,
    };
    let position: PartPosition;
    if (pending && pending.published > 0) position = { msn: upcoming, part: pending.published - 1 };
    else {
      const last = edge >= 0 ? timeline.slot(edge) : undefined;
      const lastParts = last && (await this.partsOf(stream, last, rendition));
      position = { msn: edge, part: Math.max(0, (lastParts?.parts.length ?? 1) - 1) };
    }
    const next =
      pending && (pending.published < pending.parts.length || !pending.complete)
        ? { msn: upcoming, part: pending.published }
        : { msn: position.msn + 1, part: 0 };
    return { edge, ...(pending ? { pending } : {}), position, next };
  }

  /**
   * Resolves with the state once `done(state)` holds, or undefined at `deadlineMs`. Wakes when a
   * part is due by the clock or the channel's timeline changes (a unit placed, a slot sealed).
   */
  async waitFor(
    stream: StreamMedia,
    rendition: string,
    done: (state: RenditionState) => boolean,
    deadlineMs: number,
  ): Promise<RenditionState | undefined> {
    const timeline = this.liveChannels.timeline(stream.id as ChannelId);
    if (!timeline) return undefined;
    for (;;) {
      const now = this.now();
      const state = await this.state(stream, rendition, now);
      if (!state) return undefined;
      if (done(state)) return state;
      if (now >= deadlineMs) return undefined;
      const wakeAt = Math.min(
        deadlineMs,
        this.#nextEvent(stream, state, now, [timeline.options.graceMs, timeline.options.growingGraceMs ?? 0]),
      );
      await new Promise<void>((resolve) => {
        const stop = timeline.subscribe(finish);
        const timer = setTimeout(finish, Math.max(0, wakeAt - now));
        function finish(): void {
          clearTimeout(timer);
          stop();
          resolve();
        }
      });
    }
  }

  /** The next instant something may be published: a part's end, a slot's end, a slot's graces. */
  #nextEvent(stream: StreamMedia, state: RenditionState, now: number, graces: number[]): number {
    const pending = state.pending;
    const part = pending?.parts[pending.published];
    const slotEnd = this.#startMs(stream, state.edge + 2);
    const candidates = [
      part && pending ? this.publishedAt(pending.startMs, part) : Infinity,
      // A unit being encoded: its next part is looked for on disk as often as frames come.
      pending && !pending.complete && !part ? now + GROWING_POLL_MS : Infinity,
      slotEnd,
      ...graces.map((grace) => slotEnd + grace),
    ].filter((t) => t > now);
    return candidates.length > 0 ? Math.min(...candidates) : now + (this.clock.segmentDuration * 1000) / 4;
  }

  /** When a slot starts: its timeline's clock (a feed's run has its own phase, live/timeline.ts). */
  #startMs(stream: StreamMedia, sequence: number): number {
    const timeline = this.liveChannels.timeline(stream.id as ChannelId);
    return timeline ? timeline.startMs(sequence) : segmentStartMs(sequence, this.clock);
  }

  /** A published part's bytes. */
  async partBytes(made: SlotParts, index: number): Promise<Uint8Array | undefined> {
    return (await this.#render(made, index))?.bytes;
  }

  /**
   * A part not out yet, as a stream: each frame's bytes are sent once the clock has passed it,
   * so a player that asked ahead (the preload hint) gets them as soon as they are "encoded".
   */
  async partStream(made: SlotParts, index: number): Promise<ReadableStream<Uint8Array> | undefined> {
    const rendered = await this.#render(made, index);
    if (!rendered) return undefined;
    const { bytes, steps } = rendered;
    let step = 0;
    let sent = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const slotEndMs = made.startMs + this.clock.segmentDuration * 1000;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const next = steps[step];
        if (!next) {
          controller.close();
          return;
        }
        const due = Math.min(made.startMs + next.at * 1000, slotEndMs) - this.now();
        if (due > 0) await new Promise<void>((resolve) => (timer = setTimeout(resolve, due)));
        controller.enqueue(bytes.slice(sent, next.end));
        sent = next.end;
        step++;
      },
      cancel: () => clearTimeout(timer),
    });
  }

  /** A part's bytes, and where in them each of its frames ends, and when (seconds into the slot). */
  async #render(
    made: SlotParts,
    index: number,
  ): Promise<{ bytes: Uint8Array; steps: { end: number; at: number }[] } | undefined> {
    const part = made.parts[index];
    const file = part && (await this.#fileBytes(made));
    if (!part || !file) return undefined;
    if (!made.audio) {
      return {
        bytes: file.slice(part.offset, part.end),
        steps: part.steps.map((s) => ({ end: s.end - part.offset, at: s.at })),
      };
    }
    const frames = readAudioFrames(file);
    if (!frames) return undefined;
    const bytes = muxAudioPart(frames, part.offset, part.end);
    return { bytes, steps: [{ end: bytes.length, at: part.start + part.duration }] };
  }

  async #fileBytes(made: SlotParts): Promise<Uint8Array | undefined> {
    const raw = await readFile(made.path).catch(() => undefined);
    if (!raw) return undefined;
    const bytes = new Uint8Array(raw);
    return made.transform ? made.transform(bytes) : bytes;
  }
}

/** -1, 0, 1 as `a` is before, at, after `b`. */
export function comparePositions(a: PartPosition, b: PartPosition): number {
  return a.msn !== b.msn ? Math.sign(a.msn - b.msn) : Math.sign(a.part - b.part);
}
