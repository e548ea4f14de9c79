// A fetch in progress, as everything around it sees it: the viewers who join it (proxy/handler.ts,
// node/fast-join.ts), the background work that drains it (background.ts), the purge that discards
// it (admin/purge.ts). Types only, so the edge's context (context.ts) can name the registry of
// fills without importing the code that runs them (fill.ts).
import type { CacheEntry } from '../cache/entry.ts';
import type { UpstreamError } from '../upstream/upstream-client.ts';
import type { SharedBody } from './shared-body.ts';

export type FillOutcome =
  | {
      kind: 'response';
      status: number;
      headers: Headers;
      requestTime: number;
      responseTime: number;
      ageValue: number;
      body: SharedBody | null;
      /** Whether participants other than the leader may use this response. */
      shareable: boolean;
    }
  | { kind: 'revalidated'; entry: CacheEntry }
  /** Another worker had a fresh copy (multi-worker election): stored here, nothing fetched. */
  | { kind: 'shared'; entry: CacheEntry }
  /** Upstream failed (network or 5xx) and the stale entry may be served instead (RFC 5861). */
  | { kind: 'stale-on-error'; entry: CacheEntry; reason: string }
  | { kind: 'error'; error: UpstreamError };

export interface Fill {
  readonly key: string;
  readonly outcome: Promise<FillOutcome>;
  /** Request headers of the leader: waiters must match them on the fields the response varies on. */
  readonly leaderHeaders: Headers;
  /** Clients attached (leader included). */
  participants: number;
  /** Purged while in flight: serve the participants, store nothing. */
  discarded: boolean;
  /** Settles when the fill is over: its object stored (or given up), no longer joinable. */
  readonly done: Promise<void>;
  /** The outcome once known, for runtime adapters that decide synchronously (node/fast-join.ts). */
  settled?: FillOutcome;
  /** Seconds the upstream took to answer (headers), once it has: the access log's upstream time. */
  upstreamSeconds?: number;
}
