// Which store the origin runs on: Redis when a URL is given (REDIS_URL), else memory. Either way
// the catalog is seeded from seed.json if the store has never been seeded (see seeding.ts).
import { MemoryRecordStore } from './memory-record-store.ts';
import type { RecordStore } from './record-store.ts';
import { RedisRecordStore } from './redis-record-store.ts';
import type { RedisStoreConfig } from './redis-config.ts';

export function openRecordStore(options: {
  redisUrl?: string | undefined;
  redisPrefix?: string;
  log?: (m: string) => void;
  /** Redis outage behaviour (redis-config.ts). */
  redisConfig?: Partial<RedisStoreConfig>;
}): RecordStore {
  if (!options.redisUrl) return new MemoryRecordStore();
  return new RedisRecordStore({
    url: options.redisUrl,
    ...(options.redisPrefix ? { prefix: options.redisPrefix } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.redisConfig ? { config: options.redisConfig } : {}),
  });
}
