// The posters the Redis store holds, copied into memory up to a byte budget, so they are served
// while Redis is unreachable (an edge that never fetched one, a cold cache). Posters are
// content-addressed, so a copy never goes out of date: it is only dropped, oldest use first, to
// stay within the budget.
export class ImageCopy {
  /** Map order is use order: the first entry is the least recently used. */
  readonly #images = new Map<string, Uint8Array>();
  #bytes = 0;

  constructor(readonly budgetBytes: number) {}

  has(key: string): boolean {
    return this.#images.has(key);
  }

  /** True when an image of this size can join without dropping any. */
  fits(size: number): boolean {
    return this.#bytes + size <= this.budgetBytes;
  }

  get(key: string): Uint8Array | undefined {
    const bytes = this.#images.get(key);
    if (bytes) {
      this.#images.delete(key);
      this.#images.set(key, bytes);
    }
    return bytes;
  }

  put(key: string, bytes: Uint8Array): void {
    if (bytes.byteLength > this.budgetBytes) return;
    const before = this.#images.get(key);
    if (before) {
      this.#images.delete(key);
      this.#bytes -= before.byteLength;
    }
    this.#images.set(key, bytes);
    this.#bytes += bytes.byteLength;
    for (const [oldest, old] of this.#images) {
      if (this.#bytes <= this.budgetBytes) break;
      this.#images.delete(oldest);
      this.#bytes -= old.byteLength;
    }
  }
}
