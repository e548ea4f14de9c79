// What several edge workers share to act as one cache: a key-value store with expiry, a lock, and
// pub/sub. Redis in production (node/redis-bus.ts); the core depends only on this interface.
// Every method degrades instead of failing: when the bus is down, workers act alone.
export interface SharedBus {
  /** False while the bus is unreachable (operations then return empty results at once). */
  readonly ready: boolean;
  get(key: string): Promise<Uint8Array | null>;
  getText(key: string): Promise<string | null>;
  set(key: string, value: Uint8Array, ttlMs: number): Promise<void>;
  /** Takes `key` for `owner` if nobody holds it (SET NX PX). False when taken or when down. */
  claim(key: string, owner: string, ttlMs: number): Promise<boolean>;
  del(keys: string[]): Promise<void>;
  addToSet(set: string, member: string, ttlMs: number): Promise<void>;
  members(set: string): Promise<string[]>;
  /** Keys starting with `prefix` (an incremental scan). */
  keysWithPrefix(prefix: string): Promise<string[]>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): void;
  close(): Promise<void>;
}
