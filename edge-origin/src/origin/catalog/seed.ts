// The demo catalog's seed file (edge-origin/data/seed.json): its schema, and its resolution
// into catalog records. Times in the seed are relative ("starts in -40 minutes") and resolved
// against the clock when loaded, so the demo always has something on air.
import { z } from 'zod';
import { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';
import type { Channel, ChannelId, Highlight, LiveEvent, Replay } from '../../../../shared/catalog/types.ts';
import { imagePaths, livePaths, vodPaths } from '../../../../shared/hls/paths.ts';

/** Catalog ids are URL path segments: lowercase ASCII, digits and dashes. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,79}$/;

const id = z.string().regex(ID_PATTERN);
const channelId = z.enum(CHANNEL_IDS);

export const SeedSchema = z.object({
  channels: z
    .array(
      z.object({
        id: channelId,
        name: z.string().min(1),
        color: z.string().regex(/^#[0-9A-Fa-f]{6}$/),
        description: z.string(),
      }),
    )
    .length(CHANNEL_IDS.length),
  events: z.array(
    z.object({
      id,
      channelId,
      title: z.string().min(1),
      venue: z.string(),
      description: z.string(),
      startsInMinutes: z.number(),
      durationMinutes: z.number().positive(),
      cancelled: z.boolean().optional(),
      sponsorId: z.string().optional(),
    }),
  ),
  replays: z.array(
    z.object({
      id,
      eventId: id,
      title: z.string().min(1),
      description: z.string(),
      publishedInMinutes: z.number().max(0),
      /** Length of the demo media, seconds: a multiple of the segment duration. */
      mediaSeconds: z.number().int().positive(),
      chapters: z.array(z.object({ title: z.string(), start: z.number().nonnegative() })),
    }),
  ),
  highlights: z.array(
    z.object({
      id,
      replayId: id,
      title: z.string().min(1),
      publishedInMinutes: z.number().max(0),
      mediaSeconds: z.number().int().positive(),
    }),
  ),
});

export type Seed = z.infer<typeof SeedSchema>;

/** Everything a catalog store holds. Event statuses here are the stored ones (see schedule.ts). */
export interface CatalogRecords {
  channels: Channel[];
  events: LiveEvent[];
  replays: Replay[];
  highlights: Highlight[];
}

export function parseSeed(json: unknown): Seed {
  const seed = SeedSchema.parse(json);
  checkReferences(seed);
  return seed;
}

/** Turns relative seed times into dates at `nowMs` and fills in derived fields (URLs, links). */
export function resolveSeed(seed: Seed, nowMs: number): CatalogRecords {
  const at = (minutes: number) => new Date(nowMs + minutes * 60_000).toISOString();
  const eventsById = new Map(seed.events.map((e) => [e.id, e]));
  const replayByEvent = new Map(seed.replays.map((r) => [r.eventId, r.id]));
  const replayChannel = (replayId: string): ChannelId => eventsById.get(seed.replays.find((r) => r.id === replayId)!.eventId)!.channelId;

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

function checkReferences(seed: Seed): void {
  const ids = new Set<string>();
  for (const item of [...seed.events, ...seed.replays, ...seed.highlights]) {
    if (ids.has(item.id)) throw new Error(`seed: duplicate id "${item.id}"`);
    ids.add(item.id);
  }
  const eventIds = new Set(seed.events.map((e) => e.id));
  const replayIds = new Set(seed.replays.map((r) => r.id));
  for (const r of seed.replays) {
    if (!eventIds.has(r.eventId)) throw new Error(`seed: replay "${r.id}" points at unknown event "${r.eventId}"`);
    for (const ch of r.chapters) {
      if (ch.start >= r.mediaSeconds) throw new Error(`seed: chapter "${ch.title}" of "${r.id}" starts after the end`);
    }
  }
  for (const h of seed.highlights) {
    if (!replayIds.has(h.replayId)) throw new Error(`seed: highlight "${h.id}" points at unknown replay "${h.replayId}"`);
  }
}
