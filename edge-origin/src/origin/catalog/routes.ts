// The read-only catalog API, `/api/v1/...`, as the TV app and the edge see it. Thin: validates
// parameters (schemas that also write the OpenAPI document), asks the store and the schedule,
// shapes the JSON of shared/catalog/types.ts, and tags each answer for caching:
// Cache-Control (10 s), a strong ETag (If-None-Match → 304) and Surrogate-Key (edge purges).
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { etag } from 'hono/etag';
import type {
  ChannelsResponse,
  HomeResponse,
  LiveEvent,
  SearchHit,
  SearchResponse,
} from '../../../../shared/catalog/types.ts';
import { ID_PATTERN } from '../../../../shared/catalog/ids.ts';
import type { ApiError } from '../../../../shared/catalog/types.ts';
import { CACHE_CONTROL, STORE_STALE_HEADER } from '../http/cache-control.ts';
import { SURROGATE_KEY_HEADER, surrogateKeyHeader, surrogateKeys } from '../http/surrogate-keys.ts';
import { addRoute } from '../http/openapi-route.ts';
import type { RouteRequest } from '../http/openapi-route.ts';
import { validationHook } from '../http/validation.ts';
import {
  ChannelIdSchema,
  ChannelRailsSchema,
  ChannelsSchema,
  HighlightSchema,
  HomeSchema,
  LiveEventSchema,
  ReplaySchema,
  ScheduleSchema,
  SearchSchema,
  SponsorSchema,
  errorResponses,
  json,
  pageSchema,
} from './api-schemas.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageOf, scheduleOf, searchHits } from './listing.ts';
import { channelRailsAt, eventAt } from './schedule.ts';
import { StoreUnavailableError } from '../store/records.ts';
import type { CatalogStore } from './store.ts';

/**
 * `generatedAt` is rounded down to the API's cache lifetime: the home is a snapshot per 10 s
 * tick, so its ETag (a hash of the body) stays the same within a tick and revalidations
 * answer 304 instead of resending the same catalog with a new timestamp.
 */
const SNAPSHOT_MS = 10_000;

const IdParam = z.object({
  id: z
    .string()
    .regex(ID_PATTERN, 'identifiant attendu : minuscules, chiffres et tirets')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'sport-hbc-nantes' }),
});
const PagingQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({ param: { name: 'offset', in: 'query' } }),
};
const ChannelQuery = ChannelIdSchema.optional().openapi({ param: { name: 'channel', in: 'query' } });

const get = <R extends RouteRequest>(path: string, summary: string, response: z.ZodType, request?: R) => ({
  method: 'get' as const,
  path,
  summary,
  tags: ['TV'],
  ...(request ? { request } : {}),
  responses: { 200: json(response, 'OK'), ...errorResponses },
});

export function catalogRoutes(store: CatalogStore, now: () => number): OpenAPIHono {
  const api = new OpenAPIHono({ defaultHook: validationHook });

  api.use('*', etag(), async (c, next) => {
    await next();
    // A server error (store unreachable) must not be kept by the edges: it says so itself.
    if (c.res.status >= 500) return;
    c.header('Cache-Control', CACHE_CONTROL.api);
    // Redis unreachable: answered from the store's last good copy, this many seconds old at least.
    const stale = store.staleSeconds?.();
    if (stale !== undefined) c.header(STORE_STALE_HEADER, String(stale));
  });

  addRoute(api, get('/home', 'Accueil : par chaîne, le direct, à venir, replays, résumés', HomeSchema), async (c) => {
    const nowMs = now();
    const channels = await seededChannels(store);
    const rails = await Promise.all(channels.map((ch) => channelRailsAt(store, ch.id, nowMs)));
    const body: HomeResponse = {
      generatedAt: new Date(Math.floor(nowMs / SNAPSHOT_MS) * SNAPSHOT_MS).toISOString(),
      channels: rails.filter((r) => r !== null),
    };
    tag(c, surrogateKeys.catalog, ...channels.map((ch) => surrogateKeys.channel(ch.id)));
    return c.json(body, 200);
  });

  addRoute(api, get('/channels', 'Les quatre chaînes', ChannelsSchema), async (c) => {
    const body: ChannelsResponse = { channels: await seededChannels(store) };
    tag(c, surrogateKeys.catalog);
    return c.json(body, 200);
  });

  addRoute(
    api,
    get('/channels/{id}', "Page d'une chaîne", ChannelRailsSchema, { params: IdParam }),
    async (c, input) => {
      const { id } = input.param;
      const parsed = ChannelIdSchema.safeParse(id);
      const rails = parsed.success ? await channelRailsAt(store, parsed.data, now()) : null;
      if (!rails) return notFound(c, 'channel', id);
      tag(c, surrogateKeys.catalog, surrogateKeys.channel(id));
      return c.json(rails, 200);
    },
  );

  addRoute(
    api,
    get('/events', 'Événements (paginés), les plus proches d’abord', pageSchema(LiveEventSchema, 'EventPage'), {
      query: z.object({ channel: ChannelQuery, ...PagingQuery }),
    }),
    async (c, input) => {
      const { channel, limit, offset } = input.query;
      const events = await currentEvents(store, now(), channel);
      events.sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt));
      tag(c, surrogateKeys.catalog);
      return c.json(pageOf(events, offset, limit, new URL(c.req.url)), 200);
    },
  );

  addRoute(
    api,
    get('/events/{id}', "Détail d'un événement", LiveEventSchema, { params: IdParam }),
    async (c, input) => {
      const { id } = input.param;
      const event = await store.getEvent(id);
      if (!event) return notFound(c, 'event', id);
      const channel = await store.getChannel(event.channelId);
      tag(c, surrogateKeys.event(id), surrogateKeys.channel(event.channelId));
      return c.json(eventAt(event, channel?.liveUrl ?? '', now()), 200);
    },
  );

  addRoute(
    api,
    get(
      '/replays',
      'Replays publiés (paginés), du plus récent au plus ancien',
      pageSchema(ReplaySchema, 'ReplayPage'),
      { query: z.object({ channel: ChannelQuery, ...PagingQuery }) },
    ),
    async (c, input) => {
      const { channel, limit, offset } = input.query;
      const nowMs = now();
      const replays = (await store.listReplays(channel ? { channelId: channel } : undefined)).filter(
        (r) => Date.parse(r.publishedAt) <= nowMs,
      );
      replays.sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
      tag(c, surrogateKeys.catalog);
      return c.json(pageOf(replays, offset, limit, new URL(c.req.url)), 200);
    },
  );

  addRoute(api, get('/replays/{id}', "Détail d'un replay", ReplaySchema, { params: IdParam }), async (c, input) => {
    const { id } = input.param;
    const replay = await store.getReplay(id);
    if (!replay) return notFound(c, 'replay', id);
    tag(c, surrogateKeys.replay(id), surrogateKeys.event(replay.eventId), surrogateKeys.channel(replay.channelId));
    return c.json(replay, 200);
  });

  addRoute(
    api,
    get(
      '/highlights',
      'Résumés publiés (paginés), du plus récent au plus ancien',
      pageSchema(HighlightSchema, 'HighlightPage'),
      {
        query: z.object({
          channel: ChannelQuery,
          replay: z
            .string()
            .regex(ID_PATTERN)
            .optional()
            .openapi({ param: { name: 'replay', in: 'query' } }),
          ...PagingQuery,
        }),
      },
    ),
    async (c, input) => {
      const { channel, replay, limit, offset } = input.query;
      const nowMs = now();
      const highlights = (await store.listHighlights(channel ? { channelId: channel } : undefined)).filter(
        (h) => Date.parse(h.publishedAt) <= nowMs && (!replay || h.replayId === replay),
      );
      highlights.sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
      tag(c, surrogateKeys.catalog);
      return c.json(pageOf(highlights, offset, limit, new URL(c.req.url)), 200);
    },
  );

  addRoute(
    api,
    get('/highlights/{id}', "Détail d'un résumé", HighlightSchema, { params: IdParam }),
    async (c, input) => {
      const { id } = input.param;
      const highlight = await store.getHighlight(id);
      if (!highlight) return notFound(c, 'highlight', id);
      tag(
        c,
        surrogateKeys.highlight(id),
        surrogateKeys.replay(highlight.replayId),
        surrogateKeys.channel(highlight.channelId),
      );
      return c.json(highlight, 200);
    },
  );

  addRoute(api, get('/sponsors', 'Partenaires', z.object({ sponsors: z.array(SponsorSchema) })), async (c) => {
    tag(c, surrogateKeys.catalog);
    return c.json({ sponsors: await store.listSponsors() }, 200);
  });

  addRoute(
    api,
    get(
      '/schedule',
      'Programme : les événements des prochains jours, groupés par jour (heure de Paris)',
      ScheduleSchema,
      {
        query: z.object({
          from: z.iso
            .datetime({ offset: true })
            .optional()
            .openapi({ param: { name: 'from', in: 'query' }, description: 'Début (ISO 8601) ; maintenant par défaut' }),
          days: z.coerce
            .number()
            .int()
            .min(1)
            .max(31)
            .default(7)
            .openapi({ param: { name: 'days', in: 'query' } }),
          channel: ChannelQuery,
        }),
      },
    ),
    async (c, input) => {
      const { from, days, channel } = input.query;
      const nowMs = now();
      // Without `from`, start at the current minute: the URL (and so the cache key) is stable.
      const fromMs = from ? Date.parse(from) : Math.floor(nowMs / 60_000) * 60_000;
      tag(c, surrogateKeys.catalog);
      return c.json(scheduleOf(await currentEvents(store, nowMs, channel), fromMs, days), 200);
    },
  );

  addRoute(
    api,
    get(
      '/search',
      'Recherche par titre (sans accents ni majuscules : « evenement » trouve « Événement »)',
      SearchSchema,
      {
        query: z.object({
          q: z
            .string()
            .trim()
            .min(1, 'texte à chercher attendu')
            .max(100)
            .openapi({ param: { name: 'q', in: 'query' } }),
          ...PagingQuery,
        }),
      },
    ),
    async (c, input) => {
      const { q, limit, offset } = input.query;
      const nowMs = now();
      const [events, replays, highlights] = await Promise.all([
        currentEvents(store, nowMs),
        store.listReplays(),
        store.listHighlights(),
      ]);
      const published = (x: { publishedAt: string }) => Date.parse(x.publishedAt) <= nowMs;
      const hits = searchHits(
        q,
        [
          ...events.filter((e) => e.status !== 'cancelled').map((event): SearchHit => ({ kind: 'event', event })),
          ...replays.filter(published).map((replay): SearchHit => ({ kind: 'replay', replay })),
          ...highlights.filter(published).map((highlight): SearchHit => ({ kind: 'highlight', highlight })),
        ],
        nowMs,
      );
      const body: SearchResponse = { query: q, ...pageOf(hits, offset, limit, new URL(c.req.url)) };
      tag(c, surrogateKeys.catalog);
      return c.json(body, 200);
    },
  );

  api.all('*', (c) => fail(c, 404, 'not_found', `Aucune ressource ${c.req.method} ${c.req.path}`));

  return api;
}

/**
 * The channels, or StoreUnavailableError (503, not cached) while the store is not seeded yet (a
 * Redis that just came up): an empty home must not be cached by the edges as if it were true.
 */
async function seededChannels(store: CatalogStore) {
  const channels = await store.listChannels();
  if (channels.length === 0) throw new StoreUnavailableError('catalogue pas encore initialisé');
  return channels;
}

/** Every event as the TV sees it now (statuses derived from the clock, live URL while on air). */
async function currentEvents(
  store: CatalogStore,
  nowMs: number,
  channel?: LiveEvent['channelId'],
): Promise<LiveEvent[]> {
  const [events, channels] = await Promise.all([
    store.listEvents(channel ? { channelId: channel } : undefined),
    store.listChannels(),
  ]);
  const liveUrl = new Map(channels.map((ch) => [ch.id, ch.liveUrl]));
  return events.map((e) => eventAt(e, liveUrl.get(e.channelId) ?? '', nowMs));
}

function tag(c: Context, ...keys: string[]): void {
  c.header(SURROGATE_KEY_HEADER, surrogateKeyHeader(keys));
}

function fail(c: Context, status: 400 | 404 | 503, code: string, message: string, field?: string) {
  const body: ApiError = { error: field ? { code, message, field } : { code, message } };
  return c.json(body, status);
}

const NOT_FOUND_LABEL = {
  channel: 'Chaîne inconnue',
  event: 'Événement inconnu',
  replay: 'Replay inconnu',
  highlight: 'Résumé inconnu',
} as const;

function notFound(c: Context, kind: keyof typeof NOT_FOUND_LABEL, id: string) {
  return fail(c, 404, `${kind}_not_found`, `${NOT_FOUND_LABEL[kind]} : « ${id} »`, 'id');
}
