// Seeding an empty store from seed.json, exactly once per store: the seed and a `meta/seeded`
// marker are written in one Change that expects the marker to be absent, so two origins
// starting together on an empty Redis seed it once, and a restart never overwrites staff edits.
import type { CatalogRecords } from '../catalog/seed.ts';
import type { RecordStore } from './record-store.ts';
import { StoreClosedError, StoreConflictError, StoreUnavailableError } from './records.ts';
import type { Change } from './records.ts';

export function seedChange(records: CatalogRecords, atIso: string): Change {
  return {
    expect: [{ collection: 'meta', id: 'seeded', value: null }],
    put: [
      ...records.channels.map((value) => ({ collection: 'channels' as const, id: value.id, value })),
      ...records.events.map((value) => ({ collection: 'events' as const, id: value.id, value })),
      ...records.replays.map((value) => ({ collection: 'replays' as const, id: value.id, value })),
      ...records.highlights.map((value) => ({ collection: 'highlights' as const, id: value.id, value })),
      { collection: 'meta', id: 'seeded', value: { value: atIso } },
    ],
  };
}

/**
 * Seeds the store if it never was. `records` is called at the moment of seeding (relative seed
 * times resolve then). Resolves true if this call seeded, false if the store already was. While
 * the store is unreachable it waits for it (retrying every `retryMs`) until `signal` aborts.
 */
export function seedOnce(
  store: RecordStore,
  records: () => { records: CatalogRecords; atIso: string },
  options: { retryMs?: number; signal?: AbortSignal } = {},
): Promise<boolean> {
  return whenStoreUp(
    store,
    async () => {
      if (await store.get('meta', 'seeded')) return false;
      const { records: r, atIso } = records();
      await store.commit(seedChange(r, atIso));
      return true;
    },
    options,
  ).catch((error: unknown) => {
    if (error instanceof StoreConflictError) return false; // another origin seeded it meanwhile
    throw error;
  });
}

/**
 * Runs `work` until the store takes it: while the store is unreachable, waits for it to come
 * back (retrying every `retryMs`), however long that takes, as a seed must not be lost to a slow
 * Redis. Rejects with StoreClosedError once the store is closed (its owner stopped: nothing runs
 * on after it), with any other error at once, and with the last one when `signal` aborted.
 */
export async function whenStoreUp<T>(
  store: RecordStore,
  work: () => Promise<T>,
  options: { retryMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || options.signal?.aborted) throw error;
      await store.ready(options.retryMs ?? 2000).catch((e: unknown) => {
        if (e instanceof StoreClosedError) throw e;
      });
    }
  }
}
