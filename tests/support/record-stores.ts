// The two record stores the staff tests run on: the memory store, and a real Redis under a
// prefix of the test's own (so suites sharing one redis-server do not see each other's records).
import { MemoryRecordStore } from '../../edge-origin/src/origin/store/memory-record-store.ts';
import { RedisRecordStore } from '../../edge-origin/src/origin/store/redis-record-store.ts';
import type { RecordStore } from '../../edge-origin/src/origin/store/record-store.ts';

export type OpenRecordStore = (prefix: string) => Promise<RecordStore>;

/** For `describe.each`: `redisUrl` is read when a store opens (the server starts in beforeAll). */
export function recordStoreKinds(redisUrl: () => string): [string, OpenRecordStore][] {
  return [
    ['memory', async () => new MemoryRecordStore()],
    ['redis', async (prefix) => new RedisRecordStore({ url: redisUrl(), prefix, log: () => {} })],
  ];
}
