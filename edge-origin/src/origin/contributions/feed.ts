// What venue screens (and the broadcast's lower third) follow: per event, the approved
// contributions' changes (approved, pinned, unpinned, removed) as a numbered log, pushed to
// listeners as they happen. A screen reconnecting with `Last-Event-ID` gets exactly what it
// missed; an id that cannot be placed (older than the backlog kept, from another log) gets a
// fresh snapshot instead. Two logs: this process's memory (`MemoryFeed`, one origin) and a Redis
// stream per event (`RedisFeed`, redis-feed.ts: any number of origins on one Redis).
import type { PublicContribution } from './model.ts';

export type FeedChange =
  | { type: 'approved' | 'pinned' | 'unpinned'; item: PublicContribution }
  | { type: 'removed'; id: string };

export interface FeedEntry {
  id: string;
  change: FeedChange;
}

export type FeedListener = (entry: FeedEntry) => void;

export interface ContributionFeed {
  /** The id of the event's newest entry (what a snapshot taken now stands for). */
  lastId(eventId: string): Promise<string>;
  publish(eventId: string, change: FeedChange): Promise<FeedEntry>;
  /** What came after `lastEventId`, or null when it cannot be told (another log, too old). */
  since(eventId: string, lastEventId: string): Promise<FeedEntry[] | null>;
  /** Resolves once listening: nothing published after that is missed. Returns the way out. */
  subscribe(eventId: string, listener: FeedListener): Promise<() => void>;
  /** Whether id `a` comes after id `b` in this feed's order. */
  newer(a: string, b: string): boolean;
  close(): Promise<void>;
}

/** One origin's log: ids `<boot>.<seq>`, so an id from before a restart asks for a snapshot. */
export class MemoryFeed implements ContributionFeed {
  readonly #boot = Math.floor(Math.random() * 36 ** 6).toString(36);
  readonly #logs = new Map<string, { seq: number; entries: FeedEntry[] }>();
  readonly #listeners = new Map<string, Set<FeedListener>>();

  constructor(readonly backlog: number) {}

  async lastId(eventId: string): Promise<string> {
    return `${this.#boot}.${this.#logs.get(eventId)?.seq ?? 0}`;
  }

  async publish(eventId: string, change: FeedChange): Promise<FeedEntry> {
    let log = this.#logs.get(eventId);
    if (!log) this.#logs.set(eventId, (log = { seq: 0, entries: [] }));
    log.seq += 1;
    const entry = { id: `${this.#boot}.${log.seq}`, change };
    log.entries.push(entry);
    if (log.entries.length > this.backlog) log.entries.splice(0, log.entries.length - this.backlog);
    for (const listener of this.#listeners.get(eventId) ?? []) listener(entry);
    return entry;
  }

  async since(eventId: string, lastEventId: string): Promise<FeedEntry[] | null> {
    const [boot, seqText] = lastEventId.split('.');
    const seq = Number(seqText);
    if (boot !== this.#boot || !Number.isInteger(seq) || seq < 0) return null;
    const log = this.#logs.get(eventId) ?? { seq: 0, entries: [] };
    if (seq > log.seq) return null;
    if (seq === log.seq) return [];
    const first = log.entries[0];
    if (!first || Number(first.id.split('.')[1]) > seq + 1) return null;
    return log.entries.filter((e) => Number(e.id.split('.')[1]) > seq);
  }

  async subscribe(eventId: string, listener: FeedListener): Promise<() => void> {
    let set = this.#listeners.get(eventId);
    if (!set) this.#listeners.set(eventId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(eventId);
    };
  }

  newer(a: string, b: string): boolean {
    return Number(a.split('.')[1]) > Number(b.split('.')[1]);
  }

  async close(): Promise<void> {}
}
