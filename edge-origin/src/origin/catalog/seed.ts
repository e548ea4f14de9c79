// The demo catalog's seed resolved into catalog records. The seed file's schema and checks are
// the media generator's (media/seed.ts): both read the same file. Times in the seed are relative
// ("starts in -40 minutes") and resolved against the clock when loaded, so the demo always has
// something on air.
import type { Channel, ChannelId, Highlight, LiveEvent, Replay } from '../../../../shared/catalog/types.ts';
import { imagePaths, livePaths, vodPaths } from '../../../../shared/hls/paths.ts';
import type { Seed } from '../../media/seed.ts';

/** Everything a catalog store holds. Event statuses here are the stored ones (see schedule.ts). */
export interface CatalogRecords {
  channels: Channel[];
  events: LiveEvent[];
  replays: Replay[];
  highlights: Highlight[];
}

/** Turns relative seed times into dates at `nowMs` and fills in derived fields (URLs, links). */
export function resolveSeed(seed: Seed, nowMs: number): CatalogRecords {
  const at = (minutes: number) => new Date(nowMs + minutes * 60_000).toISOString();
  const eventsById = new Map(seed.events.map((e) => [e.id, e]));
  const replayByEvent = new Map(seed.replays.map((r) => [r.eventId, r.id]));
  const replayChannel = (replayId: string): ChannelId =>
    eventsById.get(seed.replays.find((r) => r.id === replayId)!.eventId)!.channelId;

  const channels: Channel[] = seed.channels.map((c) => ({
    id: c.id,
    name: c.name,
    description: c.description,
    color: c.color.toUpperCase(),
    logo: imagePaths.logo(c.id),
    liveUrl: livePaths.master(c.id),
  }));

  const events: LiveEvent[] = seed.events.map((e) => {
    const event: LiveEvent = {
      id: e.id,
      channelId: e.channelId,
      title: e.title,
      venue: e.venue,
      description: e.description,
      poster: imagePaths.poster(e.id),
      startsAt: at(e.startsInMinutes),
      endsAt: at(e.startsInMinutes + e.durationMinutes),
      status: e.cancelled ? 'cancelled' : 'scheduled',
    };
    const replayId = replayByEvent.get(e.id);
    if (replayId) event.replayId = replayId;
    if (e.sponsorId) event.sponsorId = e.sponsorId;
    return event;
  });

  const replays: Replay[] = seed.replays.map((r) => ({
    id: r.id,
    eventId: r.eventId,
    channelId: eventsById.get(r.eventId)!.channelId,
    title: r.title,
    description: r.description,
    poster: imagePaths.poster(r.id),
    duration: r.mediaSeconds,
    publishedAt: at(r.publishedInMinutes),
    playbackUrl: vodPaths.master(r.id),
    chapters: r.chapters.map((ch) => ({ title: ch.title, start: ch.start })),
  }));

  const highlights: Highlight[] = seed.highlights.map((h) => ({
    id: h.id,
    replayId: h.replayId,
    channelId: replayChannel(h.replayId),
    title: h.title,
    poster: imagePaths.poster(h.id),
    duration: h.mediaSeconds,
    publishedAt: at(h.publishedInMinutes),
    playbackUrl: vodPaths.master(h.id),
  }));

  return { channels, events, replays, highlights };
}
