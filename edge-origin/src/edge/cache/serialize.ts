// A stored entry as bytes (for the disk tier and for sharing between workers through Redis):
// the metadata as JSON, then the body. Everything derived is recomputed on the way back.
import { makeEntry, type CacheEntry } from './entry.ts';
import type { PlaylistFacts } from '../hls/playlist.ts';

export interface EntryMeta {
  primaryKey: string;
  storageKey: string;
  status: number;
  headers: [string, string][];
  requestTime: number;
  responseTime: number;
  ageValue: number;
  lifetimeOverride?: number;
  playlist?: PlaylistFacts;
  negative?: boolean;
  /** The targeted cache-control fields the entry is read with (RFC 9213); absent: the default. */
  targets?: string[];
  bodyBytes: number;
}

export function entryMeta(entry: CacheEntry): EntryMeta {
  return {
    primaryKey: entry.primaryKey,
    storageKey: entry.storageKey,
    status: entry.status,
    headers: [...entry.headers],
    requestTime: entry.requestTime,
    responseTime: entry.responseTime,
    ageValue: entry.ageValue,
    lifetimeOverride: entry.lifetimeOverride,
    playlist: entry.playlist,
    negative: entry.negative,
    targets: [...entry.targets],
    bodyBytes: entry.body.byteLength,
  };
}

export function entryFromMeta(meta: EntryMeta, body: Uint8Array): CacheEntry {
  const entry = makeEntry({
    primaryKey: meta.primaryKey,
    storageKey: meta.storageKey,
    status: meta.status,
    headers: new Headers(meta.headers),
    body,
    requestTime: meta.requestTime,
    responseTime: meta.responseTime,
    targets: meta.targets,
  });
  entry.ageValue = meta.ageValue;
  if (meta.lifetimeOverride !== undefined) entry.lifetimeOverride = meta.lifetimeOverride;
  if (meta.playlist) entry.playlist = meta.playlist;
  if (meta.negative) entry.negative = true;
  return entry;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** [4-byte big-endian meta length][meta JSON][body] */
export function serializeEntry(entry: CacheEntry): Uint8Array {
  const meta = encoder.encode(JSON.stringify(entryMeta(entry)));
  const out = new Uint8Array(4 + meta.byteLength + entry.body.byteLength);
  new DataView(out.buffer).setUint32(0, meta.byteLength);
  out.set(meta, 4);
  out.set(entry.body, 4 + meta.byteLength);
  return out;
}

export function deserializeEntry(bytes: Uint8Array): CacheEntry | undefined {
  try {
    if (bytes.byteLength < 4) return undefined;
    const metaLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
    const meta = JSON.parse(decoder.decode(bytes.subarray(4, 4 + metaLength))) as EntryMeta;
    const body = bytes.slice(4 + metaLength);
    if (body.byteLength !== meta.bodyBytes) return undefined; // truncated
    return entryFromMeta(meta, body);
  } catch {
    return undefined;
  }
}
