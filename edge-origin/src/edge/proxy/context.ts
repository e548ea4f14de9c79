// What every part of the request path shares: config, clock, store, upstream, metrics, policy.
import type { EdgeConfig } from '../config.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { MemoryStore } from '../cache/memory-store.ts';
import type { EdgeMetrics } from '../admin/metrics.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import type { Fill } from '../collapse/fill.ts';

/**
 * Content-aware adjustments to generic HTTP caching (the live-HLS rules live in hls/). Called when
 * a response is about to be stored or has been revalidated.
 */
export interface ContentPolicy {
  onStore(entry: CacheEntry): void;
  onRevalidated(entry: CacheEntry): void;
  /** True if the policy will give this response a lifetime even though its headers give none. */
  forcesLifetime(pathAndQuery: string, headers: Headers): boolean;
}

export interface EdgeContext {
  config: EdgeConfig;
  /** Clock in seconds (injectable so tests can age entries without sleeping). */
  now: () => number;
  store: MemoryStore;
  upstream: UpstreamClient;
  metrics: EdgeMetrics;
  policy: ContentPolicy;
  inflight: Map<string, Fill>;
  /** Seconds an entry is past its freshness lifetime (negative while fresh). */
  staleness(entry: CacheEntry): number;
  /** Background work close() waits for. */
  track(work: Promise<unknown>): void;
  log(line: Record<string, unknown>): void;
}
