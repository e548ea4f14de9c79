// After a fatal network error the player retries on a schedule (1 s, 2 s, 4 s, …) before
// showing the error screen; a successful play resets it. Pure: the player owns the timers.
import { PLAYER_DEFAULTS } from './config.ts';

export class ReconnectPolicy {
  private attempt = 0;

  constructor(private readonly delaysMs: readonly number[] = PLAYER_DEFAULTS.reconnectDelaysMs) {}

  /** Delay before the next attempt, or null when it is time to give up. */
  next(): number | null {
    const delay = this.delaysMs[this.attempt];
    if (delay === undefined) return null;
    this.attempt++;
    return delay;
  }

  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
