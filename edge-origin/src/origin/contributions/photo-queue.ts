// The photos' re-encodes, one (or `concurrency`) at a time behind a short waiting line. A flood
// of spectators must not take the CPU from the live and the edge on the same machine: past the
// line, a sending is refused at once (503 with Retry-After, photo-queue's caller says it) rather
// than held, so neither the CPU nor the memory of waiting photos grows with the crowd. A photo
// that waited `maxWaitMs` without a slot is refused the same way (the caller's deadline: on a
// box short of CPU the line moves slowly, and the phone must be answered before the edge gives up).

export class PhotoQueueFullError extends Error {
  override name = 'PhotoQueueFullError';
}

export class PhotoQueue {
  private running = 0;
  private readonly waiting: { start(): void }[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
    readonly maxWaitMs = Number.POSITIVE_INFINITY,
  ) {}

  /** True when a new task would be refused: every slot busy and the line full. */
  get full(): boolean {
    return this.running >= this.concurrency && this.waiting.length >= this.maxWaiting;
  }

  get size(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Runs `task` in a slot, after the ones waiting; throws PhotoQueueFullError when the line is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new PhotoQueueFullError('photo queue full');
      // The slot is handed over by the task that ends (running is not decremented in between).
      await new Promise<void>((resolve, reject) => {
        const place = {
          start: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        const timer = Number.isFinite(this.maxWaitMs)
          ? setTimeout(() => {
              this.waiting.splice(this.waiting.indexOf(place), 1);
              reject(new PhotoQueueFullError('waited too long for a slot'));
            }, this.maxWaitMs)
          : undefined;
        this.waiting.push(place);
      });
    } else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next.start();
      else this.running--;
    }
  }
}
