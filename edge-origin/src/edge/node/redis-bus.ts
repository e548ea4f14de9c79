// SharedBus on Redis with node-redis. Commands are never queued while Redis is down (the edge
// must not wait for it): they return empty results, the edge carries on alone, logs the outage
// once, and picks sharing up again when the client has reconnected.
import { createClient, RESP_TYPES } from 'redis';
import type { SharedBus } from '../workers/shared-bus.ts';

// Objects are hashes {v: version, e: serialized entry}; locks are strings holding their owner.
/** The election in one step (KEYS: object, lock; ARGV: owner, lease ms, newer-than version). */
const ELECT = `
local v = redis.call('HGET', KEYS[1], 'v')
if v and tonumber(v) > tonumber(ARGV[3]) then return {'object', redis.call('HGET', KEYS[1], 'e')} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'leader'} end
return {'held', redis.call('GET', KEYS[2])}
`;
/** Lease operations only by its owner: an expired lease may have been taken by another since. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Never replaces a newer copy with an older one (a slow writer finishing late). */
const PUT = `
local v = redis.call('HGET', KEYS[1], 'v')
if v and tonumber(v) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;
const lease = (ms: number) => Math.max(1, Math.round(ms));

export function redisBus(url: string, log: (line: Record<string, unknown>) => void): SharedBus {
  const options = {
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 3000),
    },
  };
  const client = createClient(options);
  const subscriber = createClient(options);
  const binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  let down = false;
  const onError = (error: Error) => {
    if (down) return; // once per outage
    down = true;
    log({ level: 'warn', msg: 'redis unreachable: workers share nothing until it is back', url, error: error.message });
  };
  client.on('error', onError);
  subscriber.on('error', onError);
  const reconnected: (() => void)[] = [];
  client.on('ready', () => {
    if (!down) return;
    log({ level: 'info', msg: 'redis reachable again: sharing resumed', url });
    down = false;
    for (const listener of reconnected) listener();
  });
  const subscriptions: [string, (m: string) => void][] = [];
  // Not awaited: the edge starts (and serves) whether Redis is up or not.
  void client.connect().catch(onError);
  void subscriber
    .connect()
    .then(async () => {
      for (const [channel, handler] of subscriptions) await subscriber.subscribe(channel, handler);
    })
    .catch(onError);

  const safely = async <T>(fallback: T, op: () => Promise<T>): Promise<T> => {
    if (!client.isReady) return fallback;
    try {
      return await op();
    } catch (error) {
      onError(error as Error);
      return fallback;
    }
  };

  return {
    get ready() {
      return client.isReady;
    },
    onReconnect(listener) {
      reconnected.push(listener);
    },
    elect: (object, lock, owner, leaseMs, newerThan) =>
      safely(null, async () => {
        const reply = (await binary.eval(ELECT, {
          keys: [object, lock],
          arguments: [owner, String(lease(leaseMs)), String(newerThan)],
        })) as Buffer[];
        const [kindBytes, payload] = reply;
        const kind = kindBytes?.toString();
        if (kind === 'object' && payload)
          return {
            kind: 'object' as const,
            bytes: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
          };
        if (kind === 'leader') return { kind: 'leader' as const };
        return { kind: 'held' as const, owner: reply[1]?.toString() ?? '' };
      }),
    renew: (lock, owner, leaseMs) =>
      safely(
        undefined,
        async () => void (await client.eval(RENEW, { keys: [lock], arguments: [owner, String(lease(leaseMs))] })),
      ),
    release: (lock, owner) =>
      safely(undefined, async () => void (await client.eval(RELEASE, { keys: [lock], arguments: [owner] }))),
    putObject: (object, version, bytes, ttlMs) =>
      safely(undefined, async () => {
        await client.eval(PUT, {
          keys: [object],
          arguments: [
            String(version),
            Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
            String(lease(ttlMs)),
          ],
        });
      }),
    del: (keys) => safely(undefined, async () => void (keys.length && (await client.del(keys)))),
    addToSet: (set, member, ttlMs) =>
      safely(undefined, async () => {
        await client.sAdd(set, member);
        await client.pExpire(set, Math.max(1, Math.round(ttlMs)));
      }),
    members: (set) => safely([] as string[], () => client.sMembers(set)),
    keysWithPrefix: (prefix) =>
      safely([] as string[], async () => {
        const found: string[] = [];
        const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
        for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 500 })) found.push(...keys);
        return found;
      }),
    publish: (channel, message) => safely(undefined, async () => void (await client.publish(channel, message))),
    subscribe(channel, onMessage) {
      subscriptions.push([channel, onMessage]);
      if (subscriber.isReady) void subscriber.subscribe(channel, onMessage).catch(onError);
    },
    async close() {
      await Promise.allSettled([client.close(), subscriber.close()]);
    },
  };
}
