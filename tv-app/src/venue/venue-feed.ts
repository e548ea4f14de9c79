// The venue screen's state (pure): the approved contributions as the origin's feed and stream
// tell them (snapshot, approved, pinned, unpinned, removed), and which one the big card shows.
// A fresh approval goes on screen at once (under 5 s from « approve », issue #13), then the
// card rotates through what is approved; pinned ones stay twice as long.

/** What the origin publishes of an approved contribution (origin/contributions/model.ts). */
export interface VenueItem {
  id: string;
  firstName: string;
  message: string;
  pinned: boolean;
  /** The re-encoded photo's path on the origin. */
  photo: string;
  width: number;
  height: number;
  approvedAt: string;
}

export type VenueChange =
  | { type: 'approved' | 'pinned' | 'unpinned'; item: VenueItem }
  | { type: 'removed'; id: string };

/**
 * Feed ids (origin/contributions/feed.ts): `<boot>.<seq>` from one origin's memory, or a Redis
 * stream's `<ms>-<n>` when several origins share one; `seq` orders ids of the same `boot`.
 */
export function feedPosition(id: string): { boot: string; seq: number } | null {
  const stream = /^(\d+)-(\d+)$/.exec(id);
  // Exact as a number while fewer than a thousand entries share a millisecond.
  if (stream) return { boot: 'stream', seq: Number(stream[1]) * 1000 + Number(stream[2]) };
  const [boot, seqText] = id.split('.');
  const seq = Number(seqText);
  return boot && Number.isInteger(seq) ? { boot, seq } : null;
}

/** True when the snapshot at `snapshotId` is not older than what the stream already applied. */
export function snapshotIsCurrent(snapshotId: string, appliedId: string | null): boolean {
  if (!appliedId) return true;
  const snap = feedPosition(snapshotId);
  const applied = feedPosition(appliedId);
  if (!snap || !applied || snap.boot !== applied.boot) return true; // the origin restarted: its snapshot is the truth
  return snap.seq >= applied.seq;
}

export const DWELL_MS = 8_000;
export const PINNED_DWELL_MS = 16_000;
/** A fresh approval on the card is not replaced by the next fresh one before this. */
export const FRESH_MIN_MS = 4_000;

function isItem(value: unknown): value is VenueItem {
  const v = value as Partial<VenueItem> | null;
  return (
    !!v &&
    typeof v.id === 'string' &&
    typeof v.firstName === 'string' &&
    typeof v.message === 'string' &&
    typeof v.photo === 'string' &&
    typeof v.approvedAt === 'string'
  );
}

/** A stream message's data, checked (anything else is dropped, never shown). */
export function parseChange(type: string, data: unknown): VenueChange | null {
  const d = data as { item?: unknown; id?: unknown } | null;
  if (type === 'removed') return typeof d?.id === 'string' ? { type, id: d.id } : null;
  if ((type === 'approved' || type === 'pinned' || type === 'unpinned') && isItem(d?.item))
    return { type, item: { ...d.item, pinned: !!d.item.pinned } };
  return null;
}

export function parseItems(data: unknown): VenueItem[] {
  const items = (data as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items.filter(isItem) : [];
}

export class VenueFeed {
  private readonly items = new Map<string, VenueItem>();
  /** Approved while on air and not shown yet, oldest first. */
  private fresh: string[] = [];
  private current: string | null = null;
  private shownAt = 0;
  private currentWasFresh = false;

  /** The whole list (a snapshot or a re-read feed): what is gone goes, what is new is fresh. */
  replace(items: VenueItem[]): void {
    const known = new Set(this.items.keys());
    this.items.clear();
    for (const item of items) {
      this.items.set(item.id, item);
      if (known.size > 0 && !known.has(item.id)) this.fresh.push(item.id);
    }
  }

  apply(change: VenueChange): void {
    if (change.type === 'removed') {
      this.items.delete(change.id);
      return;
    }
    const isNew = !this.items.has(change.item.id);
    this.items.set(change.item.id, change.item);
    if (change.type === 'approved' && isNew) this.fresh.push(change.item.id);
  }

  /** Pinned first, then the newest approvals. */
  list(): VenueItem[] {
    return [...this.items.values()].sort(
      (a, b) => Number(b.pinned) - Number(a.pinned) || b.approvedAt.localeCompare(a.approvedAt),
    );
  }

  /** The item the card shows at `now` (ms), moving the rotation on when its time is up. */
  showing(now: number): VenueItem | null {
    this.fresh = this.fresh.filter((id) => this.items.has(id));
    const current = this.current ? this.items.get(this.current) : undefined;
    const shownFor = now - this.shownAt;
    const nextFresh = this.fresh[0];
    if (nextFresh && (!current || !this.currentWasFresh || shownFor >= FRESH_MIN_MS)) {
      this.fresh.shift();
      return this.show(nextFresh, now, true);
    }
    if (current && shownFor < (current.pinned ? PINNED_DWELL_MS : DWELL_MS)) return current;
    const list = this.list();
    if (list.length === 0) {
      this.current = null;
      return null;
    }
    const at = current ? list.findIndex((i) => i.id === current.id) : -1;
    const next = list[(at + 1) % list.length] ?? list[0];
    return next ? this.show(next.id, now, false) : null;
  }

  private show(id: string, now: number, fresh: boolean): VenueItem | null {
    this.current = id;
    this.shownAt = now;
    this.currentWasFresh = fresh;
    return this.items.get(id) ?? null;
  }
}
