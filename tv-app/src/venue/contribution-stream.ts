// The venue screen's push: Server-Sent Events through the edge (the edge passes `no-store`
// answers through as they stream). EventSource reconnects by itself and sends Last-Event-ID,
// the origin resends what was missed. A stream the browser gave up on (an HTTP error during the
// blip closes it for good) is reopened here from the last id; on every reconnection the feed
// is read again.
import { API } from './contributions-client.ts';
import { parseChange, parseItems, snapshotIsCurrent, type VenueChange, type VenueItem } from './venue-feed.ts';
import { serviceUrl } from '../platform/service-base.ts';

export interface FeedListener {
  /** The whole approved list (first load, a snapshot, a re-read after a reconnection). */
  replace(items: VenueItem[]): void;
  change(change: VenueChange): void;
  /** The stream is up (true) or down (false). */
  connected?(up: boolean): void;
}

const CHANGES = ['approved', 'pinned', 'unpinned', 'removed'] as const;
const REOPEN_MS = 2_000;

export class ContributionStream {
  private source: EventSource | null = null;
  private lastId: string | null = null;
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private wasDown = false;
  private stopped = false;

  constructor(
    private readonly eventId: string,
    private readonly listener: FeedListener,
  ) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.source?.close();
    this.source = null;
  }

  private open(): void {
    const resume = this.lastId ? `?lastEventId=${encodeURIComponent(this.lastId)}` : '';
    const source = new EventSource(serviceUrl(`${API}/${encodeURIComponent(this.eventId)}/stream${resume}`));
    this.source = source;
    source.addEventListener('open', () => {
      this.listener.connected?.(true);
      if (this.wasDown) void this.reread();
      this.wasDown = false;
    });
    source.addEventListener('error', () => {
      this.wasDown = true;
      this.listener.connected?.(false);
      // CONNECTING: the browser retries by itself. CLOSED: it gave up; reopen from the last id.
      if (source.readyState === EventSource.CLOSED && !this.stopped) {
        source.close();
        this.reopenTimer = setTimeout(() => this.open(), REOPEN_MS);
      }
    });
    source.addEventListener('snapshot', (e) => {
      const message = e as MessageEvent<string>;
      this.lastId = message.lastEventId || this.lastId;
      this.listener.replace(parseItems(safeJson(message.data)));
    });
    for (const type of CHANGES) {
      source.addEventListener(type, (e) => {
        const message = e as MessageEvent<string>;
        this.lastId = message.lastEventId || this.lastId;
        const change = parseChange(type, safeJson(message.data));
        if (change) this.listener.change(change);
      });
    }
  }

  /** After a blip: the feed as it is now, unless the stream has already gone past it. */
  private async reread(): Promise<void> {
    try {
      const response = await fetch(serviceUrl(`${API}/${encodeURIComponent(this.eventId)}/feed`), {
        cache: 'no-store',
      });
      if (!response.ok) return;
      const body = (await response.json()) as { lastEventId?: string };
      if (typeof body.lastEventId === 'string' && snapshotIsCurrent(body.lastEventId, this.lastId))
        this.listener.replace(parseItems(body));
    } catch {
      // Down again: the next reconnection reads it.
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
