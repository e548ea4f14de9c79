// RecordStore in this process's memory: the embedded default. Same semantics as Redis
// (JSON text per record, atomic Change with expectations), nothing survives a restart.
import type { RecordStore } from './record-store.ts';
import { encodeRecord } from './record-store.ts';
import { StoreConflictError } from './records.ts';
import type { AuditEntry, Change, Collection, CollectionRecords } from './records.ts';

/** The audit log keeps this many entries (oldest dropped), like the Redis LTRIM. */
export const AUDIT_LIMIT = 10_000;

export class MemoryRecordStore implements RecordStore {
  readonly kind = 'memory';
  readonly #collections = new Map<Collection, Map<string, string>>();
  readonly #audit: string[] = [];
  readonly #images = new Map<string, Uint8Array>();

  async get<C extends Collection>(collection: C, id: string): Promise<CollectionRecords[C] | null> {
    const text = this.#collections.get(collection)?.get(id);
    return text === undefined ? null : (JSON.parse(text) as CollectionRecords[C]);
  }

  async list<C extends Collection>(collection: C): Promise<CollectionRecords[C][]> {
    return [...(this.#collections.get(collection)?.values() ?? [])].map((t) => JSON.parse(t) as CollectionRecords[C]);
  }

  async commit(change: Change): Promise<void> {
    // Check everything before touching anything: all or nothing, as MULTI/Lua does in Redis.
    for (const e of change.expect ?? []) {
      const current = this.#collections.get(e.collection)?.get(e.id);
      const wanted = e.value === null ? undefined : encodeRecord(e.value);
      if (current !== wanted) throw new StoreConflictError(e.collection, e.id);
    }
    for (const p of change.put ?? []) {
      let records = this.#collections.get(p.collection);
      if (!records) this.#collections.set(p.collection, (records = new Map()));
      records.set(p.id, encodeRecord(p.value));
    }
    for (const r of change.remove ?? []) this.#collections.get(r.collection)?.delete(r.id);
    for (const image of change.images ?? []) this.#images.set(image.key, new Uint8Array(image.bytes));
    if (change.audit) {
      this.#audit.unshift(encodeRecord(change.audit));
      this.#audit.length = Math.min(this.#audit.length, AUDIT_LIMIT);
    }
  }

  async listAudit(offset: number, limit: number): Promise<{ entries: AuditEntry[]; total: number }> {
    return {
      entries: this.#audit.slice(offset, offset + limit).map((t) => JSON.parse(t) as AuditEntry),
      total: this.#audit.length,
    };
  }

  async getImage(key: string): Promise<Uint8Array | null> {
    const bytes = this.#images.get(key);
    return bytes ? new Uint8Array(bytes) : null;
  }

  staleSeconds(): undefined {
    return undefined;
  }

  async ready(): Promise<void> {}
  async close(): Promise<void> {}
}
