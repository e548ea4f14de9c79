// The embedded catalog: a memory RecordStore seeded from the seed file at start. Kept as a
// class so callers that want "the demo catalog in memory" have one line to write.
import { readFileSync } from 'node:fs';
import { MemoryRecordStore } from '../store/memory-record-store.ts';
import { seedChange } from '../store/seeding.ts';
import { RecordCatalog } from './record-catalog.ts';
import { parseSeed } from '../../media/seed.ts';
import { resolveSeed } from './seed.ts';
import type { CatalogRecords } from './seed.ts';

export class MemoryCatalogStore extends RecordCatalog {
  /** A memory store holding `records` (as if seeded). Resolves synchronously: memory commits never wait. */
  static fromRecords(records: CatalogRecords, nowMs = Date.now()): MemoryCatalogStore {
    const store = new MemoryRecordStore();
    void store.commit(seedChange(records, new Date(nowMs).toISOString()));
    return new MemoryCatalogStore(store);
  }

  /** Loads and validates a seed file, resolving its relative times at `nowMs`. */
  static fromSeedFile(path: string, nowMs: number): MemoryCatalogStore {
    return MemoryCatalogStore.fromRecords(loadSeedRecords(path, nowMs), nowMs);
  }
}

export function loadSeedRecords(path: string, nowMs: number): CatalogRecords {
  return resolveSeed(parseSeed(JSON.parse(readFileSync(path, 'utf8'))), nowMs);
}
