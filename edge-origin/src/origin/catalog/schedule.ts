// What the catalog looks like at a given moment: which event is on air, what is coming up.
// Pure functions of (records, clock), on top of any CatalogStore.
import type { ChannelId, ChannelRails, EventStatus, LiveEvent } from '../../../../shared/catalog/types.ts';
import type { CatalogStore } from './store.ts';

/**
 * The status of an event at `nowMs`. A status the staff set (live, ended, published, cancelled)
 * wins; a `scheduled` event follows its timetable (on air between its times), which is how the
 * seeded demo keeps something on air and how a live the staff forgot to start still shows.
 */
export function eventStatusAt(event: LiveEvent, nowMs: number): EventStatus {
  if (event.status !== 'scheduled') return event.status;
  if (nowMs < Date.parse(event.startsAt)) return 'scheduled';
  if (nowMs < Date.parse(event.endsAt)) return 'live';
  return event.replayId ? 'published' : 'ended';
}

/** The event as the API shows it at `nowMs`: current status, and the live URL while on air. */
export function eventAt(event: LiveEvent, liveUrl: string, nowMs: number): LiveEvent {
  const status = eventStatusAt(event, nowMs);
  const { playbackUrl: _stored, ...rest } = event;
  return status === 'live' ? { ...rest, status, playbackUrl: liveUrl } : { ...rest, status };
}

/**
 * Items per rail: the home and channel pages stay small however long the archive grows; the
 * rest is paged through `/api/v1/replays`, `/highlights` and `/events`.
 */
export const RAIL_LIMIT = 20;

/** One channel's rails at `nowMs`, or null for an unknown channel. */
export async function channelRailsAt(
  store: CatalogStore,
  channelId: ChannelId,
  nowMs: number,
): Promise<ChannelRails | null> {
  const [channel, events, replays, highlights] = await Promise.all([
    store.getChannel(channelId),
    store.listEvents({ channelId }),
    store.listReplays({ channelId }),
    store.listHighlights({ channelId }),
  ]);
  if (!channel) return null;
  const current = events.map((e) => eventAt(e, channel.liveUrl, nowMs));
  const byStart = (a: LiveEvent, b: LiveEvent) => Date.parse(a.startsAt) - Date.parse(b.startsAt);
  const newestFirst = (a: { publishedAt: string }, b: { publishedAt: string }) =>
    Date.parse(b.publishedAt) - Date.parse(a.publishedAt);
  const published = (item: { publishedAt: string }) => Date.parse(item.publishedAt) <= nowMs;
  const staffStarted = (e: LiveEvent) => (e.startedAt ? 1 : 0);
  return {
    channel,
    // A live the staff started beats one that is on air only by the timetable.
    onAir:
      current
        .filter((e) => e.status === 'live')
        .sort((a, b) => staffStarted(b) - staffStarted(a) || byStart(a, b))[0] ?? null,
    upcoming: current
      .filter((e) => e.status === 'scheduled')
      .sort(byStart)
      .slice(0, RAIL_LIMIT),
    replays: replays.filter(published).sort(newestFirst).slice(0, RAIL_LIMIT),
    highlights: highlights.filter(published).sort(newestFirst).slice(0, RAIL_LIMIT),
  };
}
