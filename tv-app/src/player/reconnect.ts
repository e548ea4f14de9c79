// When segments stop coming, the player keeps trying on a schedule (up to 1 s, 2 s, 4 s, …: each
// delay drawn with full jitter, backoff.ts, so TVs that lost the stream together do not come
// back together) and shows "Reconnexion…"; past a budget of wall time it gives up and shows the
// error screen.
//
// The budget counts from the first failed request of the outage, not from hls.js's fatal
// error: hls.js already spends ~15 s retrying one fragment before it gives up, and every
// reload gets a fresh hls.js budget (its stopLoad clears the error counts), so counting
// attempts alone let a dead origin keep the viewer on "Reconnexion…" for over 100 s.
// The outage ends only when media data is buffered again (`reset`), not when the clock
// moves: a live reload jumps the playhead without any data.
//
// Pure: the player owns the timers and passes the time in (ms, any monotonic clock).
import { fullJitter } from './backoff.ts';
import { PLAYER_DEFAULTS } from './config.ts';

export class ReconnectPolicy {
  private attempt = 0;
  private outageSince: number | null = null;

  constructor(
    /** The longest delay (ms) before each reload after a fatal network error; drawn between 0 and it. */
    private readonly delaysMs: readonly number[] = PLAYER_DEFAULTS.reconnectDelaysMs,
    /** Give up once the outage has lasted this long (ms), counted from its first failed request. */
    private readonly giveUpAfterMs: number = PLAYER_DEFAULTS.reconnectGiveUpMs,
    /** In [0, 1): the jitter's draw (tests pass their own). */
    private readonly random: () => number = Math.random,
  ) {}

  /** A request failed (retried or not): the outage starts now unless it already had. */
  failed(now: number): void {
    this.outageSince ??= now;
  }

  /**
   * After a fatal network error: the delay before the next reload, or null when it is time to
   * give up (the schedule is used up, or the reload would start past the budget).
   */
  next(now: number = Date.now()): number | null {
    this.failed(now);
    const cap = this.delaysMs[this.attempt];
    if (cap === undefined) return null;
    const delay = fullJitter(cap, this.random);
    if (now + delay - this.outageSince! > this.giveUpAfterMs) return null;
    this.attempt++;
    return delay;
  }

  get attempts(): number {
    return this.attempt;
  }

  /** True between a failed request and the next buffered media. */
  get inOutage(): boolean {
    return this.outageSince !== null;
  }

  /** Media is flowing again: the next outage starts from scratch. */
  reset(): void {
    this.attempt = 0;
    this.outageSince = null;
  }
}
