// Stream keys: one secret per channel that an encoder must present (RTMP: the stream name;
// SRT: the passphrase, which libsrt checks with its own key exchange and never sends). Stored in
// the back office's store (so every origin and a restart agree), shown to admins only, rotated
// by them, never logged. Web Crypto only: the staff API that shows them runs anywhere.
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import type { RecordStore } from '../store/record-store.ts';
import { StoreConflictError } from '../store/records.ts';
import type { AuditEntry } from '../store/records.ts';
import { byteAt } from '../../../../shared/lang/byte-at.ts';

const recordId = (channel: ChannelId) => `ingest-key:${channel}`;

/** 24 random bytes, base64url: 32 characters, inside SRT's 10–79 and safe in any URL. */
export function newStreamKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/** The channel's key, made on first use. */
export async function streamKey(store: RecordStore, channel: ChannelId): Promise<string> {
  for (;;) {
    const stored = await store.get('meta', recordId(channel));
    if (stored) return stored.value;
    const key = newStreamKey();
    try {
      await store.commit({
        expect: [{ collection: 'meta', id: recordId(channel), value: null }],
        put: [{ collection: 'meta', id: recordId(channel), value: { value: key } }],
      });
      return key;
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error; // another origin made it first: read theirs
    }
  }
}

/** A new key for the channel; the old one stops working for the next connection. */
export async function rotateStreamKey(store: RecordStore, channel: ChannelId, audit: AuditEntry): Promise<string> {
  const key = newStreamKey();
  await store.commit({ put: [{ collection: 'meta', id: recordId(channel), value: { value: key } }], audit });
  return key;
}

/** Compares a presented key with the channel's in constant time (digests of equal length). */
export async function sameKey(presented: string, expected: string): Promise<boolean> {
  const digest = async (s: string) =>
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));
  const [a, b] = await Promise.all([digest(presented), digest(expected)]);
  let diff = 0;
  for (const [i, byte] of a.entries()) diff |= byte ^ byteAt(b, i);
  return diff === 0;
}
