// A live the player gave up on (the error screen, « Réessayer ») comes back by itself once its
// stream is back: while the error screen shows, the live is probed every 5-10 s (drawn, so TVs
// that failed together do not come back together), and the first probe that finds it back
// restarts it. Issue #14: after an origin outage longer than the reconnection budget (40 s), a
// viewer of a live should not have to press a key to see it again.
//
// "Back" is the player's to say (`probe`: the live's media playlist and its newest segment both
// answer); this only schedules. Pure: timers and the draw are injectable for tests.
import { fullJitter } from './backoff.ts';

export interface LiveReturnTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: LiveReturnTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class LiveReturnWatch {
  private timer: unknown = null;
  /** Bumped by start/stop: a probe answering after them is ignored. */
  private generation = 0;

  constructor(
    /** True when the live can be played again. */
    private readonly probe: () => Promise<boolean>,
    /** Called once, on the first probe that says so. */
    private readonly onBack: () => void,
    /** Probes come every `maxDelayMs / 2` to `maxDelayMs`. */
    private readonly maxDelayMs: number,
    private readonly random: () => number = Math.random,
    private readonly timers: LiveReturnTimers = realTimers,
  ) {}

  get watching(): boolean {
    return this.timer !== null;
  }

  start(): void {
    this.stop();
    this.schedule(++this.generation);
  }

  stop(): void {
    this.generation++;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(generation: number): void {
    const half = this.maxDelayMs / 2;
    this.timer = this.timers.setTimeout(() => void this.check(generation), half + fullJitter(half, this.random));
  }

  private async check(generation: number): Promise<void> {
    let back = false;
    try {
      back = await this.probe();
    } catch {
      back = false;
    }
    if (generation !== this.generation) return; // stopped or restarted meanwhile
    if (!back) return this.schedule(generation);
    this.timer = null;
    this.generation++;
    this.onBack();
  }
}
