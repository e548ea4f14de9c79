// The feed in Redis, for several origins on one Redis: per event a stream
// (`<prefix><eventId>`, XADD with MAXLEN ~ backlog) is the log, its ids (`<ms>-<seq>`) are the
// SSE ids, so a screen resumes with Last-Event-ID on whichever origin it reaches; each entry is
// also PUBLISHed on a channel of the same name, in the same script (the order screens hear is the
// stream's), and every origin with screens of that event listens on one subscriber connection.
// A screen whose id is past the stream's end, or older than what was trimmed, gets a snapshot.
import { createClient } from 'redis';
import type { ContributionFeed, FeedChange, FeedEntry, FeedListener } from './feed.ts';

const PUBLISH_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'change', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', KEYS[1], id .. ' ' .. ARGV[2])
return id
`;
const STREAM_ID = /^(\d+)-(\d+)$/;

function order(id: string): [number, number] | null {
  const m = STREAM_ID.exec(id);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export interface RedisFeedOptions {
  url: string;
  /** Keys and channels: `<prefix><eventId>`. */
  prefix: string;
  backlog: number;
  /** A stream left alone this long goes (its event is long over). */
  ttlSeconds: number;
}

export class RedisFeed implements ContributionFeed {
  readonly #client;
  readonly #subscriber;
  readonly #listeners = new Map<string, Set<FeedListener>>();
  /** Per event, the SUBSCRIBE under way or done. */
  readonly #subscribed = new Map<string, Promise<unknown>>();

  constructor(readonly options: RedisFeedOptions) {
    const socket = { connectTimeout: 2000, reconnectStrategy: (n: number) => Math.min(100 * 2 ** n, 3000) };
    // Commands fail at once while Redis is away (a moderator's write is not held up by the feed);
    // subscriptions wait for it and are made again on reconnection.
    this.#client = createClient({ url: options.url, disableOfflineQueue: true, socket });
    this.#client.on('error', () => {});
    this.#subscriber = createClient({ url: options.url, socket });
    this.#subscriber.on('error', () => {});
    this.#client.connect().catch(() => {});
    this.#subscriber.connect().catch(() => {});
  }

  #key(eventId: string): string {
    return `${this.options.prefix}${eventId}`;
  }

  async lastId(eventId: string): Promise<string> {
    return (await this.#info(eventId))?.last ?? '0-0';
  }

  async publish(eventId: string, change: FeedChange): Promise<FeedEntry> {
    const id = String(
      await this.#client.eval(PUBLISH_SCRIPT, {
        keys: [this.#key(eventId)],
        arguments: [String(this.options.backlog), JSON.stringify(change), String(this.options.ttlSeconds)],
      }),
    );
    return { id, change };
  }

  async since(eventId: string, lastEventId: string): Promise<FeedEntry[] | null> {
    if (!order(lastEventId)) return null;
    const info = await this.#info(eventId);
    if (!info) return lastEventId === '0-0' ? [] : null;
    // Past the end: an id from another Redis (or one flushed since).
    if (this.newer(lastEventId, info.last)) return null;
    // Something after it was trimmed away: it cannot get all it missed.
    if (this.newer(info.maxDeleted, lastEventId)) return null;
    const entries = (await this.#client.sendCommand(['XRANGE', this.#key(eventId), `(${lastEventId}`, '+'])) as [
      string,
      string[],
    ][];
    return entries.map(([id, fields]) => ({ id, change: JSON.parse(fields[1] ?? 'null') as FeedChange }));
  }

  async subscribe(eventId: string, listener: FeedListener): Promise<() => void> {
    let set = this.#listeners.get(eventId);
    if (!set) this.#listeners.set(eventId, (set = new Set()));
    set.add(listener);
    let subscribed = this.#subscribed.get(eventId);
    if (!subscribed) {
      subscribed = this.#subscriber.subscribe(this.#key(eventId), (message) => this.#dispatch(eventId, message));
      this.#subscribed.set(eventId, subscribed);
      subscribed.catch(() => this.#subscribed.delete(eventId));
    }
    const leave = () => {
      set.delete(listener);
      if (set.size > 0 || this.#listeners.get(eventId) !== set) return;
      this.#listeners.delete(eventId);
      this.#subscribed.delete(eventId);
      void this.#subscriber.unsubscribe(this.#key(eventId)).catch(() => undefined);
    };
    try {
      await subscribed;
    } catch (error) {
      leave();
      throw error;
    }
    return leave;
  }

  newer(a: string, b: string): boolean {
    const x = order(a);
    const y = order(b);
    if (!x || !y) return false;
    return x[0] > y[0] || (x[0] === y[0] && x[1] > y[1]);
  }

  async close(): Promise<void> {
    for (const client of [this.#subscriber, this.#client]) {
      try {
        if (client.isReady) await client.close();
        else client.destroy();
      } catch {
        client.destroy();
      }
    }
  }

  #dispatch(eventId: string, message: string): void {
    const cut = message.indexOf(' ');
    const entry = { id: message.slice(0, cut), change: JSON.parse(message.slice(cut + 1)) as FeedChange };
    for (const listener of this.#listeners.get(eventId) ?? []) listener(entry);
  }

  /** The stream's last id and the newest id trimmed away; null when there is no stream. */
  async #info(eventId: string): Promise<{ last: string; maxDeleted: string } | null> {
    let reply: unknown;
    try {
      reply = await this.#client.sendCommand(['XINFO', 'STREAM', this.#key(eventId)]);
    } catch (error) {
      if (/no such key/i.test(String(error))) return null;
      throw error;
    }
    // A flat list of names and values (RESP2) or a map (RESP3), as the client's protocol gives it.
    const fields = new Map<string, unknown>();
    if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
    else for (const [name, value] of Object.entries(reply as Record<string, unknown>)) fields.set(name, value);
    return {
      last: String(fields.get('last-generated-id') ?? '0-0'),
      maxDeleted: String(fields.get('max-deleted-entry-id') ?? '0-0'),
    };
  }
}
