// Long-press on a TV remote sends keydown repeats at 10–30 Hz. A slow TV that
// animates every move would queue dozens of moves and keep scrolling after the
// finger lifts. The gate lets the first press through at once and then at most
// one repeat per interval, dropping (not queueing) the rest.

export interface KeyRepeatGate {
  /** True when this keydown should be handled. `now` in ms. */
  accept(key: string, isRepeat: boolean, now: number): boolean;
  /** A keyup ends the press: the next keydown of that key is a fresh press. */
  release(key: string): void;
}

export function createKeyRepeatGate(intervalMs = 120): KeyRepeatGate {
  const lastHandled = new Map<string, number>();
  return {
    accept(key, isRepeat, now) {
      const last = lastHandled.get(key);
      // Some remotes never set `repeat`: a keydown arriving while the key is held
      // (no keyup in between) is treated as a repeat too.
      const repeating = isRepeat || last !== undefined;
      if (repeating && last !== undefined && now - last < intervalMs) return false;
      lastHandled.set(key, now);
      return true;
    },
    release(key) {
      lastHandled.delete(key);
    },
  };
}
