// Which origin replica packages each channel's live: one lease per channel in Redis.
//
//   citetv:live:lease:<channel>  {"id","url","fence"}, SET NX PX leaseMs — the holder renews it
//                                every renewMs (compare-and-PEXPIRE), the others try to take it
//   citetv:live:fence:<channel>  INCR at each acquisition: the fence, higher for every new holder
//   citetv:live:want:<channel>   a replica whose encoder just connected asks for the lease; a
//                                holder with no feed of that channel hands it over (DEL if ours)
//   citetv:live:hop              a random secret, made by the first replica (SET NX): what a
//                                replica's request to another carries, so a viewer cannot pass
//                                for one (live-proxy.ts: a hop is answered from the receiver's
//                                own timeline, which an edge would then cache for everyone)
//   citetv:live:publishers:<channel>  [{"from","url"}…]: who published the channel from which slot
//                                on (appended at each acquisition and takeover), so a replay's older
//                                slots are asked of the replica that has them on its disk
//   citetv:live:slots:<channel>  {"id","slots":[{"sequence","discontinuity","number","kind","startMs","gap"}…]}:
//                                the newest slots the holder listed, as its playlists numbered and dated them
//                                (written as it lists a newer one), so a replica taking over lists
//                                them alike (live/timeline.ts `takeOver`: hls.js ≥ 1.6 drops a
//                                reload whose discontinuity numbers differ); read with each try
//                                at the lease, so the copy at a takeover is that instant's
//
// Fenced on both sides: every renewal and release compares the whole value (fence included), so a
// holder that stalled past its TTL cannot renew or delete its successor's lease; and a holder
// counts itself holder only until its last successful renewal's send time + leaseMs − renewMs,
// never on a lease Redis may already have dropped. Redis unreachable: nobody is known to hold the
// channel and every replica serves its own timeline (live-proxy.ts), the most available choice.
import { createClient } from 'redis';
import { z } from 'zod';
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import type { SharedSlot } from '../live/timeline.ts';
import type { ReplicaConfig } from './config.ts';

/** The replica packaging a channel, as its lease says. */
export interface LeaseHolder {
  id: string;
  url: string;
  fence: number;
}

/** What the HTTP routes and the ingest ask of the leases (memory store: `soloPackagers`). */
export interface LivePackagers {
  /** This replica's name. */
  readonly id: string;
  /** This replica packages the channel now (its lease is valid). */
  holds(channel: ChannelId): boolean;
  /** Another replica packages the channel (its lease as last read); undefined: ours, or nobody's. */
  holder(channel: ChannelId): LeaseHolder | undefined;
  /**
   * Takes the channel's lease for an encoder that connected here: at once when it is free or
   * ours; else asks the holder to hand it over (it does when it has no feed) for up to `waitMs`.
   */
  claim(channel: ChannelId, waitMs: number): Promise<{ ok: true } | { ok: false; holder: LeaseHolder | undefined }>;
  /** Records that this replica publishes the channel's slots from `slot` on. */
  publishedFrom(channel: ChannelId, slot: number): Promise<void>;
  /**
   * Who published `slot` of the channel, as last read: `self`, another replica's address, or
   * undefined when nothing is recorded (the holder answers, as for the live).
   */
  publisherOf(channel: ChannelId, slot: number): 'self' | string | undefined;
  /**
   * How the app tells the first slot this replica publishes once it takes a lease (its timelines):
   * recorded from then on at each acquisition, and at once for the leases already held.
   * `previous`: the replica last seen holding it, when one was (a takeover).
   */
  trackSlots(firstSlot: (channel: ChannelId, previous?: LeaseHolder) => number | undefined): void;
  /**
   * Shares the newest slots this replica listed of a channel it holds (fire-and-forget: a newer
   * call replaces one not sent yet; Redis unreachable, nothing happens).
   */
  shareSlots(channel: ChannelId, slots: SharedSlot[]): void;
  /**
   * Resolves once what `shareSlots` was last given for the channel is in Redis, or could not be
   * written (each write bounded by a renewal period; one given meanwhile is written after it, and
   * waited for too); at once when nothing is on its way. An answer listing a
   * slot waits for it: a replica taking over adopts the slots as shared, and a slot a viewer holds
   * that the record lacked would come back from it as that replica's own, after a discontinuity.
   */
  shared(channel: ChannelId): Promise<void>;
  /** Another replica's shared slots of the channel as last read (each try at its lease), or undefined. */
  sharedSlots(channel: ChannelId): readonly SharedSlot[] | undefined;
  /** The same, read again now (bounded; the last copy when Redis does not answer in time). */
  readSharedSlots(channel: ChannelId): Promise<readonly SharedSlot[] | undefined>;
  /** What this replica's requests to another carry as X-Origin-Replica-Hop. */
  hopToken(): string;
  /** Whether a request's X-Origin-Replica-Hop comes from a replica; undefined: cannot tell (the secret not read yet). */
  isHop(value: string): boolean | undefined;
  close(): Promise<void>;
}

/** One origin (memory store, or no advertised address): it packages every channel, as before. */
export function soloPackagers(): LivePackagers {
  return {
    id: 'solo',
    holds: () => true,
    holder: () => undefined,
    claim: async () => ({ ok: true }),
    publishedFrom: async () => {},
    publisherOf: () => undefined,
    trackSlots: () => {},
    shareSlots: () => {},
    shared: async () => {},
    sharedSlots: () => undefined,
    readSharedSlots: async () => undefined,
    hopToken: () => 'solo',
    isHop: () => undefined,
    close: async () => {},
  };
}

/** Publishers remembered per channel: years of takeovers. */
const PUBLISHERS_KEPT = 1000;

/** How long shared slots outlive their last write: any takeover that could use them comes sooner. */
const SHARED_SLOTS_TTL_MS = 3_600_000;

/**
 * Takes the lease when free: [1, value] (ours, new fence), or [0, current value]; and the shared
 * slots (KEYS[3]) as they are then: a takeover adopts what the holder listed up to that instant.
 */
const ACQUIRE = `
local slots = redis.call('GET', KEYS[3])
local current = redis.call('GET', KEYS[1])
if current then return {0, current, slots} end
local fence = redis.call('INCR', KEYS[2])
local value = string.gsub(ARGV[1], '"fence":0', '"fence":' .. fence, 1)
redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2])
return {1, value, slots}
`;
/** Renews the lease if it still is this value: 1, else 0. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
/** Deletes the lease if it still is this value (and the hand-over request with it). */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) return 1 end
return 0
`;

export interface RedisPackagersOptions {
  redisUrl: string;
  config: ReplicaConfig & { advertiseUrl: string };
  channels: readonly ChannelId[];
  /** The channel has an encoder on air here: its lease is not handed over. */
  feeding?: (channel: ChannelId) => boolean;
  /** The lease was lost while held (Redis says another holds it, or it could not be renewed). */
  onLost?: (channel: ChannelId) => void;
  log: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;
  prefix?: string;
  now?: () => number;
}

interface Held {
  value: string;
  fence: number;
  /** ms: the lease is counted ours until then (last renewal's send time + leaseMs − renewMs). */
  validUntil: number;
}

export class RedisPackagers implements LivePackagers {
  readonly id: string;
  readonly #client;
  readonly #options: RedisPackagersOptions;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #held = new Map<ChannelId, Held>();
  readonly #others = new Map<ChannelId, { holder: LeaseHolder; seenAt: number }>();
  readonly #publishers = new Map<ChannelId, { from: number; url: string }[]>();
  /** Other replicas' shared slots, as last read. */
  readonly #shared = new Map<ChannelId, readonly SharedSlot[]>();
  /** Shared slots waiting for the write in flight (one per channel at a time, the newest wins). */
  readonly #sharing = new Map<ChannelId, SharedSlot[] | undefined>();
  /** Per channel with a write in flight: settled when no write is left on its way (`shared`). */
  readonly #flushed = new Map<ChannelId, { done: Promise<void>; settle: () => void }>();
  #firstSlot?: (channel: ChannelId, previous?: LeaseHolder) => number | undefined;
  #hopSecret: string | undefined;
  readonly #timer: ReturnType<typeof setInterval>;
  #ticking = false;
  #closed = false;

  constructor(options: RedisPackagersOptions) {
    this.#options = options;
    this.#prefix = options.prefix ?? 'citetv:live:';
    this.#now = options.now ?? Date.now;
    this.id = options.config.id ?? randomReplicaId();
    this.#client = createClient({
      url: options.redisUrl,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (n) => Math.min(100 * 2 ** n, 2000) },
    });
    this.#client.on('error', () => {});
    this.#client.on('ready', () => void this.tick());
    this.#client.connect().catch(() => {});
    this.#timer = setInterval(() => void this.tick(), options.config.renewMs);
  }

  holds(channel: ChannelId): boolean {
    const held = this.#held.get(channel);
    return held !== undefined && this.#now() < held.validUntil;
  }

  holder(channel: ChannelId): LeaseHolder | undefined {
    if (this.holds(channel)) return undefined;
    const other = this.#others.get(channel);
    // A reading older than a lease's life says nothing about now.
    return other && this.#now() - other.seenAt < this.#options.config.leaseMs ? other.holder : undefined;
  }

  async claim(channel: ChannelId, waitMs: number) {
    const deadline = this.#now() + waitMs;
    for (;;) {
      if (this.holds(channel) || (await this.#acquire(channel).catch(() => false))) return { ok: true as const };
      if (this.#now() >= deadline) return { ok: false as const, holder: this.holder(channel) };
      await this.#bounded(
        this.#client.set(this.#key('want', channel), this.id, { PX: this.#options.config.leaseMs }),
      ).catch(() => undefined);
      await new Promise((r) => setTimeout(r, Math.min(this.#options.config.renewMs / 2, 500)));
    }
  }

  /** Renews what we hold, hands over what is asked for and idle, tries to take what is free. */
  async tick(): Promise<void> {
    if (this.#ticking || this.#closed || !this.#client.isReady) {
      this.#expireLocally();
      return;
    }
    this.#ticking = true;
    try {
      if (this.#hopSecret === undefined) await this.#readHopSecret().catch(() => undefined);
      for (const channel of this.#options.channels) {
        try {
          if (this.#held.has(channel)) await this.#renew(channel);
          else await this.#acquire(channel);
          await this.#readPublishers(channel);
        } catch {
          // Redis went away mid-tick: what we hold runs out locally at its validity.
        }
      }
    } finally {
      this.#ticking = false;
      this.#expireLocally();
    }
  }

  async #acquire(channel: ChannelId): Promise<boolean> {
    const sentAt = this.#now();
    const value = JSON.stringify({ id: this.id, url: this.#options.config.advertiseUrl, fence: 0 });
    const [won, current, slots] = (await this.#bounded(
      this.#client.eval(ACQUIRE, {
        keys: [this.#key('lease', channel), this.#key('fence', channel), this.#key('slots', channel)],
        arguments: [value, String(this.#options.config.leaseMs)],
      }),
    )) as [number, string, string | null];
    this.#keepShared(channel, slots);
    const holder = parseHolder(current);
    if (won !== 1 || !holder) {
      if (holder) this.#others.set(channel, { holder, seenAt: sentAt });
      return false;
    }
    const previous = this.#others.get(channel)?.holder;
    this.#others.delete(channel);
    this.#held.set(channel, { value: current, fence: holder.fence, validUntil: this.#validUntil(sentAt) });
    const first = this.#firstSlot?.(channel, previous);
    if (first !== undefined) await this.publishedFrom(channel, first).catch(() => undefined);
    this.#options.log('info', `replicas: ${channel} packaged here (lease fence ${holder.fence})`, {
      event: 'lease-acquired',
      channel,
      fence: holder.fence,
      ...(previous ? { from: previous.id } : {}),
    });
    return true;
  }

  async #renew(channel: ChannelId): Promise<void> {
    const held = this.#held.get(channel)!;
    const sentAt = this.#now();
    const renewed = Number(
      await this.#bounded(
        this.#client.eval(RENEW, {
          keys: [this.#key('lease', channel)],
          arguments: [held.value, String(this.#options.config.leaseMs)],
        }),
      ),
    );
    if (renewed !== 1) {
      this.#lose(channel, 'the lease is no longer ours');
      return;
    }
    held.validUntil = this.#validUntil(sentAt);
    // Another replica's encoder asks for the channel: hand it over unless a feed is on air here.
    const want = await this.#bounded(this.#client.get(this.#key('want', channel)));
    if (want && want !== this.id && !this.#options.feeding?.(channel)) {
      await this.#bounded(
        this.#client.eval(RELEASE, {
          keys: [this.#key('lease', channel), this.#key('want', channel)],
          arguments: [held.value],
        }),
      );
      this.#held.delete(channel);
      this.#options.log('info', `replicas: ${channel} handed over to ${want} (its encoder connected)`, {
        event: 'lease-handed-over',
        channel,
        to: want,
      });
    }
  }

  trackSlots(firstSlot: (channel: ChannelId, previous?: LeaseHolder) => number | undefined): void {
    this.#firstSlot = firstSlot;
    // Leases taken before the app was there: nothing was served before now.
    for (const channel of this.#held.keys()) {
      const first = firstSlot(channel);
      if (first !== undefined) void this.publishedFrom(channel, first).catch(() => undefined);
    }
  }

  async publishedFrom(channel: ChannelId, slot: number): Promise<void> {
    const key = this.#key('publishers', channel);
    const entry = { from: slot, url: this.#options.config.advertiseUrl };
    await this.#bounded(this.#client.rPush(key, JSON.stringify(entry)));
    await this.#bounded(this.#client.lTrim(key, -PUBLISHERS_KEPT, -1));
    this.#publishers.set(channel, [...(this.#publishers.get(channel) ?? []), entry]);
  }

  publisherOf(channel: ChannelId, slot: number): 'self' | string | undefined {
    let found: { from: number; url: string } | undefined;
    // The latest entry starting at or before the slot (a later one wins a tie: it is the newer publisher).
    for (const entry of this.#publishers.get(channel) ?? [])
      if (entry.from <= slot && entry.from >= (found?.from ?? -1)) found = entry;
    if (!found) return undefined;
    return found.url === this.#options.config.advertiseUrl ? 'self' : found.url;
  }

  shareSlots(channel: ChannelId, slots: SharedSlot[]): void {
    if (this.#closed || !this.#client.isReady || slots.length === 0) return;
    if (this.#sharing.has(channel)) {
      this.#sharing.set(channel, slots);
      return;
    }
    this.#sharing.set(channel, undefined);
    if (!this.#flushed.has(channel)) {
      let settle = () => {};
      const done = new Promise<void>((resolve) => {
        settle = resolve;
      });
      this.#flushed.set(channel, { done, settle });
    }
    const value = JSON.stringify({ id: this.id, slots });
    void this.#bounded(this.#client.set(this.#key('slots', channel), value, { PX: SHARED_SLOTS_TTL_MS }))
      .catch(() => undefined)
      .finally(() => {
        const next = this.#sharing.get(channel);
        this.#sharing.delete(channel);
        if (next) this.shareSlots(channel, next);
        if (this.#sharing.has(channel)) return; // the newer write carries on
        this.#flushed.get(channel)?.settle();
        this.#flushed.delete(channel);
      });
  }

  shared(channel: ChannelId): Promise<void> {
    return this.#flushed.get(channel)?.done ?? Promise.resolve();
  }

  sharedSlots(channel: ChannelId): readonly SharedSlot[] | undefined {
    return this.#shared.get(channel);
  }

  async readSharedSlots(channel: ChannelId): Promise<readonly SharedSlot[] | undefined> {
    if (this.#client.isReady) {
      const text = await this.#bounded(this.#client.get(this.#key('slots', channel))).catch(() => undefined);
      if (text !== undefined) this.#keepShared(channel, text);
    }
    return this.#shared.get(channel);
  }

  /** Keeps another replica's shared slots as read (ours, none or unreadable: nothing kept). */
  #keepShared(channel: ChannelId, text: string | null): void {
    const record = parseSharedSlots(text);
    if (record && record.id !== this.id) this.#shared.set(channel, record.slots);
    else this.#shared.delete(channel);
  }

  async #readPublishers(channel: ChannelId): Promise<void> {
    const texts = await this.#bounded(this.#client.lRange(this.#key('publishers', channel), 0, -1));
    const entries: { from: number; url: string }[] = [];
    for (const text of texts) {
      try {
        const e = JSON.parse(text) as { from?: unknown; url?: unknown };
        if (typeof e.from === 'number' && typeof e.url === 'string') entries.push({ from: e.from, url: e.url });
      } catch {
        /* not ours */
      }
    }
    this.#publishers.set(channel, entries);
  }

  /**
   * A command Redis has not answered within a renewal period fails: a command caught in a dropped
   * connection may never settle, and a tick waiting on it would stop every later one.
   */
  #bounded<T>(command: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('redis: no answer in time')), this.#options.config.renewMs);
    });
    command.catch(() => {}); // settled late, after the race: nobody waits for it
    return Promise.race([command, late]).finally(() => clearTimeout(timer));
  }

  #expireLocally(): void {
    for (const [channel, held] of this.#held) {
      if (this.#now() >= held.validUntil) this.#lose(channel, 'it could not be renewed in time');
    }
  }

  #lose(channel: ChannelId, why: string): void {
    if (!this.#held.delete(channel)) return;
    this.#options.log('warn', `replicas: lease of ${channel} lost: ${why}`, { event: 'lease-lost', channel });
    this.#options.onLost?.(channel);
  }

  #validUntil(sentAt: number): number {
    return sentAt + this.#options.config.leaseMs - this.#options.config.renewMs;
  }

  async #readHopSecret(): Promise<void> {
    const key = `${this.#prefix}hop`;
    await this.#bounded(this.#client.set(key, randomHex(16), { NX: true }));
    this.#hopSecret = (await this.#bounded(this.#client.get(key))) ?? undefined;
  }

  hopToken(): string {
    // Before the secret is read (Redis not reached yet): the id, which a receiver that has the
    // secret refuses as a hop and simply answers as any request (sent on, or here).
    return this.#hopSecret ?? this.id;
  }

  isHop(value: string): boolean | undefined {
    if (this.#hopSecret === undefined) return undefined;
    return value === this.#hopSecret;
  }

  #key(kind: 'lease' | 'fence' | 'want' | 'publishers' | 'slots', channel: ChannelId): string {
    return `${this.#prefix}${kind}:${channel}`;
  }

  /** Releases what we hold (a clean stop: the other replica takes over at its next tick, not after the TTL). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    if (this.#client.isReady) {
      for (const [channel, held] of this.#held) {
        await this.#client
          .eval(RELEASE, { keys: [this.#key('lease', channel), this.#key('want', channel)], arguments: [held.value] })
          .catch(() => undefined);
      }
    }
    this.#held.clear();
    try {
      if (this.#client.isReady) await this.#client.close();
      else this.#client.destroy();
    } catch {
      this.#client.destroy();
    }
  }
}

/**
 * A default name that says nothing about the machine (it travels in the lease, the logs and, to
 * staff, X-Origin-Replica): `r-` and 8 random hex digits, new at each start. The start log line
 * pairs it with the replica's address; set ORIGIN_REPLICA_ID for a stable name.
 */
export function randomReplicaId(): string {
  return `r-${randomHex(4)}`;
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function parseHolder(value: string | null | undefined): LeaseHolder | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as Partial<LeaseHolder>;
    return typeof parsed.id === 'string' && typeof parsed.url === 'string' && typeof parsed.fence === 'number'
      ? { id: parsed.id, url: parsed.url, fence: parsed.fence }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a holder shared (`shareSlots`), checked field by field: a record that is not one is none
 * (the takeover then numbers on its own). A kind or date it cannot read is left out, the slot kept.
 */
const SHARED_RECORD = z.object({
  id: z.string(),
  slots: z.array(
    z.object({
      sequence: z.number().int().safe(),
      discontinuity: z.boolean(),
      number: z.number().int().safe(),
      kind: z.enum(['loop', 'slate', 'ingest']).optional().catch(undefined),
      startMs: z.number().finite().optional().catch(undefined),
      gap: z.boolean().optional().catch(undefined),
    }),
  ),
});

function parseSharedSlots(text: string | null): { id: string; slots: SharedSlot[] } | undefined {
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const record = SHARED_RECORD.safeParse(json);
  if (!record.success) return undefined;
  // Fields left out rather than undefined (exactOptionalPropertyTypes).
  const slots = record.data.slots.map(({ sequence, discontinuity, number, kind, startMs, gap }) => ({
    sequence,
    discontinuity,
    number,
    ...(kind !== undefined ? { kind } : {}),
    ...(startMs !== undefined ? { startMs } : {}),
    ...(gap ? { gap } : {}),
  }));
  return { id: record.data.id, slots };
}
