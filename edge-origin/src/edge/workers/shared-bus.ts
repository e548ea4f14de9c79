// What several edge workers share to act as one cache: versioned objects with expiry, a leased
// lock per object, and pub/sub. Redis in production (node/redis-bus.ts); the core depends only on
// this interface. Every method degrades instead of failing: when the bus is down, workers act alone.

/** What one atomic election step found (see SharedBus.elect). */
export type ElectionReply =
  | { kind: 'object'; bytes: Uint8Array } // a shared copy newer than the caller's
  | { kind: 'leader' } // the caller now holds the object's lease: it fetches
  | { kind: 'held'; owner: string }; // another worker holds the lease: its id (a URL)

/** A member's live report in a hash of reports (see SharedBus.report). */
export interface BusReport {
  member: string;
  value: string;
  /** Milliseconds since it was written, on the bus's clock. */
  ageMs: number;
  /** How long its writer wanted it kept. */
  ttlMs: number;
}

export interface SharedBus {
  /**
   * False while any part of the bus is unreachable (a Redis Cluster missing a master): what spans
   * the whole bus (purges, scans, tag sets) then returns empty results at once.
   */
  readonly ready: boolean;
  /**
   * True while some of the bus answers (a cluster missing a master still serves the others'
   * slots): one object's operations (elect, renew, release, putObject, report) are tried, and
   * those of a lost part fail alone (null / nothing) at once.
   */
  readonly serving: boolean;
  /** Calls `listener` each time the bus is reachable again after an outage. */
  onReconnect(listener: () => void): void;
  /**
   * In ONE atomic step: the shared copy of `object` if its version is greater than `newerThan`;
   * otherwise the lease `lock` taken for `owner` for `leaseMs` (also when it is held by
   * `deadHolder`, a holder that stopped answering); otherwise the lease's holder.
   * Atomic, so no worker can slip between "nobody has it" and "I take the lease".
   * Null when the bus is down.
   */
  elect(
    object: string,
    lock: string,
    owner: string,
    leaseMs: number,
    newerThan: number,
    deadHolder?: string,
  ): Promise<ElectionReply | null>;
  /** Extends the lease while `owner` still holds it (a long fetch keeps its lease). */
  renew(lock: string, owner: string, leaseMs: number): Promise<void>;
  /** Ends the lease if `owner` still holds it (an expired lease may belong to another by now). */
  release(lock: string, owner: string): Promise<void>;
  /** Stores a shared copy with its version (greater = fetched later). */
  putObject(object: string, version: number, bytes: Uint8Array, ttlMs: number): Promise<void>;
  del(keys: string[]): Promise<void>;
  addToSet(set: string, member: string, ttlMs: number): Promise<void>;
  members(set: string): Promise<string[]>;
  /** Keys starting with `prefix` (an incremental scan). */
  keysWithPrefix(prefix: string): Promise<string[]>;
  /**
   * In ONE step: writes `value` as `member`'s report in the hash `key`, stamped by the bus's own
   * clock and kept `ttlMs`, drops the reports past their time, and returns the live ones (this one
   * included) with their ages on that one clock, so the hosts' clocks need not agree.
   * Null when the bus is down.
   */
  report(key: string, member: string, value: string, ttlMs: number): Promise<BusReport[] | null>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): void;
  close(): Promise<void>;
}
