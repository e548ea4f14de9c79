// Audience figures, the origin's side: the store the edges feed, the sampler that turns it into
// a series per channel, and the staff reports. The edges' side is edge/audience/.
import type { AudienceStore } from './audience-store.ts';
import { RedisAudienceStore } from './audience-store.ts';
import { MemoryAudience } from './memory-audience.ts';
import { DEFAULT_SAMPLE_MS, startSampler } from './sampler.ts';

export interface AudienceOptions {
  /** Where the edges write (REDIS_URL); unset: memory (an edge in the same process must share it). */
  redisUrl?: string;
  redisPrefix?: string;
  /** A store made by the caller (tests; `npm start` shares a MemoryAudience with its edge). */
  store?: AudienceStore;
  /** Sampling period of the concurrent-viewer series, ms; 0: no sampler (tests sample by hand). */
  sampleEveryMs?: number;
}

export function createAudience(options: AudienceOptions, now: () => number): AudienceStore {
  const store =
    options.store ??
    (options.redisUrl
      ? new RedisAudienceStore({
          url: options.redisUrl,
          ...(options.redisPrefix ? { prefix: options.redisPrefix } : {}),
        })
      : new MemoryAudience());
  const every = options.sampleEveryMs ?? DEFAULT_SAMPLE_MS;
  if (every > 0) startSampler(store, every, now);
  return store;
}

export { audienceStaffRoutes } from './routes.ts';
export { MemoryAudience } from './memory-audience.ts';
export { RedisAudienceStore } from './audience-store.ts';
export type { AudienceStore, AudienceSample } from './audience-store.ts';
export { sampleAllChannels } from './sampler.ts';
