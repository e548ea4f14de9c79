// SharedBus on Redis with node-redis: one Redis (a URL) or a Redis Cluster (its nodes). Commands
// are never queued while Redis is down (the edge must not wait for it): they return empty
// results, the edge carries on alone, logs the outage once, and picks sharing up again when the
// client has reconnected.
//
// On a cluster: every script touches keys of one hash slot (workers/sharing.ts puts the object's
// key in a hash tag, `{…}`, in both its object and lease keys), so the election stays one atomic
// step on the master that owns the object. Several keys are deleted one by one (a DEL across
// slots is refused), a prefix is scanned on every master. Purges use plain pub/sub, not sharded:
// a plain message reaches every node of the cluster, so a subscriber on any surviving master gets
// it; a sharded channel lives on the one shard owning its slot and is silent while that shard is
// lost (no replicas). Purges are rare, the broadcast costs nothing that matters.
//
// While a master is unreachable the bus is not `ready` (purges are kept for later, and no shared
// copy is taken while one is kept) but still `serving`: elections on the other masters' slots go
// on, so only the lost master's objects are fetched by each node alone, until every slot is served
// again (the master back, or a replica promoted). A promotion is seen within about a second: node
// clients retry a lost master every half second at most, and after half a second of retries the
// client asks the cluster for its new topology; a poll then sees every slot served and says so.
import { createClient, createCluster, RESP_TYPES } from 'redis';
import type { SharedBus } from '../workers/shared-bus.ts';

// Objects are hashes {v: version, e: serialized entry}; locks are strings holding their owner.
/**
 * The election in one step (KEYS: object, lock; ARGV: owner, lease ms, newer-than version, and
 * the dead holder to replace, '' for none).
 */
const ELECT = `
local v = redis.call('HGET', KEYS[1], 'v')
if v and tonumber(v) > tonumber(ARGV[3]) then return {'object', redis.call('HGET', KEYS[1], 'e')} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'leader'} end
local holder = redis.call('GET', KEYS[2])
if ARGV[4] ~= '' and holder == ARGV[4] then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
  return {'leader'}
end
return {'held', holder}
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
/**
 * A report in a hash of reports (KEYS: the hash; ARGV: member, value, ttl ms), each field
 * `<written at, ms> <ttl ms> <value>` on Redis's clock (TIME: allowed in a script since scripts
 * replicate their effects); expired fields go, the hash lives as long as its longest-lived field.
 * Returns member, age, ttl, value for each live field.
 */
const REPORT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d %d %s', now, tonumber(ARGV[3]), ARGV[2]))
local all = redis.call('HGETALL', KEYS[1])
local out = {}
local keep = 1
for i = 1, #all, 2 do
  local at, ttl, value = string.match(all[i + 1], '^(%d+) (%d+) (.*)$')
  local age = at and (now - tonumber(at))
  if not at or age > tonumber(ttl) then
    redis.call('HDEL', KEYS[1], all[i])
  else
    keep = math.max(keep, tonumber(ttl) - age)
    table.insert(out, all[i])
    table.insert(out, string.format('%d', age))
    table.insert(out, ttl)
    table.insert(out, value)
  end
end
redis.call('PEXPIRE', KEYS[1], keep)
return out
`;
/** Where the bus is: one Redis, or the nodes (`host:port`) of a Redis Cluster. */
export type RedisTarget = { url: string } | { clusterNodes: string[] };

const lease = (ms: number) => Math.max(1, Math.round(ms));
const backoff = (capMs: number) => (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), capMs);
const clientDefaults = {
  disableOfflineQueue: true,
  socket: { connectTimeout: 2000, reconnectStrategy: backoff(3000) },
};
/** How soon a cluster's lost master is retried and its replacement looked for (see above). */
const CLUSTER_RETRY_MS = 500;

/** What the bus needs from a connection, single or cluster (node-redis types differ, not this). */
interface Commands {
  eval(script: string, options: { keys: string[]; arguments: (string | Buffer)[] }): Promise<unknown>;
  sAdd(key: string, member: string): Promise<unknown>;
  pExpire(key: string, ms: number): Promise<unknown>;
  sMembers(key: string): Promise<string[]>;
  del(keys: string | string[]): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}

interface Connection {
  commands: Commands;
  /** Replies to the election with bulk strings as Buffers (the serialized object is bytes). */
  binaryEval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** The subscriber (a separate connection on a single Redis; the cluster keeps its own). */
  subscriber: Pick<Commands, 'subscribe'>;
  /** Deletes keys; on a cluster, one by one (keys of different slots). */
  del(keys: string[]): Promise<void>;
  scan(pattern: string): Promise<string[]>;
  /** Resolves once the subscriber can subscribe (retrying while Redis is not there yet). */
  connect(onError: (error: Error) => void): Promise<void>;
  /** Every slot served (cluster) / connected (single). */
  readonly ready: boolean;
  /** Some slots served (cluster: connected, maybe a master lost) / connected (single). */
  readonly serving: boolean;
  on(event: 'error', listener: (error: Error) => void): void;
  /** When it is ready again after an outage. */
  onReady(listener: () => void): void;
  describe: string;
  close(): Promise<void>;
}

function single(url: string): Connection {
  const client = createClient({ url, ...clientDefaults });
  const subscriber = createClient({ url, ...clientDefaults });
  const binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  return {
    commands: client as unknown as Commands,
    binaryEval: (script, options) => binary.eval(script, options),
    subscriber: subscriber as unknown as Commands,
    del: async (keys) => void (keys.length && (await client.del(keys))),
    async scan(pattern) {
      const found: string[] = [];
      for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 500 })) found.push(...keys);
      return found;
    },
    async connect(onError) {
      void client.connect().catch(onError);
      await subscriber.connect();
    },
    get ready() {
      return client.isReady;
    },
    get serving() {
      return client.isReady;
    },
    on(_event, listener) {
      client.on('error', listener);
      subscriber.on('error', listener);
    },
    onReady: (listener) => void client.on('ready', listener),
    describe: url,
    async close() {
      await Promise.allSettled([client.close(), subscriber.close()]);
    },
  };
}

function cluster(nodes: string[]): Connection {
  const client = createCluster({
    rootNodes: nodes.map((node) => ({ url: `redis://${node}` })),
    defaults: { ...clientDefaults, socket: { ...clientDefaults.socket, reconnectStrategy: backoff(CLUSTER_RETRY_MS) } },
    topologyRefreshOnReconnectionAttemptStrategy: CLUSTER_RETRY_MS,
  });
  const binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  // Masters (by address) whose connection is not ready: while one is, some slots are not served.
  const unreachable = new Set<string>();
  const readyListeners: (() => void)[] = [];
  const errorListeners: ((error: Error) => void)[] = [];
  const address = (info: { host?: string; port?: number }) => `${info.host}:${info.port}`;
  let closed = false;
  const everySlotServed = () => client.isReady && !client.masters.some((master) => unreachable.has(master.address));
  // A promoted replica is a new master, not the lost one coming back: no event says every slot is
  // served again, so it is polled while one is not.
  let poll: ReturnType<typeof setInterval> | undefined;
  const watch = () => {
    poll ??= setInterval(() => {
      if (closed || !everySlotServed()) return;
      clearInterval(poll);
      poll = undefined;
      for (const listener of readyListeners) listener();
    }, CLUSTER_RETRY_MS / 2);
    (poll as { unref?: () => void }).unref?.();
  };
  const lost = (info: { host?: string; port?: number }, error?: Error) => {
    if (closed) return; // our own close disconnects every node: no outage
    unreachable.add(address(info));
    watch();
    for (const listener of errorListeners) listener(error ?? new Error(`redis node ${address(info)} unreachable`));
  };
  client.on('node-error', (error: Error, info) => lost(info, error));
  client.on('node-reconnecting', (info) => lost(info));
  client.on('node-disconnect', (info) => lost(info));
  client.on('node-ready', (info) => {
    // A master replaced by failover stays unreachable, but is no longer one of the masters.
    if (!unreachable.delete(address(info))) return;
    for (const listener of readyListeners) listener();
  });
  client.on('error', (error: Error) => {
    for (const listener of errorListeners) listener(error);
  });
  return {
    commands: client as unknown as Commands,
    binaryEval: (script, options) => binary.eval(script, options),
    subscriber: client as unknown as Commands,
    async del(keys) {
      await Promise.all(keys.map((key) => client.del(key)));
    },
    async scan(pattern) {
      const found: string[] = [];
      for (const master of client.masters) {
        const node = await client.nodeClient(master);
        for await (const keys of node.scanIterator({ MATCH: pattern, COUNT: 500 })) found.push(...keys);
      }
      return found;
    },
    async connect(onError) {
      // node-redis gives up on a cluster none of whose nodes answers: try again until one does.
      for (;;) {
        try {
          await client.connect();
          return;
        } catch (error) {
          onError(error as Error);
          if (closed) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    },
    get ready() {
      return everySlotServed();
    },
    get serving() {
      return client.isReady;
    },
    close() {
      closed = true;
      clearInterval(poll);
      return client.isOpen ? client.close() : Promise.resolve();
    },
    on: (_event, listener) => void errorListeners.push(listener),
    onReady: (listener) => void readyListeners.push(listener),
    describe: `cluster ${nodes.join(',')}`,
  };
}

export function redisBus(target: RedisTarget | string, log: (line: Record<string, unknown>) => void): SharedBus {
  const where = typeof target === 'string' ? { url: target } : target;
  const connection = 'url' in where ? single(where.url) : cluster(where.clusterNodes);
  const client = connection.commands;
  const redis = connection.describe;
  let down = false;
  const onError = (error: Error) => {
    if (down) return; // once per outage
    down = true;
    log({
      level: 'warn',
      msg: 'redis unreachable: workers fetch alone what it cannot elect, until it is back',
      redis,
      error: error.message,
    });
  };
  connection.on('error', onError);
  const reconnected: (() => void)[] = [];
  connection.onReady(() => {
    if (!down || !connection.ready) return;
    log({ level: 'info', msg: 'redis reachable again: sharing resumed', redis });
    down = false;
    for (const listener of reconnected) listener();
  });
  const subscriptions: [string, (m: string) => void][] = [];
  let subscribed = false;
  // Not awaited: the edge starts (and serves) whether Redis is up or not.
  void connection
    .connect(onError)
    .then(async () => {
      subscribed = true;
      for (const [channel, handler] of subscriptions) await connection.subscriber.subscribe(channel, handler);
    })
    .catch(onError);

  /** Runs `op` while `open()` says the bus can take it; never throws (the fallback instead). */
  const gated =
    (open: () => boolean) =>
    async <T>(fallback: T, op: () => Promise<T>): Promise<T> => {
      if (!open()) return fallback;
      try {
        return await op();
      } catch (error) {
        onError(error as Error);
        return fallback;
      }
    };
  /** What spans the bus (purges, scans, tag sets): only with every slot served. */
  const safely = gated(() => connection.ready);
  /** One object's keys (one slot): tried while a master is lost, failing alone if it is its. */
  const perSlot = gated(() => connection.serving);

  return {
    get ready() {
      return connection.ready;
    },
    get serving() {
      return connection.serving;
    },
    onReconnect(listener) {
      reconnected.push(listener);
    },
    elect: (object, lock, owner, leaseMs, newerThan, deadHolder = '') =>
      perSlot(null, async () => {
        const reply = (await connection.binaryEval(ELECT, {
          keys: [object, lock],
          arguments: [owner, String(lease(leaseMs)), String(newerThan), deadHolder],
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
      perSlot(
        undefined,
        async () => void (await client.eval(RENEW, { keys: [lock], arguments: [owner, String(lease(leaseMs))] })),
      ),
    release: (lock, owner) =>
      perSlot(undefined, async () => void (await client.eval(RELEASE, { keys: [lock], arguments: [owner] }))),
    putObject: (object, version, bytes, ttlMs) =>
      perSlot(undefined, async () => {
        await client.eval(PUT, {
          keys: [object],
          arguments: [
            String(version),
            Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
            String(lease(ttlMs)),
          ],
        });
      }),
    del: (keys) => safely(undefined, () => connection.del(keys)),
    addToSet: (set, member, ttlMs) =>
      safely(undefined, async () => {
        await client.sAdd(set, member);
        await client.pExpire(set, Math.max(1, Math.round(ttlMs)));
      }),
    members: (set) => safely([] as string[], () => client.sMembers(set)),
    keysWithPrefix: (prefix) =>
      safely([] as string[], () => connection.scan(`${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`)),
    report: (key, member, value, ttlMs) =>
      perSlot(null, async () => {
        const flat = (await client.eval(REPORT, {
          keys: [key],
          arguments: [member, value, String(lease(ttlMs))],
        })) as string[];
        const reports = [];
        for (let i = 0; i + 3 < flat.length; i += 4)
          reports.push({
            member: String(flat[i]),
            ageMs: Number(flat[i + 1]),
            ttlMs: Number(flat[i + 2]),
            value: String(flat[i + 3]),
          });
        return reports;
      }),
    publish: (channel, message) => safely(undefined, async () => void (await client.publish(channel, message))),
    subscribe(channel, onMessage) {
      subscriptions.push([channel, onMessage]);
      if (subscribed) void connection.subscriber.subscribe(channel, onMessage).catch(onError);
    },
    async close() {
      await connection.close().catch(() => {});
    },
  };
}
