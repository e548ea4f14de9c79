// Seeking with the remote's Left/Right, as a viewer expects it: a tap moves 10 s, holding the
// key moves on a PREVIEW position with steps that grow the longer the key is held
// (10 s → 30 s → 60 s), and the video is asked to seek ONCE, when the keys have been quiet
// for a moment after the key went up. hls.js then fetches one spot instead of
// flushing its buffer at every key repeat, and a slow TV does not stutter through 20 seeks.
// Plain TypeScript: key timestamps in, positions out (tests/tv-app/seek-scrubber.test.ts).
import { seekTarget } from './timeline.ts';
import { PLAYER_DEFAULTS } from './config.ts';

export interface SeekRange {
  /** Where playback is now (the first press of a scrub starts from here). */
  position: number;
  /** Seekable range: the live window, or 0..duration. */
  start: number;
  end: number;
}

export interface ScrubberConfig {
  /** Step per press (seconds) by how long the key has been held (ms), in increasing `heldMs`. */
  levels: readonly { heldMs: number; step: number }[];
  /**
   * A held step never exceeds this fraction of the seekable span: a 50 s clip is not crossed
   * in two repeats (a tap always moves at least the first level's step).
   */
  maxStepFraction: number;
  /** The seek happens this long (ms) after the key went up, unless pressed again meanwhile. */
  settleMs: number;
  /**
   * A key still down but silent this long (ms) settles too: a remote that lost its keyup must
   * not leave the preview hanging. Longer than any repeat gap, so a held key never seeks.
   */
  heldSettleMs: number;
}

export const SCRUB_DEFAULTS: ScrubberConfig = PLAYER_DEFAULTS.scrub;

export class SeekScrubber {
  private preview: number | null = null;
  /** The press being held: its direction and when it began; null once released. */
  private hold: { direction: 1 | -1; since: number } | null = null;
  private lastActivity = 0;

  constructor(private readonly config: ScrubberConfig = SCRUB_DEFAULTS) {}

  /** True from the first press until the seek is handed out (or cancelled). */
  get active(): boolean {
    return this.preview !== null;
  }

  /** The preview position (seconds), while active. */
  get target(): number | null {
    return this.preview;
  }

  /**
   * A keydown (first press or repeat) towards `direction`. `minStep` raises the step (the
   * fast-forward keys move 30 s a press). Returns the new preview position.
   */
  press(direction: 1 | -1, now: number, range: SeekRange, minStep = 0): number {
    // A new hold begins after a release, or when the direction changes.
    if (!this.hold || this.hold.direction !== direction) this.hold = { direction, since: now };
    const step = this.stepFor(now - this.hold.since, range.end - range.start, minStep);
    const from = this.preview ?? range.position;
    this.preview = seekTarget(from, direction * step, range.start, range.end);
    this.lastActivity = now;
    return this.preview;
  }

  /** The key went up: the next press is a fresh tap (first step again). */
  release(now: number): void {
    this.hold = null;
    if (this.preview !== null) this.lastActivity = now;
  }

  /** ms until the scrub settles (0: now), or null when there is nothing to settle. */
  dueIn(now: number): number | null {
    if (this.preview === null) return null;
    const quiet = this.hold ? this.config.heldSettleMs : this.config.settleMs;
    return Math.max(0, this.lastActivity + quiet - now);
  }

  /**
   * The position to seek to, handed out once the keys have settled (see the config);
   * null before that (or when not scrubbing). The scrubber is idle afterwards.
   */
  settle(now: number): number | null {
    const due = this.dueIn(now);
    if (due === null || due > 0) return null;
    const target = this.preview;
    this.cancel();
    return target;
  }

  /** Forgets the preview without seeking (playback replaced, ad break, page left). */
  cancel(): void {
    this.preview = null;
    this.hold = null;
  }

  private stepFor(heldMs: number, span: number, minStep: number): number {
    const levels = this.config.levels;
    let step = levels[0]?.step ?? 10;
    for (const level of levels) if (heldMs >= level.heldMs) step = level.step;
    const tap = Math.max(levels[0]?.step ?? 10, minStep);
    // Growing steps, capped for short media, never below the tap's step.
    return Math.max(tap, Math.min(step, span * this.config.maxStepFraction));
  }
}
