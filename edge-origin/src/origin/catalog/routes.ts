// The read-only catalog API, `/api/v1/...`. Thin: validates ids, asks the store and the
// schedule, shapes the JSON of shared/catalog/types.ts.
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { isChannelId } from '../../../../shared/catalog/types.ts';
import type { ChannelsResponse, HomeResponse } from '../../../../shared/catalog/types.ts';
import { apiError } from '../http/api-errors.ts';
import { CACHE_CONTROL } from '../http/cache-control.ts';
import { ID_PATTERN } from './seed.ts';
import { channelRailsAt, eventAt } from './schedule.ts';
import type { CatalogStore } from './store.ts';

/**
 * `generatedAt` is rounded down to the API's cache lifetime: the home is a snapshot per 10 s
 * tick, so its ETag (a hash of the body) stays the same within a tick and revalidations
 * answer 304 instead of resending the same catalog with a new timestamp.
 */
const SNAPSHOT_MS = 10_000;

export function catalogRoutes(store: CatalogStore, now: () => number): Hono {
  const api = new Hono();

  api.use('*', etag(), async (c, next) => {
    await next();
    c.header('Cache-Control', CACHE_CONTROL.api);
  });

  api.get('/home', async (c) => {
    const nowMs = now();
    const channels = await store.listChannels();
    const rails = await Promise.all(channels.map((ch) => channelRailsAt(store, ch.id, nowMs)));
    const body: HomeResponse = {
      generatedAt: new Date(Math.floor(nowMs / SNAPSHOT_MS) * SNAPSHOT_MS).toISOString(),
      channels: rails.filter((r) => r !== null),
    };
    return c.json(body);
  });

  api.get('/channels', async (c) => {
    const body: ChannelsResponse = { channels: await store.listChannels() };
    return c.json(body);
  });

  api.get('/channels/:id', async (c) => {
    const id = c.req.param('id');
    if (!ID_PATTERN.test(id)) return badId(c, id);
    const rails = isChannelId(id) ? await channelRailsAt(store, id, now()) : null;
    return rails ? c.json(rails) : notFound(c, 'channel', id);
  });

  api.get('/events/:id', async (c) => {
    const id = c.req.param('id');
    if (!ID_PATTERN.test(id)) return badId(c, id);
    const event = await store.getEvent(id);
    if (!event) return notFound(c, 'event', id);
    const channel = await store.getChannel(event.channelId);
    return c.json(eventAt(event, channel?.liveUrl ?? '', now()));
  });

  api.get('/replays/:id', async (c) => {
    const id = c.req.param('id');
    if (!ID_PATTERN.test(id)) return badId(c, id);
    const replay = await store.getReplay(id);
    return replay ? c.json(replay) : notFound(c, 'replay', id);
  });

  api.get('/highlights/:id', async (c) => {
    const id = c.req.param('id');
    if (!ID_PATTERN.test(id)) return badId(c, id);
    const highlight = await store.getHighlight(id);
    return highlight ? c.json(highlight) : notFound(c, 'highlight', id);
  });

  api.all('*', (c) => apiError(c, 404, 'not_found', `Aucune ressource ${c.req.method} ${c.req.path}`));

  return api;
}

const NOT_FOUND_LABEL = { channel: 'Chaîne inconnue', event: 'Événement inconnu', replay: 'Replay inconnu', highlight: 'Résumé inconnu' } as const;

function notFound(c: Parameters<typeof apiError>[0], kind: keyof typeof NOT_FOUND_LABEL, id: string): Response {
  return apiError(c, 404, `${kind}_not_found`, `${NOT_FOUND_LABEL[kind]} : « ${id} »`, 'id');
}

function badId(c: Parameters<typeof apiError>[0], id: string): Response {
  return apiError(c, 400, 'invalid_id', `Identifiant invalide : « ${id.slice(0, 80)} »`, 'id');
}
