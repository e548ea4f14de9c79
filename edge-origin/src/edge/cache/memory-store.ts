// The memory tier: variants of responses under a byte budget, least recently used evicted first.
// lru-cache does the LRU and the byte accounting (maxSize/sizeCalculation); this module adds what
// an HTTP cache needs around it: which header fields each URL varies on (to find the variant for a
// request), and indexes for purging by URL prefix and by surrogate key.
import { LRUCache } from 'lru-cache';
import { variantKey } from './key.ts';
import type { CacheEntry } from './entry.ts';

export interface StoreStats {
  bytes: number;
  objects: number;
  evictions: number;
  budget: number;
}

/** Told of every change to what the store holds (the native front door mirrors the answers it may
 * give, node/native-front.ts). */
export interface StoreObserver {
  /** Stored (new, or replacing another: that one is `removed` first). */
  stored(entry: CacheEntry): void;
  /** Refreshed in place (a 304: same object, new times). */
  refreshed(entry: CacheEntry): void;
  /** Gone: deleted, purged or evicted, or `replaced` by the entry `stored` is told of next. */
  removed(entry: CacheEntry, replaced: boolean): void;
}

export class MemoryStore {
  private readonly lru: LRUCache<string, CacheEntry>;
  /** Primary key → the Vary field names of its latest stored response. */
  private readonly varyByPrimary = new Map<string, string[]>();
  /** Primary key → storage keys of its variants. */
  private readonly variants = new Map<string, Set<string>>();
  /** Surrogate key → storage keys. */
  private readonly byTag = new Map<string, Set<string>>();
  private evictionCount = 0;

  /** `onEvict`: told of each entry the LRU pushes out to stay within the budget (metrics). */
  constructor(
    readonly budget: number,
    private readonly onEvict?: (entry: CacheEntry) => void,
    private readonly observer?: StoreObserver,
  ) {
    this.lru = new LRUCache<string, CacheEntry>({
      maxSize: Math.max(1, budget),
      // Never store what alone would blow the budget (lru-cache refuses it; we check first too).
      maxEntrySize: Math.max(1, budget),
      sizeCalculation: (entry) => Math.max(1, entry.size),
      dispose: (entry, key, reason) => {
        this.unindex(key, entry);
        this.observer?.removed(entry, reason === 'set');
        if (reason === 'evict') {
          this.evictionCount++;
          this.onEvict?.(entry);
        }
      },
    });
  }

  /** The stored variant matching this request's selecting header fields (§4.1), if any. */
  lookup(primary: string, requestHeaders: Headers): CacheEntry | undefined {
    const varyNames = this.varyByPrimary.get(primary);
    if (!varyNames) return undefined;
    return this.lru.get(variantKey(primary, varyNames, requestHeaders));
  }

  storageKeyFor(primary: string, varyNames: string[], requestHeaders: Headers): string {
    return variantKey(primary, varyNames, requestHeaders);
  }

  /** Stores an entry (its storageKey must come from storageKeyFor). False if it cannot fit. */
  put(entry: CacheEntry): boolean {
    if (entry.size > this.budget) return false;
    const prior = this.varyByPrimary.get(entry.primaryKey);
    if (prior && prior.join(',') !== entry.varyNames.join(',')) {
      // The URL now varies on other fields: older variants can no longer be selected.
      this.deletePrimary(entry.primaryKey);
    }
    // set first: replacing a variant disposes (unindexes) the old one, then we index the new one.
    this.lru.set(entry.storageKey, entry);
    if (!this.lru.has(entry.storageKey)) return false;
    this.varyByPrimary.set(entry.primaryKey, entry.varyNames);
    let set = this.variants.get(entry.primaryKey);
    if (!set) this.variants.set(entry.primaryKey, (set = new Set()));
    set.add(entry.storageKey);
    for (const tag of entry.tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(entry.storageKey);
    }
    this.observer?.stored(entry);
    return true;
  }

  /** Refreshes LRU position and accounting after an entry's headers changed (304). */
  touch(entry: CacheEntry): void {
    if (this.lru.peek(entry.storageKey) !== entry) return;
    this.lru.set(entry.storageKey, entry);
    this.observer?.refreshed(entry);
  }

  /** Every stored entry, most recently used first (without touching them). */
  entries(): Iterable<CacheEntry> {
    return this.lru.values();
  }

  /** Removes every variant of a URL (unsafe method invalidation, purge). Returns how many. */
  deletePrimary(primary: string): number {
    const keys = [...(this.variants.get(primary) ?? [])];
    for (const k of keys) this.lru.delete(k);
    this.varyByPrimary.delete(primary);
    this.variants.delete(primary);
    return keys.length;
  }

  deleteByPrefix(prefix: string): number {
    let n = 0;
    for (const primary of [...this.variants.keys()]) if (primary.startsWith(prefix)) n += this.deletePrimary(primary);
    return n;
  }

  deleteByTag(tag: string): number {
    const keys = [...(this.byTag.get(tag) ?? [])];
    for (const k of keys) this.lru.delete(k);
    return keys.length;
  }

  clear(): void {
    this.lru.clear();
  }

  stats(): StoreStats {
    return {
      bytes: this.lru.calculatedSize,
      objects: this.lru.size,
      evictions: this.evictionCount,
      budget: this.budget,
    };
  }

  private unindex(storageKey: string, entry: CacheEntry): void {
    const set = this.variants.get(entry.primaryKey);
    if (set) {
      set.delete(storageKey);
      if (set.size === 0) {
        this.variants.delete(entry.primaryKey);
        this.varyByPrimary.delete(entry.primaryKey);
      }
    }
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      keys.delete(storageKey);
      if (keys.size === 0) this.byTag.delete(tag);
    }
  }
}
