// Several edge workers (processes, or machines) acting as one cache through a SharedBus:
//  - one fetcher per object: a worker missing an object first looks for it in the bus, then
//    claims its lock; only the winner goes upstream. The others fetch it from the winner's
//    private listener, which joins them to its fetch: the bytes stream through as they arrive
//    (and within each worker, concurrent viewers join that one local fetch);
//  - hot objects are shared: what one worker stores is published for the others (up to a size);
//  - purges propagate over pub/sub.
// If the bus is down every worker simply acts alone: no request ever waits for the bus.
import { currentAge, freshnessLifetime, staleAllowance } from '../cache/freshness.ts';
import { deserializeEntry, serializeEntry } from '../cache/serialize.ts';
import { purge, type PurgeRequest } from '../admin/purge.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { EdgeContext, Election } from '../proxy/context.ts';
import type { SharedBus } from './shared-bus.ts';

const OBJ = 'edge:obj:';
const LOCK = 'edge:lock:';
const TAG = 'edge:tag:';
const FILLED = 'edge:filled';
const PURGE = 'edge:purge';

export interface SharingOptions {
  /** Unique per worker: the URL of its private listener (other workers stream from it). */
  workerId: string;
  /** Objects up to this size are shared through the bus. */
  maxSharedBytes: number;
  /** How long a claim holds, and how long others wait for the holder, at most. */
  lockMs: number;
}

export function attachSharing(ctx: EdgeContext, bus: SharedBus, options: SharingOptions): void {
  const waiters = new Map<string, Set<() => void>>();
  const elections = new Map<string, Promise<Election>>();

  bus.subscribe(FILLED, (key) => {
    for (const wake of waiters.get(key) ?? []) wake();
  });
  bus.subscribe(PURGE, (message) => {
    try {
      const { from, request } = JSON.parse(message) as { from: string; request: PurgeRequest };
      if (from !== options.workerId) purge(ctx, request, { propagate: false });
    } catch {
      // Not ours: ignore.
    }
  });

  async function sharedEntry(key: string): Promise<CacheEntry | undefined> {
    const bytes = await bus.get(OBJ + key);
    const entry = bytes ? deserializeEntry(bytes) : undefined;
    if (!entry || currentAge(entry, ctx.now()) >= freshnessLifetime(entry, ctx.config)) return undefined;
    return entry;
  }

  function waitFilled(key: string, ms: number): { done: Promise<void>; cancel(): void } {
    let set = waiters.get(key);
    if (!set) waiters.set(key, (set = new Set()));
    let wake!: () => void;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
    set.add(wake);
    const cancel = () => {
      clearTimeout(timer);
      set!.delete(wake);
      if (set!.size === 0) waiters.delete(key);
    };
    void done.then(cancel);
    return { done, cancel };
  }

  ctx.sharingReady = () => bus.ready;
  ctx.elect = (key) => {
    if (!bus.ready) return Promise.resolve({ kind: 'fetch' });
    let election = elections.get(key);
    if (election) return election;
    election = (async (): Promise<Election> => {
      const shared = await sharedEntry(key);
      if (shared) return { kind: 'shared', entry: shared };
      const filled = waitFilled(key, options.lockMs); // listen before claiming: no lost wake-up
      if (await bus.claim(LOCK + key, options.workerId, options.lockMs)) {
        filled.cancel();
        return { kind: 'leader' };
      }
      // The holder's id is the URL of its private listener: stream from it as it receives.
      const holder = await bus.getText(LOCK + key);
      if (holder && holder !== options.workerId && /^http:\/\//.test(holder)) {
        filled.cancel();
        return { kind: 'peer', url: holder };
      }
      await filled.done;
      const entry = await sharedEntry(key);
      return entry ? { kind: 'shared', entry } : { kind: 'fetch' };
    })().finally(() => elections.delete(key));
    elections.set(key, election);
    return election;
  };

  ctx.onStored = (entry) => {
    if (!bus.ready || entry.varyNames.length > 0 || entry.body.byteLength > options.maxSharedBytes) return;
    const lifetime = freshnessLifetime(entry, ctx.config);
    const remaining = lifetime - currentAge(entry, ctx.now());
    if (remaining <= 0) return;
    const keepFor = remaining + staleAllowance(entry, 'stale-while-revalidate', ctx.config.staleWhileRevalidateSeconds);
    const bytes = serializeEntry(entry);
    void bus.set(OBJ + entry.primaryKey, bytes, keepFor * 1000).then(() => {
      for (const tag of entry.tags) void bus.addToSet(TAG + tag, entry.primaryKey, Math.max(keepFor, 3600) * 1000);
    });
  };

  ctx.onFillFinished = (key) => {
    // Only the elected fill gets here. After the object (if any) is in the bus: waiters read it
    // as soon as they wake.
    void (async () => {
      await bus.del([LOCK + key]);
      await bus.publish(FILLED, key);
    })();
  };

  ctx.onPurge = (request) => {
    void (async () => {
      if ('url' in request) await bus.del([OBJ + request.url]);
      else if ('prefix' in request) await bus.del(await bus.keysWithPrefix(OBJ + request.prefix));
      else {
        for (const tag of 'tag' in request ? [request.tag] : request.surrogateKeys) {
          const keys = await bus.members(TAG + tag);
          await bus.del([...keys.map((k) => OBJ + k), TAG + tag]);
        }
      }
      await bus.publish(PURGE, JSON.stringify({ from: options.workerId, request }));
    })();
  };
}
