// SharedBus on Redis with node-redis. Commands are never queued while Redis is down (the edge
// must not wait for it): they return empty results, the edge carries on alone, logs the outage
// once, and picks sharing up again when the client has reconnected.
import { createClient, RESP_TYPES } from 'redis';
import type { SharedBus } from '../workers/shared-bus.ts';

export function redisBus(url: string, log: (line: Record<string, unknown>) => void): SharedBus {
  const options = {
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 3000) },
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
  client.on('ready', () => {
    if (down) log({ level: 'info', msg: 'redis reachable again: sharing resumed', url });
    down = false;
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
    get: (key) => safely(null, async () => {
      const value = await binary.get(key);
      return value ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : null;
    }),
    getText: (key) => safely(null, () => client.get(key)),
    set: (key, value, ttlMs) => safely(undefined, async () => void (await client.set(key, Buffer.from(value.buffer, value.byteOffset, value.byteLength), { PX: Math.max(1, Math.round(ttlMs)) }))),
    claim: (key, owner, ttlMs) => safely(false, async () => (await client.set(key, owner, { NX: true, PX: Math.max(1, Math.round(ttlMs)) })) === 'OK'),
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
        const pattern = prefix.replace(/[*?[\]\\]/g, '\\$&') + '*';
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
