// Notices the transcoder's finished segments. ffmpeg's segment muxer writes each segment as it is
// encoded and appends a line to the output's list (`<n>.ts,<start>,<end>`) once it is complete:
// a segment listed there is whole. Segment n of every output covers the same 2 s (keyframes are
// forced on the boundaries), so once all outputs list n, unit n is ready for the timeline. The
// lists are read a few times a second.
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIO_OUTPUT, OUTPUTS, SEGMENT_LIST } from './commands.ts';
import type { UnitDurations } from '../live/timeline.ts';
import { indexTransportStream } from '../live/ts-parts.ts';
import { FRAME_RATE, LOWEST_VIDEO_RENDITION } from '../../../../shared/hls/ladder.ts';

export interface ReadyUnit {
  index: number;
  durations: UnitDurations;
}

/** A unit being written: its first frames are on disk, `startedAtMs` is when its first one was. */
export interface StartedUnit {
  index: number;
  startedAtMs: number;
}

export class UnitWatcher {
  readonly #durations = new Map<string, Map<number, number>>(OUTPUTS.map((o) => [o, new Map()]));
  #next = 0;
  /** Bytes of each output's list read so far. */
  readonly #offsets = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #reading = false;

  /** The newest unit reported started. */
  #started = -1;

  constructor(
    readonly sessionDir: string,
    readonly onUnit: (unit: ReadyUnit) => void,
    readonly intervalMs = 150,
    readonly onStart?: (unit: StartedUnit) => void,
    readonly now: () => number = Date.now,
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
        this.#started = Math.max(this.#started, this.#next);
        this.onUnit({ index: this.#next, durations: { video, audio } });
        this.#next++;
      }
      if (this.onStart && this.#started < this.#next) await this.#lookForStart(this.#next);
    } finally {
      this.#reading = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Unit `index` has begun in the lowest rendition: its first frames are on disk. */
  async #lookForStart(index: number): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readFile(join(this.sessionDir, LOWEST_VIDEO_RENDITION.id, `${index}.ts`));
    } catch {
      return;
    }
    const { units } = indexTransportStream(new Uint8Array(raw));
    const first = units[0];
    const last = units[units.length - 1];
    if (!first || !last || units.length < 2) return;
    const writtenMs = (((last.pts - first.pts + 2 ** 33) % 2 ** 33) / 90_000) * 1000;
    this.#started = index;
    this.onStart?.({ index, startedAtMs: this.now() - writtenMs });
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

/**
 * How long unit `index` of a session lasts, read from its bytes: for a unit the transcoder never
 * listed (killed, or gone without closing it) whose parts are on air already. Its lowest video
 * rendition's frames (first to last, plus one frame) for video and audio alike; undefined when
 * it has no frame on disk.
 */
export async function unitDurationsOnDisk(sessionDir: string, index: number): Promise<UnitDurations | undefined> {
  let raw: Buffer;
  try {
    raw = await readFile(join(sessionDir, LOWEST_VIDEO_RENDITION.id, `${index}.ts`));
  } catch {
    return undefined;
  }
  const { units } = indexTransportStream(new Uint8Array(raw));
  const first = units[0];
  const last = units[units.length - 1];
  if (!first || !last) return undefined;
  const seconds = ((last.pts - first.pts + 2 ** 33) % 2 ** 33) / 90_000 + 1 / FRAME_RATE;
  const rounded = Math.round(seconds * 1000) / 1000;
  return { video: rounded, audio: rounded };
}
