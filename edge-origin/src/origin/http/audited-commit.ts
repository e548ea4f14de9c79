// Every staff write, whichever capability owns it (staff/, ads/), is stored together with its
// audit entry in ONE atomic commit whose expectations say which records it read: if one changed
// meanwhile, nothing is stored and the caller gets a 409 to reload and retry, never a lost update.
import type { RecordStore } from '../store/record-store.ts';
import { StoreConflictError } from '../store/records.ts';
import type { AuditEntry, Change } from '../store/records.ts';
import { StaffError } from './api-errors.ts';

export async function commitAudited(store: RecordStore, change: Change, audit: AuditEntry): Promise<void> {
  try {
    await store.commit({ ...change, audit });
  } catch (error) {
    if (error instanceof StoreConflictError)
      throw new StaffError(409, 'conflict', 'Modifié en même temps par quelqu’un d’autre : rechargez et recommencez');
    throw error;
  }
}
