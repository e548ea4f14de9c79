// What the parts of the edge share, as types: the context every request, fill and purge reads
// (built whole, once, by app.ts createEdge from its EdgeDeps), and the two seams a deployment plugs
// in there: the content policy (live HLS: hls/policy.ts) and the workers' sharing
// (workers/sharing.ts). A leaf: it imports types from the modules it names and none of them
// imports it back, so the request path, the fills, the tiers and the purge API can all depend on
// it without depending on each other.
import type { EdgeConfig } from './config.ts';
import type { CacheEntry } from './cache/entry.ts';
import type { MemoryStore } from './cache/memory-store.ts';
import type { DiskTier } from './cache/disk-tier.ts';
import type { EdgeMetrics } from './admin/metrics.ts';
import type { UpstreamClient } from './upstream/upstream-client.ts';
import type { BeaconCollector } from './beacons/collector.ts';
import type { AudienceObserver } from './audience/observer.ts';
import type { Fill } from './collapse/in-flight.ts';
import type { PlaylistFacts } from './hls/playlist.ts';

export interface EdgeContext {
  readonly config: EdgeConfig;
  /** Clock in seconds (injectable so tests can age entries without sleeping). */
  readonly now: () => number;
  readonly store: MemoryStore;
  /** The disk tier, when configured. */
  readonly disk: DiskTier | undefined;
  readonly upstream: UpstreamClient;
  readonly metrics: EdgeMetrics;
  readonly policy: ContentPolicy;
  /** Several workers acting as one cache; undefined: this edge works alone. */
  readonly sharing: Sharing | undefined;
  /** Counts viewers from their playlist requests (audience/); undefined: not counted. */
  readonly audience: AudienceObserver | undefined;
  /** Beacons answered here and sent on in batches (beacons/); undefined: none configured. */
  readonly beacons: BeaconCollector | undefined;
  /** Primary key → the one upstream fetch in progress for it (collapse/). */
  readonly inflight: Map<string, Fill>;
  /** Tag → when it was purged: fills that started before must not store objects with that tag. */
  readonly purgedTags: Map<string, number>;
  /** Marks requests that come from another worker of this edge (they never elect again). */
  readonly peerSecret: string;
  /** Seconds an entry is past its freshness lifetime (negative while fresh). */
  staleness(entry: CacheEntry): number;
  /** Background work close() waits for. */
  track(work: Promise<unknown>): void;
  log(line: Record<string, unknown>): void;
}

/** What a content policy is given to decide with: it reads no store and starts no fetch. */
export interface PolicyHost {
  readonly config: EdgeConfig;
  readonly now: () => number;
}

/**
 * Content-aware rules on top of generic HTTP caching, as Varnish's VCL is to its core: the policy
 * only decides (lifetimes, what to fetch ahead, how long to hold a new version back) and the
 * cache and collapse code carries the decisions out. The live-HLS rules are hls/policy.ts.
 */
export interface ContentPolicy {
  /** A viewer's GET/HEAD for this primary key arrived (tells which renditions are watched). */
  onRequest(key: string): void;
  /** A response is about to be stored: what to make of it. */
  decideStore(entry: CacheEntry): StoreDecision;
  /** A stored response was refreshed by a 304: its lifetime now (undefined: the headers'/as before). */
  lifetimeAfterRevalidation(entry: CacheEntry): number | undefined;
  /** True if the policy will give this response a lifetime although its headers give none. */
  forcesLifetime(pathAndQuery: string, status: number, headers: Headers): boolean;
  /** stale-while-revalidate to apply when the response gives none (undefined: the config's). */
  staleWhileRevalidate(entry: CacheEntry): number | undefined;
  /** The age (seconds) from which a hit refreshes this entry in the background, before it
   * expires; Infinity: never. A bound rather than a yes/no, so the native front door
   * (node/native-front.ts) can be told when without asking per request. */
  refreshAheadFrom(entry: CacheEntry, lifetime: number): number;
  /** Seconds the upstream may hold this request by design before it answers, on top of the
   * first-byte timeout (a blocking playlist reload: three target durations); 0 for anything else. */
  upstreamHoldSeconds(key: string): number;
  /**
   * The key of a stored response that answers a request for `key` as well (a blocking playlist
   * reload for a part a newer playlist of the same rendition already holds), or undefined. Only
   * a pointer: the stored entry found there must still pass `answers`.
   */
  answeredBy(key: string): string | undefined;
  /** Does this stored entry (found under another key) answer a request for `key`? */
  answers(entry: CacheEntry, key: string): boolean;
}

/** A content policy's word on a response about to be stored (collapse/apply-decision.ts carries it out). */
export interface StoreDecision {
  /** Freshness lifetime in seconds, instead of the one the headers give. */
  readonly lifetime?: number;
  /** A remembered 404 for an object that may soon exist (answered as NEGATIVE). */
  readonly negative?: boolean;
  /** What the policy read in a playlist body, kept with the entry. */
  readonly playlist?: PlaylistFacts;
  /** Primary keys this response shows to exist: a remembered 404 for any of them must go. */
  readonly published?: readonly string[];
  /** Primary keys (also their paths) to fetch before viewers ask for them. */
  readonly prefetch?: readonly string[];
  /** Store (so serve) this response only once those prefetches are stored, waiting at most this
   * many seconds; the mechanism never waits past what the version it replaces may be served for. */
  readonly gateSeconds?: number;
}

/** What the purge API accepts (admin/purge.ts validates it). */
export type PurgeRequest = { url: string } | { prefix: string } | { tag: string } | { surrogateKeys: string[] };

/** Outcome of a multi-worker election for a missing object. */
export type Election =
  | { kind: 'leader' } // this worker fetches it
  | { kind: 'shared'; entry: CacheEntry } // another worker has it: here it is
  | { kind: 'peer'; url: string } // another worker is fetching it: stream it from that worker
  | { kind: 'fetch' }; // no coordination possible (bus down, holder gave up): fetch alone

/** What the workers' sharing is given by the edge it serves. */
export interface SharingHost {
  readonly config: EdgeConfig;
  readonly now: () => number;
  /** Applies, on this edge only, a purge another worker received. */
  purgeHere(request: PurgeRequest): void;
}

/** Several workers acting as one cache (workers/sharing.ts). */
export interface Sharing {
  /** Is all of the shared bus reachable (health reporting)? */
  readonly ready: boolean;
  /** Is some of it (a cluster missing a master: the other masters' objects are still shared)? */
  readonly serving: boolean;
  /**
   * Who fetches this object. Every fill that would go upstream asks first; `newerThan` is the
   * version (responseTime) of the copy this worker already has (-1: none), so a refresh never
   * takes back the same copy. `deadHolder`: the holder this worker was sent to did not answer;
   * if it still holds the lease, this worker takes it over (one sibling fetches in its place).
   */
  elect(key: string, newerThan: number, deadHolder?: string): Promise<Election>;
  /** An object this worker fetched from the origin was stored or refreshed: offer it to the others. */
  publish(entry: CacheEntry): void;
  /** A fill that won its election ended, stored or not: the object's lease goes. */
  release(key: string): void;
  /** A purge this edge received: the shared copies go, and the other workers are told. */
  propagate(request: PurgeRequest): void;
}
