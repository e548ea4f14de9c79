// The bounded folder of re-encoded photos: `<dir>/<eventId>/<id>.jpg`. The bytes it holds are
// tallied (counted at start, then kept up to date) so a write that would pass the bound is
// refused before it is made. One origin writes it; replicas would each need their own folder or
// a shared one with its own bound (README).
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class MediaFolder {
  #bytes: number | undefined;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** Bytes stored now (the first call walks the folder). */
  async used(): Promise<number> {
    if (this.#bytes === undefined) {
      let total = 0;
      const events = await readdir(this.dir).catch(() => [] as string[]);
      for (const event of events) {
        const files = await readdir(join(this.dir, event)).catch(() => [] as string[]);
        for (const file of files) total += (await stat(join(this.dir, event, file)).catch(() => ({ size: 0 }))).size;
      }
      this.#bytes = total;
    }
    return this.#bytes;
  }

  async fits(size: number): Promise<boolean> {
    return (await this.used()) + size <= this.maxBytes;
  }

  path(file: string): string {
    return join(this.dir, file);
  }

  async write(file: string, bytes: Uint8Array): Promise<void> {
    await this.used();
    await mkdir(join(this.dir, file, '..'), { recursive: true });
    await writeFile(this.path(file), bytes);
    this.#bytes = (this.#bytes ?? 0) + bytes.length;
  }

  async remove(file: string): Promise<void> {
    await this.used();
    const size = (await stat(this.path(file)).catch(() => null))?.size;
    if (size === undefined) return;
    await rm(this.path(file), { force: true });
    this.#bytes = Math.max(0, (this.#bytes ?? 0) - size);
  }
}
