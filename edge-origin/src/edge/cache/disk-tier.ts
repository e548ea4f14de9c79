// The disk tier: long-lived objects (VOD segments, ended playlists) kept on disk under a byte
// budget, so they survive restarts and outlive the memory tier. Live playlists and short-lived
// objects stay in memory only: writing them would cost more than refetching.
// The core only sees BlobDir; the Node/Deno implementation (node:fs) is in node/fs-blob-dir.ts.
import { LRUCache } from 'lru-cache';
import { variantKey } from './key.ts';
import { entryFromMeta, entryMeta, type EntryMeta } from './serialize.ts';
import type { CacheEntry } from './entry.ts';

/** A flat directory of named blobs. */
export interface BlobDir {
  list(): Promise<string[]>;
  read(name: string): Promise<Uint8Array | undefined>;
  /** Atomic: a reader sees the old content or the whole new one. */
  write(name: string, bytes: Uint8Array): Promise<void>;
  remove(name: string): Promise<void>;
}

interface Record_ {
  name: string;
  meta: EntryMeta;
  tags: string[];
  varyNames: string[];
}

export interface DiskTierOptions {
  budget: number;
  minLifetimeSeconds: number;
  maxObjectBytes: number;
}

export class DiskTier {
  private readonly index: LRUCache<string, Record_>;
  private readonly byPrimary = new Map<string, Set<string>>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly dir: BlobDir,
    private readonly options: DiskTierOptions,
  ) {
    this.index = new LRUCache<string, Record_>({
      maxSize: Math.max(1, options.budget),
      maxEntrySize: Math.max(1, options.budget),
      sizeCalculation: (r) => Math.max(1, r.meta.bodyBytes + 1024),
      dispose: (record, storageKey, reason) => {
        this.unindex(storageKey, record);
        if (reason !== 'set') this.background(this.removeFiles(record.name));
      },
    });
  }

  /** Rebuilds the index from what a previous run left (metadata files are the commit marks). */
  async load(): Promise<void> {
    const names = await this.dir.list();
    const metas = new Set(names.filter((n) => n.endsWith('.meta')).map((n) => n.slice(0, -5)));
    for (const name of names) {
      if (name.endsWith('.body') && !metas.has(name.slice(0, -5))) await this.dir.remove(name); // torn write
    }
    for (const name of metas) {
      const bytes = await this.dir.read(`${name}.meta`);
      try {
        const meta = JSON.parse(new TextDecoder().decode(bytes)) as EntryMeta;
        this.remember(name, meta);
      } catch {
        await this.removeFiles(name);
      }
    }
  }

  async lookup(primary: string, requestHeaders: Headers): Promise<CacheEntry | undefined> {
    const keys = this.byPrimary.get(primary);
    if (!keys) return undefined;
    for (const storageKey of keys) {
      const record = this.index.peek(storageKey);
      if (!record || variantKey(primary, record.varyNames, requestHeaders) !== storageKey) continue;
      this.index.get(storageKey); // LRU touch
      const body = await this.dir.read(`${record.name}.body`);
      if (!body || body.byteLength !== record.meta.bodyBytes) {
        this.index.delete(storageKey);
        return undefined;
      }
      return entryFromMeta(record.meta, body);
    }
    return undefined;
  }

  /** Writes the entry if it is worth keeping on disk. Asynchronous; errors only cost the copy. */
  offer(entry: CacheEntry, lifetimeSeconds: number): void {
    if (lifetimeSeconds < this.options.minLifetimeSeconds) return;
    if (entry.body.byteLength > this.options.maxObjectBytes || entry.body.byteLength + 1024 > this.options.budget)
      return;
    const meta = entryMeta(entry);
    this.background(
      (async () => {
        const name = await fileName(entry.storageKey);
        await this.dir.write(`${name}.body`, entry.body);
        await this.dir.write(`${name}.meta`, new TextEncoder().encode(JSON.stringify(meta)));
        this.remember(name, meta);
      })(),
    );
  }

  deletePrimary(primary: string): number {
    const keys = [...(this.byPrimary.get(primary) ?? [])];
    for (const k of keys) this.index.delete(k);
    return keys.length;
  }

  deleteByPrefix(prefix: string): number {
    let n = 0;
    for (const primary of [...this.byPrimary.keys()]) if (primary.startsWith(prefix)) n += this.deletePrimary(primary);
    return n;
  }

  deleteByTag(tag: string): number {
    let n = 0;
    for (const [key, record] of [...this.index.entries()]) {
      if (record.tags.includes(tag)) {
        this.index.delete(key);
        n++;
      }
    }
    return n;
  }

  stats(): { bytes: number; objects: number } {
    return { bytes: this.index.calculatedSize, objects: this.index.size };
  }

  /** Waits for writes and removals in progress (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private remember(name: string, meta: EntryMeta): void {
    const tags = new Headers(meta.headers);
    const record: Record_ = {
      name,
      meta,
      tags: [
        ...(tags.get('surrogate-key') ?? '').split(/\s+/).filter(Boolean),
        ...(tags.get('cache-tag') ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ],
      varyNames: (tags.get('vary') ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    };
    this.index.set(meta.storageKey, record);
    if (!this.index.has(meta.storageKey)) return;
    let set = this.byPrimary.get(meta.primaryKey);
    if (!set) this.byPrimary.set(meta.primaryKey, (set = new Set()));
    set.add(meta.storageKey);
  }

  private unindex(storageKey: string, record: Record_): void {
    const set = this.byPrimary.get(record.meta.primaryKey);
    if (!set) return;
    set.delete(storageKey);
    if (set.size === 0) this.byPrimary.delete(record.meta.primaryKey);
  }

  private async removeFiles(name: string): Promise<void> {
    await this.dir.remove(`${name}.meta`);
    await this.dir.remove(`${name}.body`);
  }

  private background(work: Promise<unknown>): void {
    const tracked = work.catch(() => {}).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}

/** File names from the storage key's SHA-256 (keys hold any characters and can be long). */
async function fileName(storageKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(storageKey));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
