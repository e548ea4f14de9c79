// Notices the transcoder's finished segments. ffmpeg's segment muxer writes each segment as it is
// encoded and appends a line to the output's list (`<n>.ts,<start>,<end>`) once it is complete:
// a segment listed there is whole. Segment n of every output covers the same 2 s (keyframes are
// forced on the boundaries), so once all outputs list n, unit n is ready for the timeline. The
// lists are read a few times a second.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIO_OUTPUT, OUTPUTS, SEGMENT_LIST } from './commands.ts';
import type { UnitDurations } from '../live/timeline.ts';
import { LOWEST_VIDEO_RENDITION } from '../../../../shared/hls/ladder.ts';

export interface ReadyUnit {
  index: number;
  durations: UnitDurations;
}

export class UnitWatcher {
  readonly #durations = new Map<string, Map<number, number>>(OUTPUTS.map((o) => [o, new Map()]));
  #next = 0;
  /** Bytes of each output's list read so far. */
  readonly #offsets = new Map<string, number>();
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

  /** Reads every output's list once more (also the last time, after the transcoder exits). */
  async poll(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      for (const output of OUTPUTS) await this.#read(output);
      // A segment missing from some output's list: go on from the oldest every output lists.
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
    // The list only grows: read on from where the last whole line ended.
    const from = this.#offsets.get(output) ?? 0;
    let text: string;
    try {
      const file = await open(join(this.sessionDir, output, SEGMENT_LIST), 'r');
      try {
        const { size } = await file.stat();
        if (size <= from) return;
        const buffer = Buffer.alloc(size - from);
        const { bytesRead } = await file.read(buffer, 0, buffer.length, from);
        text = buffer.subarray(0, bytesRead).toString('utf8');
      } finally {
        await file.close();
      }
    } catch {
      return; // not written yet
    }
    // Only whole lines: the newest one may be caught while it is appended.
    const whole = text.lastIndexOf('\n') + 1;
    this.#offsets.set(output, from + Buffer.byteLength(text.slice(0, whole)));
    const seen = this.#durations.get(output)!;
    for (const line of text.slice(0, whole).split('\n')) {
      const match = /^(\d+)\.ts,([\d.]+),([\d.]+)$/.exec(line.trim());
      if (!match) continue;
      const index = Number(match[1]);
      if (index >= this.#next) seen.set(index, Math.round((Number(match[3]) - Number(match[2])) * 1000) / 1000);
    }
  }
}
