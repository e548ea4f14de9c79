// What every part of the request path shares: config, clock, store, upstream, metrics, policy.
import type { EdgeConfig } from '../config.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { MemoryStore } from '../cache/memory-store.ts';
import type { DiskTier } from '../cache/disk-tier.ts';
import type { EdgeMetrics } from '../admin/metrics.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import type { Fill } from '../collapse/fill.ts';

/**
 * Content-aware adjustments to generic HTTP caching (the live-HLS rules live in hls/policy.ts).
 */
export interface ContentPolicy {
  /** A GET/HEAD for this primary key arrived (used to know which renditions are watched). */
  onRequest(key: string): void;
  /**
   * A response is about to be stored: may set lifetimeOverride, playlist facts, prefetch. A promise
   * returned: store it (and so serve it) only once that settles, the previous version meanwhile
   * (the live-HLS policy waits, within a bound, for the segments a refreshed playlist adds).
   */
  onStore(entry: CacheEntry): Promise<void> | void;
  /** A stored response was refreshed by a 304. */
  onRevalidated(entry: CacheEntry): void;
  /** True if the policy will give this response a lifetime although its headers give none. */
  forcesLifetime(pathAndQuery: string, status: number, headers: Headers): boolean;
  /** stale-while-revalidate to apply when the response gives none (undefined: the config's). */
  staleWhileRevalidate(entry: CacheEntry): number | undefined;
  /** On a hit: refresh this entry in the background now, before it expires? */
  refreshAhead(entry: CacheEntry, age: number, lifetime: number): boolean;
}

/** Outcome of a multi-worker election for a missing object. */
export type Election =
  | { kind: 'leader' } // this worker fetches it
  | { kind: 'shared'; entry: CacheEntry } // another worker has it: here it is
  | { kind: 'peer'; url: string } // another worker is fetching it: stream it from that worker
  | { kind: 'fetch' }; // no coordination possible (bus down, holder gave up): fetch alone

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
  /** The disk tier, when configured. */
  disk?: DiskTier;
  /** Called after an entry fetched from the origin is stored or refreshed (the multi-worker layer
   * shares it from here; copies taken from other workers are not shared again). */
  onStored?: (entry: CacheEntry) => void;
  /** Tag → when it was purged: fills that started before must not store objects with that tag. */
  purgedTags: Map<string, number>;
  /** Called after a purge received by this edge (the multi-worker layer propagates it). */
  onPurge?: (request: import('../admin/purge.ts').PurgeRequest) => void;
  /**
   * Multi-worker: decides who fetches an object (see workers/sharing.ts). Every fill that would
   * go upstream asks first; `newerThan` is the version (responseTime) of the copy this worker
   * already has (-1: none), so a refresh never takes back the same copy.
   */
  elect?: (key: string, newerThan: number) => Promise<Election>;
  /** Marks requests that come from another worker of this edge (they never elect again). */
  peerSecret: string;
  /** Multi-worker: is the shared bus reachable (health reporting)? */
  sharingReady?: () => boolean;
  /** Called when a fill ends, stored or not. */
  onFillFinished?: (key: string) => void;
}
