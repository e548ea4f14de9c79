// The read API's response shapes as zod schemas, for the OpenAPI document. They describe the
// types of shared/catalog/types.ts; the `satisfies`-style checks at the bottom make tsc fail if
// the two drift apart.
import { z } from '@hono/zod-openapi';
import { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';
import type {
  ApiError,
  Channel,
  ChannelRails,
  Highlight,
  HomeResponse,
  LiveEvent,
  Replay,
  ScheduleResponse,
  SearchResponse,
  Sponsor,
} from '../../../../shared/catalog/types.ts';

export const ChannelIdSchema = z.enum(CHANNEL_IDS).openapi('ChannelId');
const isoDate = z.string().openapi({ format: 'date-time', example: '2026-11-28T19:00:00.000Z' });

export const ChannelSchema = z
  .object({
    id: ChannelIdSchema,
    name: z.string(),
    description: z.string(),
    color: z.string(),
    logo: z.string(),
    liveUrl: z.string(),
  })
  .openapi('Channel');

export const EventStatusSchema = z
  .enum(['scheduled', 'live', 'ended', 'published', 'cancelled'])
  .openapi('EventStatus');

export const LiveEventSchema = z
  .object({
    id: z.string(),
    channelId: ChannelIdSchema,
    title: z.string(),
    venue: z.string(),
    description: z.string(),
    poster: z.string(),
    startsAt: isoDate,
    endsAt: isoDate,
    status: EventStatusSchema,
    playbackUrl: z.string().optional(),
    replayId: z.string().optional(),
    sponsorId: z.string().optional(),
    startedAt: isoDate.optional(),
    endedAt: isoDate.optional(),
  })
  .openapi('LiveEvent');

export const ChapterSchema = z.object({ title: z.string(), start: z.number() }).openapi('Chapter');

export const ReplaySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    channelId: ChannelIdSchema,
    title: z.string(),
    description: z.string(),
    poster: z.string(),
    duration: z.number(),
    publishedAt: isoDate,
    playbackUrl: z.string(),
    chapters: z.array(ChapterSchema),
    thumbnails: z.string().optional().openapi({
      description: 'Piste WebVTT de vignettes pour la barre de recherche (tuiles de planches JPEG)',
      example: '/hls/vod/replay-conte/thumbnails.vtt',
    }),
  })
  .openapi('Replay');

export const HighlightSchema = z
  .object({
    id: z.string(),
    replayId: z.string(),
    channelId: ChannelIdSchema,
    title: z.string(),
    poster: z.string(),
    duration: z.number(),
    publishedAt: isoDate,
    playbackUrl: z.string(),
    thumbnails: z.string().optional().openapi({ description: 'Piste WebVTT de vignettes pour la barre de recherche' }),
    inPoint: z.number().optional(),
    outPoint: z.number().optional(),
  })
  .openapi('Highlight');

export const SponsorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    logo: z.string(),
    url: z.string(),
    channelIds: z.array(ChannelIdSchema).optional(),
  })
  .openapi('Sponsor');

export const ChannelRailsSchema = z
  .object({
    channel: ChannelSchema,
    onAir: LiveEventSchema.nullable(),
    upcoming: z.array(LiveEventSchema),
    replays: z.array(ReplaySchema),
    highlights: z.array(HighlightSchema),
  })
  .openapi('ChannelRails');

export const HomeSchema = z
  .object({ generatedAt: isoDate, channels: z.array(ChannelRailsSchema) })
  .openapi('HomeResponse');
export const ChannelsSchema = z.object({ channels: z.array(ChannelSchema) }).openapi('ChannelsResponse');

export const ScheduleSchema = z
  .object({
    from: isoDate,
    to: isoDate,
    days: z.array(z.object({ date: z.string(), events: z.array(LiveEventSchema) })),
  })
  .openapi('ScheduleResponse');

export const SearchHitSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('event'), event: LiveEventSchema }),
    z.object({ kind: z.literal('replay'), replay: ReplaySchema }),
    z.object({ kind: z.literal('highlight'), highlight: HighlightSchema }),
  ])
  .openapi('SearchHit');

export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z.object({ items: z.array(item), total: z.number().int(), next: z.string().nullable() }).openapi(name);
}

export const SearchSchema = z
  .object({ query: z.string(), items: z.array(SearchHitSchema), total: z.number().int(), next: z.string().nullable() })
  .openapi('SearchResponse');

export const ApiErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) })
  .openapi('ApiError');

/** JSON response entries for createRoute. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}
export const errorResponses = {
  400: json(ApiErrorSchema, 'Paramètre invalide (`field` dit lequel)'),
  404: json(ApiErrorSchema, 'Inconnu'),
  503: json(ApiErrorSchema, 'Stockage injoignable'),
} as const;

// Compile-time drift checks: each schema's output must be assignable to the shared type and back.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const drift: [
  Same<z.infer<typeof ChannelSchema>, Channel>,
  Same<z.infer<typeof LiveEventSchema>, LiveEvent>,
  Same<z.infer<typeof ReplaySchema>, Replay>,
  Same<z.infer<typeof HighlightSchema>, Highlight>,
  Same<z.infer<typeof SponsorSchema>, Sponsor>,
  Same<z.infer<typeof ChannelRailsSchema>, ChannelRails>,
  Same<z.infer<typeof HomeSchema>, HomeResponse>,
  Same<z.infer<typeof ScheduleSchema>, ScheduleResponse>,
  Same<z.infer<typeof SearchSchema>, SearchResponse>,
  Same<z.infer<typeof ApiErrorSchema>, ApiError>,
] = [true, true, true, true, true, true, true, true, true, true];
void drift;
