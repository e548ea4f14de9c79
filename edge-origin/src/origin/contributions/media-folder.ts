// The bounded folder of re-encoded photos: `<dir>/<eventId>/<id>.jpg`. The bytes it holds are
// tallied (counted once from the folder, then kept up to date) so a write that would pass the
// bound is refused before it is made. The tally is this process's, or with several origins
// sharing the folder (one volume) a Redis counter all of them keep (`RedisByteTally`).
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from 'redis';

/** The folder's byte count, wherever it is kept. `start` counts the folder when nothing is kept yet. */
export interface ByteTally {
  used(start: () => Promise<number>): Promise<number>;
  add(bytes: number): Promise<void>;
  close(): Promise<void>;
}

export class MemoryByteTally implements ByteTally {
  #bytes: number | undefined;

  async used(start: () => Promise<number>): Promise<number> {
    this.#bytes ??= await start();
    return this.#bytes;
  }

  async add(bytes: number): Promise<void> {
    this.#bytes = Math.max(0, (this.#bytes ?? 0) + bytes);
  }

  async close(): Promise<void> {}
}

/** Never below zero (a file counted by a walk and removed twice). */
const ADD_SCRIPT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n < 0 then redis.call('SET', KEYS[1], 0) return 0 end
return n
`;

/** One counter (`key`) every origin on the folder adds to: INCRBY on a write, DECRBY on a removal. */
export class RedisByteTally implements ByteTally {
  readonly #client;

  constructor(readonly options: { url: string; key: string }) {
    this.#client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (n) => Math.min(100 * 2 ** n, 3000) },
    });
    this.#client.on('error', () => {});
    this.#client.connect().catch(() => {});
  }

  async used(start: () => Promise<number>): Promise<number> {
    const kept = await this.#client.get(this.options.key);
    if (kept !== null) return Number(kept);
    // The first origin to look counts the folder; NX: a count made at the same time by another wins.
    await this.#client.set(this.options.key, String(await start()), { condition: 'NX' });
    return Number(await this.#client.get(this.options.key));
  }

  async add(bytes: number): Promise<void> {
    await this.#client.eval(ADD_SCRIPT, { keys: [this.options.key], arguments: [String(Math.round(bytes))] });
  }

  async close(): Promise<void> {
    try {
      if (this.#client.isReady) await this.#client.close();
      else this.#client.destroy();
    } catch {
      this.#client.destroy();
    }
  }
}

export class MediaFolder {
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    readonly tally: ByteTally = new MemoryByteTally(),
  ) {}

  /** Bytes stored now (the first look walks the folder). */
  used(): Promise<number> {
    return this.tally.used(() => this.#walk());
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
    await this.tally.add(bytes.length);
  }

  async remove(file: string): Promise<void> {
    await this.used();
    const size = (await stat(this.path(file)).catch(() => null))?.size;
    if (size === undefined) return;
    await rm(this.path(file), { force: true });
    await this.tally.add(-size);
  }

  async #walk(): Promise<number> {
    let total = 0;
    const events = await readdir(this.dir).catch(() => [] as string[]);
    for (const event of events) {
      const files = await readdir(join(this.dir, event)).catch(() => [] as string[]);
      for (const file of files) total += (await stat(join(this.dir, event, file)).catch(() => ({ size: 0 }))).size;
    }
    return total;
  }
}
