// The last good copy of the records, what the Redis store answers reads from while Redis is
// unreachable: a Redis blip must not blank the TVs' home, even for records this process never
// read. Records stay the JSON text Redis holds, so a read from the copy is the same as a read
// from Redis. It only mirrors: the store decides when to fill it and when to answer from it.
import { encodeRecord } from './record-store.ts';
import type { Change, Collection } from './records.ts';

interface CollectionCopy {
  /** Read whole (HGETALL) at least once: an id it lacks does not exist. */
  complete: boolean;
  texts: Map<string, string>;
}

export class ReadModel {
  readonly #collections = new Map<Collection, CollectionCopy>();

  /** A whole collection as just read. */
  replace(collection: Collection, texts: Map<string, string>): void {
    this.#collections.set(collection, { complete: true, texts });
  }

  /** One record as just read (null: absent). */
  put(collection: Collection, id: string, text: string | null): void {
    let copy = this.#collections.get(collection);
    if (!copy) this.#collections.set(collection, (copy = { complete: false, texts: new Map() }));
    if (text === null) copy.texts.delete(id);
    else copy.texts.set(id, text);
  }

  /** A Change Redis just committed. */
  apply(change: Change): void {
    for (const p of change.put ?? []) this.put(p.collection, p.id, encodeRecord(p.value));
    for (const r of change.remove ?? []) this.put(r.collection, r.id, null);
  }

  /** The record's text, null when known to be absent, undefined when the copy cannot tell. */
  get(collection: Collection, id: string): string | null | undefined {
    const copy = this.#collections.get(collection);
    const text = copy?.texts.get(id);
    if (text !== undefined) return text;
    return copy?.complete ? null : undefined;
  }

  /** Every record's text, or undefined when the collection was never read whole. */
  list(collection: Collection): string[] | undefined {
    const copy = this.#collections.get(collection);
    return copy?.complete ? [...copy.texts.values()] : undefined;
  }
}
