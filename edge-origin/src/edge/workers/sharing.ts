// Several edge workers (processes of `--workers N`) acting as one cache through a SharedBus.
//
// One fetcher per object, whatever starts the fetch: a viewer's miss, a background revalidation,
// the refresh-ahead of a live playlist or a segment prefetch. Every fill that would go upstream
// first runs an election keyed by the object (collapse/fill.ts asks `ctx.sharing`). The election
// is one atomic step on the bus (SharedBus.elect):
//  - a shared copy newer than what this worker has → take it, nobody goes upstream;
//  - else the object's lease is free → take it: this worker fetches, publishes the object, then
//    ends the lease;
//  - else another worker holds the lease → stream the object from that worker's private listener,
//    which joins its fetch: the bytes arrive as the origin sends them.
// The lease expires (and is renewed while the fetch runs), so a dead worker never blocks the
// others: its listener refuses connections at once and the loser goes upstream itself.
//
// The edge gets this through its EdgeDeps (`sharingOver`), built into its context at creation.
// Also: purges propagate over pub/sub. If the bus is down every worker simply acts alone: no
// request ever waits for the bus. If only part of it is (a Redis Cluster master lost, until its
// replica is promoted), the objects of the other parts are still elected and shared, and those of
// the lost part fetched by each worker alone. A purge made meanwhile is kept and done again on the bus once it
// is back (shared copies deleted, other workers told), and until then this worker takes no shared
// copy: otherwise a copy purged during the outage would come back from Redis (a year, for VOD).
import { currentAge, freshnessLifetime } from '../cache/freshness.ts';
import { deserializeEntry, serializeEntry } from '../cache/serialize.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { Election, PurgeRequest, Sharing, SharingHost } from '../context.ts';
import type { SharedBus } from './shared-bus.ts';

// An object's copy and its lease share a Redis Cluster hash slot: the election touches both in one
// script. The key goes in a hash tag (`{…}`); a path has no braces (URLs percent-encode them), and
// both keys hash the same text up to the first `}` anyway.
const OBJ = 'edge:obj:{';
const objKey = (key: string) => `${OBJ}${key}}`;
const lockKey = (key: string) => `edge:lock:{${key}}`;
const TAG = 'edge:tag:';
const PURGE = 'edge:purge';
/** A lease is renewed for at most this many lease periods (a stuck fill lets go eventually). */
const MAX_RENEWALS = 30;
/** Purges kept while the bus is down; past this many, everything shared is purged on its return. */
const MAX_PENDING_PURGES = 1000;

export interface SharingOptions {
  /** Unique per worker: the URL of its private listener (other workers stream from it). */
  workerId: string;
  /** Objects up to this size are shared through the bus. */
  maxSharedBytes: number;
  /** How long a lease lasts without renewal (a dead fetcher blocks nobody longer than this). */
  lockMs: number;
}

/** The sharing for an edge's EdgeDeps: createEdge gives it the edge it serves (SharingHost). */
export function sharingOver(bus: SharedBus, options: SharingOptions): (host: SharingHost) => Sharing {
  return (host) => createSharing(host, bus, options);
}

function createSharing(host: SharingHost, bus: SharedBus, options: SharingOptions): Sharing {
  /** Leases this worker holds → their renewal timers. */
  const leases = new Map<string, ReturnType<typeof setInterval>>();
  const freshLeft = (entry: CacheEntry) => freshnessLifetime(entry, host.config) - currentAge(entry, host.now());

  bus.subscribe(PURGE, (message) => {
    try {
      const { from, request } = JSON.parse(message) as { from: string; request: PurgeRequest };
      if (from !== options.workerId) host.purgeHere(request);
    } catch {
      // Not ours: ignore.
    }
  });

  /** Purges the bus missed (it was down); `everything`: too many to keep, drop every shared copy. */
  let missed: PurgeRequest[] = [];
  let everything = false;
  let replaying: Promise<void> | null = null;
  const caughtUp = () => missed.length === 0 && !everything && !replaying;

  function miss(request: PurgeRequest): void {
    if (missed.length >= MAX_PENDING_PURGES) everything = true;
    else missed.push(request);
  }

  async function onBus(request: PurgeRequest): Promise<void> {
    if ('url' in request) await bus.del([objKey(request.url)]);
    else if ('prefix' in request) await bus.del(await bus.keysWithPrefix(OBJ + request.prefix));
    else {
      for (const tag of 'tag' in request ? [request.tag] : request.surrogateKeys) {
        const keys = await bus.members(TAG + tag);
        await bus.del([...keys.map(objKey), TAG + tag]);
      }
    }
    await bus.publish(PURGE, JSON.stringify({ from: options.workerId, request }));
  }

  async function propagate(request: PurgeRequest): Promise<void> {
    if (!bus.ready) return miss(request);
    await onBus(request);
    // Redis went away during it: it may not have been done; doing it again is harmless.
    if (!bus.ready) miss(request);
  }

  bus.onReconnect(() => {
    replaying ??= (async () => {
      while ((missed.length > 0 || everything) && bus.ready) {
        const requests: PurgeRequest[] = everything ? [{ prefix: '' }] : missed;
        missed = [];
        everything = false;
        for (const request of requests) await propagate(request);
      }
    })().finally(() => {
      replaying = null;
    });
  });

  function hold(key: string): void {
    const until = Date.now() + MAX_RENEWALS * options.lockMs;
    const timer = setInterval(
      () => {
        // A fill that never ends would otherwise keep its object's lease for ever.
        if (Date.now() > until) return void clearInterval(timer);
        void bus.renew(lockKey(key), options.workerId, options.lockMs);
      },
      Math.max(10, options.lockMs / 2),
    );
    (timer as { unref?: () => void }).unref?.();
    leases.set(key, timer);
  }

  async function elect(key: string, newerThan: number, deadHolder?: string, retry = true): Promise<Election> {
    const reply = await bus.elect(objKey(key), lockKey(key), options.workerId, options.lockMs, newerThan, deadHolder);
    if (!reply) return { kind: 'fetch' };
    switch (reply.kind) {
      case 'object': {
        const entry = deserializeEntry(reply.bytes);
        if (entry && freshLeft(entry) > 0) return { kind: 'shared', entry };
        // Expired a moment ago (or unreadable): elect again, as if it were not there.
        return retry ? elect(key, entry?.responseTime ?? Number.MAX_VALUE, deadHolder, false) : { kind: 'fetch' };
      }
      case 'leader':
        hold(key);
        return { kind: 'leader' };
      case 'held':
        // Held by ourselves: an earlier fill of ours (purged meanwhile) has not ended its lease yet.
        if (reply.owner === options.workerId || !/^https?:\/\//.test(reply.owner)) return { kind: 'fetch' };
        return { kind: 'peer', url: reply.owner };
    }
  }

  return {
    get ready() {
      return bus.ready;
    },
    get serving() {
      return bus.serving;
    },

    elect: (key, newerThan, deadHolder) =>
      bus.serving && caughtUp() ? elect(key, newerThan, deadHolder) : Promise.resolve({ kind: 'fetch' }),

    publish(entry) {
      if (!bus.serving || entry.varyNames.length > 0 || entry.body.byteLength > options.maxSharedBytes) return;
      // A tagged copy needs its tag sets written (other slots, maybe the lost part): otherwise a
      // purge by tag would miss it. Kept here only, until the whole bus is back.
      if (!bus.ready && entry.tags.length > 0) return;
      // Kept in the bus while fresh only: a stale copy would only be revalidated again.
      const remaining = freshLeft(entry);
      if (remaining <= 0) return;
      const keepFor = remaining * 1000;
      void bus.putObject(objKey(entry.primaryKey), entry.responseTime, serializeEntry(entry), keepFor).then(() => {
        for (const tag of entry.tags) void bus.addToSet(TAG + tag, entry.primaryKey, Math.max(keepFor, 3_600_000));
      });
    },

    release(key) {
      // Only a fill that won its election gets here, after its object (if any) went to the bus
      // (same connection, so in that order): a worker electing next finds the object.
      const timer = leases.get(key);
      if (timer) clearInterval(timer);
      leases.delete(key);
      void bus.release(lockKey(key), options.workerId);
    },

    propagate(request) {
      void propagate(request);
    },
  };
}
