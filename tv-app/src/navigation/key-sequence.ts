// A code typed on the remote (the player's hidden debug overlay): the keys of `sequence` in
// order, each within `maxGapMs` of the one before. Any other key, or a pause, starts it over
// (a key that is also the code's first starts a new attempt).
export class KeySequence {
  private matched = 0;
  private lastAt = -Infinity;

  constructor(
    private readonly sequence: readonly string[],
    private readonly maxGapMs: number,
  ) {}

  /** One key pressed at `now` (ms); true when it completes the code. */
  press(key: string | undefined, now: number): boolean {
    if (now - this.lastAt > this.maxGapMs) this.matched = 0;
    this.lastAt = now;
    if (key !== undefined && key === this.sequence[this.matched]) this.matched++;
    else this.matched = key !== undefined && key === this.sequence[0] ? 1 : 0;
    if (this.matched < this.sequence.length) return false;
    this.matched = 0;
    return true;
  }
}
