// The one storage interface of the catalog and the back office. Two implementations:
// memory-record-store.ts (the embedded default, `npm start`) and redis-record-store.ts (the
// deployment, REDIS_URL). Records travel as JSON text, so both behave the same (copies, key
// order, no shared objects) and the same contract tests run against both.
import type { AuditEntry, Change, Collection, CollectionRecords } from './records.ts';

export interface RecordStore {
  /** `memory` or `redis`, for logs and health. */
  readonly kind: string;
  get<C extends Collection>(collection: C, id: string): Promise<CollectionRecords[C] | null>;
  list<C extends Collection>(collection: C): Promise<CollectionRecords[C][]>;
  /** Applies a Change atomically. Throws StoreConflictError or StoreUnavailableError. */
  commit(change: Change): Promise<void>;
  /** Newest first. */
  listAudit(offset: number, limit: number): Promise<{ entries: AuditEntry[]; total: number }>;
  getImage(key: string): Promise<Uint8Array | null>;
  /**
   * Seconds since the store last answered, while reads come from its last good copy (Redis
   * unreachable); undefined while they are live. Answers say it (X-Store-Stale).
   */
  staleSeconds(): number | undefined;
  /**
   * Resolves once the store has answered (Redis: connected, and its read copy taken, so an outage
   * right after still has something to serve); rejects after `timeoutMs`.
   */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The same record, written the same way by every store (and compared that way by `expect`). */
export function encodeRecord(value: unknown): string {
  return JSON.stringify(value);
}
