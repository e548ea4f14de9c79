// RecordStore on Redis (node-redis 6): the deployment store, shared by every origin replica and
// kept across restarts.
//
// Layout (prefix `citetv:` by default): one hash per collection (`citetv:events`, field = id,
// value = the record's JSON), `citetv:audit` a list (newest first, trimmed), and
// `citetv:image:<key>` the bytes of resized posters. A removed record is an HDEL of its field.
//
// Writes are one Lua script: it checks every expectation, then writes every key, so a Change is
// applied entirely or not at all, and two racing writers cannot both pass the same check.
// Availability: the client reconnects on its own; while it is down writes fail at once
// (StoreUnavailableError → 503) instead of queueing, and reads answer from the last good copy of
// every collection (read-model.ts), read whole at each connection and every
// `readModelRefreshSeconds`, for at most `staleReadsMaxSeconds` after Redis last answered
// (redis-config.ts); `staleSeconds()` says when reads come from that copy. Posters likewise
// (image-copy.ts), without a bound: they never change.
import { RESP_TYPES, createClient } from 'redis';
import type { RecordStore } from './record-store.ts';
import { encodeRecord } from './record-store.ts';
import { StoreClosedError, StoreConflictError, StoreUnavailableError } from './records.ts';
import type { AuditEntry, Change, Collection, CollectionRecords } from './records.ts';
import { AUDIT_LIMIT } from './memory-record-store.ts';
import { COLLECTIONS } from './records.ts';
import { ReadModel } from './read-model.ts';
import { ImageCopy } from './image-copy.ts';
import { loadRedisStoreConfig, type RedisStoreConfig } from './redis-config.ts';
import { itemAt } from '../../../../shared/lang/item-at.ts';

/** KEYS are every key touched; ARGV[1] is the plan (indexes into KEYS and ARGV), ARGV[2..] the values. */
const COMMIT_SCRIPT = `
local plan = cjson.decode(ARGV[1])
for i, e in ipairs(plan.e) do
  local current = redis.call('HGET', KEYS[e[1]], e[2])
  local wanted = false
  if e[3] > 0 then wanted = ARGV[e[3]] end
  if current ~= wanted then return i end
end
for _, h in ipairs(plan.h) do redis.call('HSET', KEYS[h[1]], h[2], ARGV[h[3]]) end
for _, d in ipairs(plan.d) do redis.call('HDEL', KEYS[d[1]], d[2]) end
for _, s in ipairs(plan.s) do redis.call('SET', KEYS[s[1]], ARGV[s[2]]) end
for _, a in ipairs(plan.a) do
  redis.call('LPUSH', KEYS[a[1]], ARGV[a[2]])
  redis.call('LTRIM', KEYS[a[1]], 0, a[3] - 1)
end
return 0
`;

export interface RedisStoreOptions {
  url: string;
  /** Key prefix, so several deployments (or tests) can share a server. */
  prefix?: string;
  /** Called with connection problems (default: console.error, at most once per outage). */
  log?: (message: string) => void;
  /** Outage behaviour (redis-config.ts); default: its defaults. */
  config?: Partial<RedisStoreConfig>;
}

export class RedisRecordStore implements RecordStore {
  readonly kind = 'redis';
  readonly #client;
  readonly #prefix: string;
  readonly #log: (message: string) => void;
  readonly #config: RedisStoreConfig;
  /** What reads answer while Redis is unreachable. */
  readonly #copy = new ReadModel();
  readonly #images: ImageCopy;
  /** The copy taken at the latest connection: `ready()` waits for it, so an outage right after finds it. */
  #copied: Promise<void> = Promise.resolve();
  /** When Redis last answered a command (ms); undefined: never since start. */
  #answeredAt: number | undefined;
  readonly #refreshTimer: ReturnType<typeof setInterval>;
  #down = false;
  #closed = false;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.prefix ?? 'citetv:';
    this.#log = options.log ?? ((m) => console.error(m));
    this.#config = loadRedisStoreConfig({ overrides: options.config ?? {} });
    this.#images = new ImageCopy(this.#config.imageCopyBytes);
    this.#client = createClient({
      url: options.url,
      // Fail commands at once while disconnected rather than queueing them until Redis is back.
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 3000) },
    });
    this.#client.on('error', (error: Error) => {
      if (!this.#down)
        this.#log(
          `redis: ${options.url.replace(/\/\/[^@]*@/, '//***@')} unreachable (${error.message}); writes answer 503 until it is back, reads the last good copy for ${this.#config.staleReadsMaxSeconds} s`,
        );
      this.#down = true;
    });
    this.#client.on('ready', () => {
      if (this.#down) this.#log('redis: connection back');
      this.#down = false;
      // Whole at each connection: what another replica wrote meanwhile, and what this process never read.
      this.#copied = this.#refreshCopy();
    });
    this.#refreshTimer = setInterval(() => {
      if (this.#client.isReady) void this.#refreshCopy();
    }, this.#config.readModelRefreshSeconds * 1000);
    (this.#refreshTimer as { unref?: () => void }).unref?.();
    // Not awaited: the origin starts (and serves what it can) even when Redis is down.
    this.#client.connect().catch(() => {});
  }

  async #refreshCopy(): Promise<void> {
    try {
      for (const collection of COLLECTIONS) {
        const texts = await this.#client.hGetAll(this.#key(collection));
        this.#answered();
        this.#copy.replace(collection, new Map(Object.entries(texts)));
      }
      await this.#copyImages();
    } catch {
      // Redis went away mid-way: the collections not refreshed keep their older copy.
    }
  }

  /** The posters not copied yet, while they fit (those already copied never change). */
  async #copyImages(): Promise<void> {
    const prefix = this.#key('image:');
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    for await (const keys of this.#client.scanIterator({ MATCH: pattern, COUNT: 500 })) {
      for (const key of keys) {
        const name = key.slice(prefix.length);
        if (this.#images.has(name)) continue;
        const bytes = await this.#binary.get(key);
        if (!bytes) continue;
        if (!this.#images.fits(bytes.byteLength)) return;
        this.#images.put(name, new Uint8Array(bytes));
      }
    }
  }

  get #binary() {
    return this.#client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  }

  #answered(): void {
    this.#answeredAt = Date.now();
  }

  /**
   * Seconds since Redis last answered while reads come from the last good copy (Redis
   * unreachable); undefined while they come from Redis.
   */
  staleSeconds(): number | undefined {
    if (this.#client.isReady || this.#answeredAt === undefined) return undefined;
    return Math.max(0, Math.floor((Date.now() - this.#answeredAt) / 1000));
  }

  /** A read from the copy, or StoreUnavailableError when it cannot tell or is past its bound. */
  #fromCopy<T>(read: () => T | undefined, error: unknown): T {
    const tooOld =
      this.#answeredAt === undefined || Date.now() - this.#answeredAt > this.#config.staleReadsMaxSeconds * 1000;
    const value = tooOld ? undefined : read();
    if (value === undefined) throw unavailable(error);
    return value;
  }

  #key(name: string): string {
    return this.#prefix + name;
  }

  async get<C extends Collection>(collection: C, id: string): Promise<CollectionRecords[C] | null> {
    let text: string | null;
    try {
      text = (await this.#client.hGet(this.#key(collection), id)) ?? null;
      this.#answered();
      this.#copy.put(collection, id, text);
    } catch (error) {
      text = this.#fromCopy(() => this.#copy.get(collection, id), error);
    }
    return text === null ? null : (JSON.parse(text) as CollectionRecords[C]);
  }

  async list<C extends Collection>(collection: C): Promise<CollectionRecords[C][]> {
    let texts: string[];
    try {
      const records = new Map(Object.entries(await this.#client.hGetAll(this.#key(collection))));
      this.#answered();
      this.#copy.replace(collection, records);
      texts = [...records.values()];
    } catch (error) {
      texts = this.#fromCopy(() => this.#copy.list(collection), error);
    }
    return texts.map((t) => JSON.parse(t) as CollectionRecords[C]);
  }

  async commit(change: Change): Promise<void> {
    if (!this.#client.isReady)
      throw new StoreUnavailableError('Redis est injoignable : modification impossible pour le moment');
    const keys: string[] = [];
    const keyIndex = (key: string) => {
      let i = keys.indexOf(key);
      if (i < 0) i = keys.push(key) - 1;
      return i + 1; // Lua is 1-based
    };
    const values: (string | Buffer)[] = [];
    const argIndex = (value: string | Buffer) => values.push(value) + 1; // ARGV[1] is the plan
    const plan = {
      e: (change.expect ?? []).map((e) => [
        keyIndex(this.#key(e.collection)),
        e.id,
        e.value === null ? 0 : argIndex(encodeRecord(e.value)),
      ]),
      h: (change.put ?? []).map((p) => [keyIndex(this.#key(p.collection)), p.id, argIndex(encodeRecord(p.value))]),
      d: (change.remove ?? []).map((r) => [keyIndex(this.#key(r.collection)), r.id]),
      s: (change.images ?? []).map((im) => [keyIndex(this.#key(`image:${im.key}`)), argIndex(Buffer.from(im.bytes))]),
      a: change.audit ? [[keyIndex(this.#key('audit')), argIndex(encodeRecord(change.audit)), AUDIT_LIMIT]] : [],
    };
    let failed: number;
    try {
      failed = Number(await this.#client.eval(COMMIT_SCRIPT, { keys, arguments: [JSON.stringify(plan), ...values] }));
    } catch (error) {
      throw unavailable(error);
    }
    this.#answered();
    if (failed > 0) {
      const e = itemAt(change.expect ?? [], failed - 1);
      throw new StoreConflictError(e.collection, e.id);
    }
    this.#copy.apply(change);
    for (const image of change.images ?? []) this.#images.put(image.key, new Uint8Array(image.bytes));
  }

  async listAudit(offset: number, limit: number): Promise<{ entries: AuditEntry[]; total: number }> {
    try {
      const key = this.#key('audit');
      const [texts, total] = await Promise.all([
        this.#client.lRange(key, offset, offset + limit - 1),
        this.#client.lLen(key),
      ]);
      return { entries: texts.map((t) => JSON.parse(t) as AuditEntry), total };
    } catch (error) {
      throw unavailable(error);
    }
  }

  async getImage(key: string): Promise<Uint8Array | null> {
    let bytes: Buffer | null;
    try {
      bytes = await this.#binary.get(this.#key(`image:${key}`));
    } catch (error) {
      // Content-addressed: a copy is right however long Redis has been gone.
      const copy = this.#images.get(key);
      if (!copy) throw unavailable(error);
      return new Uint8Array(copy);
    }
    if (!bytes) return null;
    const image = new Uint8Array(bytes);
    this.#images.put(key, image);
    return new Uint8Array(image);
  }

  ready(timeoutMs = 5000): Promise<void> {
    if (this.#closed) return Promise.reject(new StoreClosedError('store closed'));
    if (this.#client.isReady) return this.#copied;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#client.off('ready', onReady);
        reject(new StoreUnavailableError(`Redis not ready after ${timeoutMs} ms`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#client.once('ready', onReady);
    }).then(() => this.#copied);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#refreshTimer);
    try {
      if (this.#client.isReady) await this.#client.close();
      else this.#client.destroy();
    } catch {
      this.#client.destroy();
    }
  }
}

function unavailable(error: unknown): Error {
  if (error instanceof StoreUnavailableError) return error;
  return new StoreUnavailableError(`Redis est injoignable (${(error as Error).message ?? error})`);
}
