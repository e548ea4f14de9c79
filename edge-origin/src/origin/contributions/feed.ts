// What venue screens follow: per event, the approved contributions' changes (approved, pinned,
// unpinned, removed) as a numbered log, pushed to listeners as they happen. Ids are
// `<boot>.<seq>`: a screen reconnecting with `Last-Event-ID` gets exactly what it missed, and one
// whose id is from before a restart (or older than the backlog kept) gets a fresh snapshot.
// The log lives in this process: with several origin replicas, screens must reach the replica
// the staff moderate on (README: « Push »).
import type { PublicContribution } from './model.ts';

export type FeedChange =
  | { type: 'approved' | 'pinned' | 'unpinned'; item: PublicContribution }
  | { type: 'removed'; id: string };

export interface FeedEntry {
  id: string;
  change: FeedChange;
}

type Listener = (entry: FeedEntry) => void;

export class ContributionFeed {
  readonly #boot = Math.floor(Math.random() * 36 ** 6).toString(36);
  readonly #logs = new Map<string, { seq: number; entries: FeedEntry[] }>();
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(readonly backlog: number) {}

  lastId(eventId: string): string {
    return `${this.#boot}.${this.#logs.get(eventId)?.seq ?? 0}`;
  }

  publish(eventId: string, change: FeedChange): FeedEntry {
    let log = this.#logs.get(eventId);
    if (!log) this.#logs.set(eventId, (log = { seq: 0, entries: [] }));
    log.seq += 1;
    const entry = { id: `${this.#boot}.${log.seq}`, change };
    log.entries.push(entry);
    if (log.entries.length > this.backlog) log.entries.splice(0, log.entries.length - this.backlog);
    for (const listener of this.#listeners.get(eventId) ?? []) listener(entry);
    return entry;
  }

  /** What came after `lastEventId`, or null when it cannot be told (another boot, too old). */
  since(eventId: string, lastEventId: string): FeedEntry[] | null {
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

  subscribe(eventId: string, listener: Listener): () => void {
    let set = this.#listeners.get(eventId);
    if (!set) this.#listeners.set(eventId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(eventId);
    };
  }

  listeners(eventId: string): number {
    return this.#listeners.get(eventId)?.size ?? 0;
  }
}
