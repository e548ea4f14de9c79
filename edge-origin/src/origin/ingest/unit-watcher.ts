// Notices the transcoder's finished segments. ffmpeg's HLS muxer writes each segment under a
// temporary name, renames it when complete, then rewrites its playlist: a segment listed there is
// whole. Segment n of every output covers the same 2 s (keyframes are forced on the boundaries),
// so once all outputs list n, unit n is ready for the timeline. The playlists are read with
// hls-parser, a few times a second.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types';
import { AUDIO_OUTPUT, OUTPUTS } from './commands.ts';
import type { UnitDurations } from '../live/timeline.ts';
import { LOWEST_VIDEO_RENDITION } from '../../../../shared/hls/ladder.ts';

export interface ReadyUnit {
  index: number;
  durations: UnitDurations;
}

export class UnitWatcher {
  readonly #durations = new Map<string, Map<number, number>>(OUTPUTS.map((o) => [o, new Map()]));
  #next = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #reading = false;

  constructor(
    readonly sessionDir: string,
    readonly onUnit: (unit: ReadyUnit) => void,
    readonly intervalMs = 150,
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.poll(), this.intervalMs);
  }

  /** Reads every output's playlist once more (also the last time, after the transcoder exits). */
  async poll(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      for (const output of OUTPUTS) await this.#read(output);
      // Fell more than a playlist window behind (a stalled disk): go on from what is still listed.
      const oldest = Math.min(...OUTPUTS.map((o) => Math.min(...this.#durations.get(o)!.keys())));
      if (Number.isFinite(oldest) && oldest > this.#next) this.#next = oldest;
      for (;;) {
        const video = this.#durations.get(LOWEST_VIDEO_RENDITION.id)!.get(this.#next);
        const complete = OUTPUTS.every((o) => this.#durations.get(o)!.has(this.#next));
        if (!complete || video === undefined) break;
        const audio = this.#durations.get(AUDIO_OUTPUT)!.get(this.#next)!;
        for (const o of OUTPUTS) this.#durations.get(o)!.delete(this.#next);
        this.onUnit({ index: this.#next, durations: { video, audio } });
        this.#next++;
      }
    } finally {
      this.#reading = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #read(output: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(join(this.sessionDir, output, 'index.m3u8'), 'utf8');
    } catch {
      return; // not written yet
    }
    let playlist: MediaPlaylist;
    try {
      playlist = parse(text) as MediaPlaylist;
    } catch {
      return; // caught mid-write (should not happen: ffmpeg renames it into place)
    }
    const seen = this.#durations.get(output)!;
    playlist.segments.forEach((segment, i) => {
      const index = (playlist.mediaSequenceBase ?? 0) + i;
      if (index >= this.#next) seen.set(index, Math.round(segment.duration * 1000) / 1000);
    });
  }
}
