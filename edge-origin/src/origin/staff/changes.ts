// The store Changes a staff write is made of, named by what they say. Each `expect` holds the
// record as the write read it (null: absent), so a write computed from a stale read is refused
// (StoreConflictError → 409) rather than undoing someone else's.
import type { Change, Collection, CollectionRecords } from '../store/records.ts';

type Stored<C extends Collection> = CollectionRecords[C];

/** `after` replaces the record read as `before` (null: it did not exist). */
export function replaced<C extends Collection>(
  collection: C,
  id: string,
  before: Stored<C> | null,
  after: Stored<C>,
): Change {
  return { expect: [{ collection, id, value: before }], put: [{ collection, id, value: after }] };
}

/** A new record: refused if one with this id appeared meanwhile. */
export function created<C extends Collection>(collection: C, id: string, value: Stored<C>): Change {
  return replaced(collection, id, null, value);
}

/** The record read as `before` is deleted. */
export function removed<C extends Collection>(collection: C, id: string, before: Stored<C>): Change {
  return { expect: [{ collection, id, value: before }], remove: [{ collection, id }] };
}

/** Not written, but what the write was computed from: it must still be as read. */
export function unchanged<C extends Collection>(collection: C, id: string, value: Stored<C>): Change {
  return { expect: [{ collection, id, value }] };
}

/** Several changes as one atomic commit, in order. */
export function together(...changes: Change[]): Change {
  const all: Change = {};
  for (const change of changes) {
    if (change.expect) all.expect = [...(all.expect ?? []), ...change.expect];
    if (change.put) all.put = [...(all.put ?? []), ...change.put];
    if (change.remove) all.remove = [...(all.remove ?? []), ...change.remove];
    if (change.images) all.images = [...(all.images ?? []), ...change.images];
  }
  return all;
}
