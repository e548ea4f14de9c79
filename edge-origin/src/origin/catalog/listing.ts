// Paging, search and the weekly schedule: pure functions over catalog records and the clock.
import type { LiveEvent, Page, ScheduleResponse, SearchHit } from '../../../../shared/catalog/types.ts';
import { matchesQuery } from '../../../../shared/catalog/text.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** A page of `items`; `next` is `baseUrl` with the following offset, or null on the last page. */
export function pageOf<T>(items: T[], offset: number, limit: number, baseUrl: URL): Page<T> {
  const end = offset + limit;
  let next: string | null = null;
  if (end < items.length) {
    const url = new URL(baseUrl);
    url.searchParams.set('offset', String(end));
    url.searchParams.set('limit', String(limit));
    next = url.pathname + url.search;
  }
  return { items: items.slice(offset, end), total: items.length, next };
}

/** Calendar day of a time in the city's zone (what "the 28th" means to a viewer). */
const DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
export function localDay(ms: number): string {
  return DAY.format(new Date(ms));
}

/** Events overlapping [fromMs, fromMs + days), soonest first, grouped by local day of their start. */
export function scheduleOf(events: LiveEvent[], fromMs: number, days: number): ScheduleResponse {
  const toMs = fromMs + days * 86_400_000;
  const inRange = events
    .filter((e) => Date.parse(e.endsAt) > fromMs && Date.parse(e.startsAt) < toMs)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.id.localeCompare(b.id));
  const byDay = new Map<string, LiveEvent[]>();
  for (const e of inRange) {
    const day = localDay(Math.max(Date.parse(e.startsAt), fromMs));
    byDay.set(day, [...(byDay.get(day) ?? []), e]);
  }
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    days: [...byDay].map(([date, list]) => ({ date, events: list })),
  };
}

const KIND_ORDER = { event: 0, replay: 1, highlight: 2 } as const;
const STATUS_ORDER: Record<LiveEvent['status'], number> = {
  live: 0,
  scheduled: 1,
  ended: 2,
  published: 3,
  cancelled: 4,
};

/** Titles matching `query` (accent- and case-insensitive, every word): lives first, then replays, then highlights. */
export function searchHits(query: string, hits: SearchHit[], nowMs: number): SearchHit[] {
  const title = (h: SearchHit) =>
    h.kind === 'event' ? h.event.title : h.kind === 'replay' ? h.replay.title : h.highlight.title;
  const rank = (h: SearchHit) =>
    h.kind === 'event'
      ? STATUS_ORDER[h.event.status] * 1e15 + Math.abs(Date.parse(h.event.startsAt) - nowMs)
      : -Date.parse(h.kind === 'replay' ? h.replay.publishedAt : h.highlight.publishedAt);
  return hits
    .filter((h) => matchesQuery(title(h), query))
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || rank(a) - rank(b));
}
