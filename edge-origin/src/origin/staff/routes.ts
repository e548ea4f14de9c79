// The staff API, `/api/v1/staff/...`: the back office's writes. Every route is declared with
// its schemas (validation + OpenAPI), needs a bearer token (editor, or admin where marked), and
// goes through `write()`: read what it changes, compute the new records, commit them together
// with the audit entry in ONE atomic store write that expects the records it read to be
// unchanged (so nothing partial is stored, and two racing requests cannot both win), then purge
// the edges. Nothing is cached: answers are `no-store`.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { imagePaths, vodPaths } from '../../../../shared/hls/paths.ts';
import { liveEdge } from '../../../../shared/hls/live-clock.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import { ApiErrorSchema, HighlightSchema, LiveEventSchema, ReplaySchema, SponsorSchema, json } from '../catalog/api-schemas.ts';
import { publicEvent, publicHighlight, publicReplay } from '../catalog/record-catalog.ts';
import { eventAt } from '../catalog/schedule.ts';
import type { MediaLibrary } from '../files/media-library.ts';
import type { LiveChannels } from '../live/live-channels.ts';
import { addRoute } from '../http/openapi-route.ts';
import { surrogateKeys } from '../http/surrogate-keys.ts';
import { validationHook } from '../http/validation.ts';
import { checkPosterUpload, imageStoreKey, posterKey, resizePoster, uploadedPosterPath } from '../images/poster-upload.ts';
import type { EdgePurgeClient } from '../purge/edge-purge-client.ts';
import { clipOf, cutDuration, cutStream, wholeAssetCut } from '../recordings/cuts.ts';
import type { RecordStore } from '../store/record-store.ts';
import { StoreConflictError, StoreUnavailableError } from '../store/records.ts';
import type { Change, MediaCut, StaffTokenRecord, StoredEvent, StoredHighlight, StoredReplay } from '../store/records.ts';
import type { Sponsor } from '../../../../shared/catalog/types.ts';
import type { Campaign } from '../ads/model.ts';
import { hashToken, newToken, publicToken, requireRole, tokenIdOf } from './auth.ts';
import type { StaffActor } from './auth.ts';
import { StaffError, staffErrorResponse } from './errors.ts';
import { newId } from './ids.ts';
import * as lifecycle from './lifecycle.ts';
import {
  AuditQuery,
  CancelSchema,
  EmptySchema,
  EventCreateSchema,
  EventPatchSchema,
  HighlightCreateSchema,
  IdParam,
  PublishSchema,
  ReplayPatchSchema,
  RescheduleSchema,
  SponsorCreateSchema,
  SponsorPatchSchema,
  TokenCreateSchema,
  TokenIdParam,
} from './schemas.ts';

export interface StaffDeps {
  store: RecordStore;
  library: MediaLibrary;
  clock: LiveClockConfig;
  /** The channels' timelines: what each live segment carries (loop, feed, slate). */
  live: LiveChannels;
  /** Live segments kept fetchable behind the live edge (LiveOptions.retentionSegments). */
  retentionSegments: number;
  now: () => number;
  /** STAFF_ADMIN_TOKEN: the bootstrap admin (undefined: only stored tokens work). */
  adminToken: string | undefined;
  purger: EdgePurgeClient;
}

type Env = { Variables: { actor: StaffActor } };

/** What a write does, computed from the records it read. */
interface WritePlan {
  change: Change;
  /** Surrogate keys to purge on the edges once committed. */
  purge: string[];
  /** 204: the body is ignored (a deletion answers nothing). */
  status: 200 | 201 | 204;
  body: unknown;
  target: { kind: string; id: string };
}

const errors = {
  400: json(ApiErrorSchema, 'Requête invalide : `field` dit quel champ et pourquoi'),
  401: json(ApiErrorSchema, 'Jeton manquant, inconnu ou révoqué'),
  403: json(ApiErrorSchema, 'Rôle insuffisant'),
  404: json(ApiErrorSchema, 'Inconnu'),
  409: json(ApiErrorSchema, 'Refusé dans l’état actuel (transition interdite, modification concurrente)'),
  503: json(ApiErrorSchema, 'Stockage injoignable : rien n’a été enregistré'),
};

export function staffRoutes(deps: StaffDeps): OpenAPIHono<Env> {
  const { store, library, clock, now } = deps;
  const staff = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const editor = requireRole('editor', store, deps.adminToken);
  const admin = requireRole('admin', store, deps.adminToken);

  staff.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  staff.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  /** Runs a write: plan, commit with its audit entry, purge, answer. */
  async function write(c: Context<Env>, action: string, detail: unknown, plan: () => Promise<WritePlan>): Promise<Response> {
    const actor = c.get('actor');
    const p = await plan();
    try {
      await store.commit({ ...p.change, audit: { at: new Date(now()).toISOString(), actor, action, target: p.target, detail } });
    } catch (error) {
      if (error instanceof StoreConflictError) throw new StaffError(409, 'conflict', 'Modifié en même temps par quelqu’un d’autre : rechargez et recommencez');
      throw error;
    }
    await deps.purger.purge([surrogateKeys.catalog, ...p.purge]);
    return p.status === 204 ? c.body(null, 204) : c.json(p.body as object, p.status);
  }

  async function eventOr404(id: string): Promise<StoredEvent> {
    const event = await store.get('events', id);
    if (!event) throw new StaffError(404, 'event_not_found', `Événement inconnu : « ${id} »`, 'id');
    return event;
  }

  async function checkImage(path: string | undefined, field: string): Promise<void> {
    if (!path) return;
    const upload = /^\/images\/uploads\/([0-9a-f]{24})\/(card|hero)\.jpg$/.exec(path);
    const exists = upload ? (await store.getImage(imageStoreKey(upload[1]!, upload[2] as 'card'))) !== null : library.imageFile(path) !== undefined;
    if (!exists) throw new StaffError(400, 'unknown_image', `Image inconnue : « ${path} » (envoyez-la d’abord avec POST /api/v1/staff/posters)`, field);
  }

  async function checkSponsor(id: string | undefined): Promise<void> {
    if (id && !(await store.get('sponsors', id))) throw new StaffError(400, 'unknown_sponsor', `Partenaire inconnu : « ${id} »`, 'sponsorId');
  }

  /** An event as the staff see it: the TV's view plus the stored status and recording range. */
  async function staffView(event: StoredEvent) {
    const channel = await store.get('channels', event.channelId);
    return { ...eventAt(publicEvent(event), channel?.liveUrl ?? '', now()), storedStatus: event.status, recording: event.recording ?? null };
  }

  const eventWrite = (action: string, id: string, detail: unknown, next: (e: StoredEvent) => StoredEvent | Promise<StoredEvent>, c: Context<Env>) =>
    write(c, action, detail, async () => {
      const before = await eventOr404(id);
      const after = await next(before);
      return {
        change: { expect: [{ collection: 'events', id, value: before }], put: [{ collection: 'events', id, value: after }] },
        purge: [surrogateKeys.event(id)],
        status: 200,
        body: await staffView(after),
        target: { kind: 'event', id },
      };
    });

  const EventView = LiveEventSchema.extend({ storedStatus: z.string(), recording: z.unknown() }).openapi('StaffEvent');

  // ---- events ---------------------------------------------------------------------------
  addRoute(staff, { method: 'get', path: '/events', summary: 'Tous les événements (vue équipe)', tags: ['Staff'], security: ['bearer'], middleware: [editor], responses: { 200: json(z.object({ events: z.array(EventView) }), 'OK'), ...errors } }, async (c) => {
    const events = (await store.list('events')).sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
    return c.json({ events: await Promise.all(events.map(staffView)) }, 200);
  });

  addRoute(
    staff,
    { method: 'post', path: '/events', summary: 'Programmer un direct', tags: ['Staff'], security: ['bearer'], middleware: [editor], request: { json: EventCreateSchema }, responses: { 201: json(EventView, 'Créé'), ...errors } },
    (c, { json: input }) =>
      write(c as Context<Env>, 'event.create', input, async () => {
        await checkImage(input.poster, 'poster');
        await checkSponsor(input.sponsorId);
        const id = newId(input.title);
        const event: StoredEvent = {
          id,
          channelId: input.channelId,
          title: input.title,
          venue: input.venue,
          description: input.description,
          poster: input.poster ?? imagePaths.logo(input.channelId),
          startsAt: new Date(input.startsAt).toISOString(),
          endsAt: new Date(input.endsAt).toISOString(),
          status: 'scheduled',
          ...(input.sponsorId ? { sponsorId: input.sponsorId } : {}),
        };
        return {
          change: { expect: [{ collection: 'events', id, value: null }], put: [{ collection: 'events', id, value: event }] },
          purge: [surrogateKeys.event(id)],
          status: 201,
          body: await staffView(event),
          target: { kind: 'event', id },
        };
      }),
  );

  addRoute(
    staff,
    { method: 'patch', path: '/events/{id}', summary: 'Modifier un événement (titre, lieu, description, affiche, partenaire ; sponsorId null le retire)', tags: ['Staff'], security: ['bearer'], middleware: [editor], request: { params: IdParam, json: EventPatchSchema }, responses: { 200: json(EventView, 'OK'), ...errors } },
    (c, { param, json: patch }) =>
      eventWrite('event.edit', param.id, patch, async (e) => {
        await checkImage(patch.poster, 'poster');
        await checkSponsor(patch.sponsorId ?? undefined);
        return lifecycle.edit(e, patch);
      }, c as Context<Env>),
  );

  addRoute(
    staff,
    { method: 'post', path: '/events/{id}/reschedule', summary: 'Reprogrammer (un événement terminé ne peut pas l’être : 409)', tags: ['Staff'], security: ['bearer'], middleware: [editor], request: { params: IdParam, json: RescheduleSchema }, responses: { 200: json(EventView, 'OK'), ...errors } },
    (c, { param, json: times }) => eventWrite('event.reschedule', param.id, times, (e) => lifecycle.reschedule(e, times.startsAt, times.endsAt), c as Context<Env>),
  );

  addRoute(
    staff,
    { method: 'post', path: '/events/{id}/cancel', summary: 'Annuler un événement programmé', tags: ['Staff'], security: ['bearer'], middleware: [editor], request: { params: IdParam, json: CancelSchema }, responses: { 200: json(EventView, 'OK'), ...errors } },
    (c, { param, json: body }) => eventWrite('event.cancel', param.id, body, (e) => lifecycle.cancel(e), c as Context<Env>),
  );

  // Start and stop move an event AND the channel's on-air marker in one atomic write (one live
  // per channel); they differ only in the transition, the marker's new value and what is refused.
  const onAirWrite = (c: Context<Env>, action: 'event.start' | 'event.stop', id: string, transition: (e: StoredEvent) => StoredEvent, markerAfter: string, refuseBusy: boolean) =>
    write(c, action, {}, async () => {
      const before = await eventOr404(id);
      const after = transition(before);
      const onAirId = `onair-${before.channelId}`;
      const onAir = await store.get('meta', onAirId);
      if (refuseBusy && onAir?.value) throw new StaffError(409, 'channel_busy', `La chaîne a déjà un direct en cours (« ${onAir.value} ») : arrêtez-le d’abord`);
      return {
        change: {
          expect: [{ collection: 'events', id, value: before }, { collection: 'meta', id: onAirId, value: onAir }],
          put: [{ collection: 'events', id, value: after }, { collection: 'meta', id: onAirId, value: { value: markerAfter } }],
        },
        purge: [surrogateKeys.event(id)],
        status: 200,
        body: await staffView(after),
        target: { kind: 'event', id },
      };
    });

  addRoute(
    staff,
    { method: 'post', path: '/events/{id}/start', summary: 'Démarrer le direct (409 s’il a déjà démarré ou si la chaîne a déjà un direct)', tags: ['Staff'], security: ['bearer'], middleware: [editor], request: { params: IdParam, json: EmptySchema }, responses: { 200: json(EventView, 'OK'), ...errors } },
    (c, { param }) => onAirWrite(c as Context<Env>, 'event.start', param.id, (e) => lifecycle.start(e, now(), clock), param.id, true),
  );

  addRoute(
    staff,
    { method: 'post', path: '/events/{id}/stop', summary: 'Arrêter le direct (les segments enregistrés deviendront le replay)', tags: ['Staff'], security: ['bearer'], middleware: [editor], request: { params: IdParam, json: EmptySchema }, responses: { 200: json(EventView, 'OK'), ...errors } },
    (c, { param }) => onAirWrite(c as Context<Env>, 'event.stop', param.id, (e) => lifecycle.stop(e, now(), clock, deps.live.timeline(e.channelId)?.edge(now())), '', false),
  );

  addRoute(
    staff,
    {
      method: 'post',
      path: '/events/{id}/publish',
      summary: 'Publier le replay d’un direct terminé : playlist VOD sur les segments du direct, sans réencodage',
      tags: ['Staff'],
      security: ['bearer'],
      middleware: [editor],
      request: { params: IdParam, json: PublishSchema },
      responses: { 201: json(ReplaySchema, 'Publié'), ...errors },
    },
    (c, { param, json: input }) =>
      write(c as Context<Env>, 'replay.publish', input, async () => {
        const before = await eventOr404(param.id);
        const range = lifecycle.checkPublishable(before);
        await checkImage(input.poster, 'poster');
        // The replay points at the live segments: they must still be fetchable (retention).
        // (A segment not published yet is fine: it will be within one segment duration.)
        if (range.firstSequence <= liveEdge(now(), clock) - Math.max(deps.retentionSegments, clock.windowSize)) {
          throw new StaffError(409, 'recording_expired', 'L’enregistrement de ce direct n’est plus conservé (au-delà de la durée de rétention des segments)');
        }
        const cut: MediaCut = { kind: 'live', ...range };
        const stream = cutStream(cut, library);
        if (!stream) throw new StaffError(409, 'no_media', `Pas de flux pour la chaîne « ${range.channelId} »`);
        const duration = cutDuration(cut, stream, deps.live);
        const chapters = input.chapters ?? [{ title: 'Début', start: 0 }];
        chapters.forEach((ch, i) => {
          if (ch.start >= duration) throw new StaffError(400, 'invalid_request', `Le chapitre « ${ch.title} » commence après la fin du replay (${duration} s)`, `chapters.${i}.start`);
        });
        const id = newId(input.title ?? before.title, 'replay');
        const replay: StoredReplay = {
          id,
          eventId: before.id,
          channelId: before.channelId,
          title: input.title ?? before.title,
          description: input.description ?? before.description,
          poster: input.poster ?? before.poster,
          duration,
          publishedAt: new Date(now()).toISOString(),
          playbackUrl: vodPaths.master(id),
          chapters: [...chapters].sort((a, b) => a.start - b.start),
          cut,
        };
        const after: StoredEvent = { ...before, status: 'published', replayId: id };
        return {
          change: {
            expect: [{ collection: 'events', id: before.id, value: before }, { collection: 'replays', id, value: null }],
            put: [{ collection: 'events', id: before.id, value: after }, { collection: 'replays', id, value: replay }],
          },
          purge: [surrogateKeys.event(before.id), surrogateKeys.replay(id)],
          status: 201,
          body: publicReplay(replay),
          target: { kind: 'replay', id },
        };
      }),
  );

  addRoute(
    staff,
    {
      method: 'patch',
      path: '/replays/{id}',
      summary: 'Modifier un replay publié (titre, description, affiche, chapitres)',
      tags: ['Staff'],
      security: ['bearer'],
      middleware: [editor],
      request: { params: IdParam, json: ReplayPatchSchema },
      responses: { 200: json(ReplaySchema, 'OK'), ...errors },
    },
    (c, { param, json: patch }) =>
      write(c as Context<Env>, 'replay.edit', patch, async () => {
        const before = await store.get('replays', param.id);
        if (!before) throw new StaffError(404, 'replay_not_found', `Replay inconnu : « ${param.id} »`, 'id');
        await checkImage(patch.poster, 'poster');
        patch.chapters?.forEach((ch, i) => {
          if (ch.start >= before.duration) throw new StaffError(400, 'invalid_request', `Le chapitre « ${ch.title} » commence après la fin du replay (${before.duration} s)`, `chapters.${i}.start`);
        });
        const after: StoredReplay = { ...before, ...patch, ...(patch.chapters ? { chapters: [...patch.chapters].sort((a, b) => a.start - b.start) } : {}) };
        return {
          change: { expect: [{ collection: 'replays', id: param.id, value: before }], put: [{ collection: 'replays', id: param.id, value: after }] },
          purge: [surrogateKeys.replay(param.id)],
          status: 200,
          body: publicReplay(after),
          target: { kind: 'replay', id: param.id },
        };
      }),
  );

  // ---- highlights -------------------------------------------------------------------------
  addRoute(
    staff,
    {
      method: 'post',
      path: '/highlights',
      summary: 'Couper un résumé dans un replay (entrée/sortie en secondes, arrondies aux segments de 2 s)',
      tags: ['Staff'],
      security: ['bearer'],
      middleware: [editor],
      request: { json: HighlightCreateSchema },
      responses: { 201: json(HighlightSchema, 'Publié'), ...errors },
    },
    (c, { json: input }) =>
      write(c as Context<Env>, 'highlight.create', input, async () => {
        const replay = await store.get('replays', input.replayId);
        if (!replay) throw new StaffError(400, 'unknown_replay', `Replay inconnu : « ${input.replayId} »`, 'replayId');
        await checkImage(input.poster, 'poster');
        const assetStream = library.vod(replay.id);
        const source = replay.cut ?? (assetStream ? wholeAssetCut(replay.id, assetStream) : undefined);
        const stream = source && cutStream(source, library);
        if (!source || !stream) throw new StaffError(409, 'no_media', `Le replay « ${replay.id} » n’a pas de média à découper`);
        if (input.out > replay.duration + 1e-6) throw new StaffError(400, 'invalid_request', `La sortie (${input.out} s) dépasse la durée du replay (${replay.duration} s)`, 'out');
        const clip = clipOf(source, stream, input.in, input.out, deps.live);
        if (!clip) throw new StaffError(400, 'invalid_request', 'Extrait vide', 'out');
        const id = newId(input.title, 'clip');
        const highlight: StoredHighlight = {
          id,
          replayId: replay.id,
          channelId: replay.channelId,
          title: input.title,
          poster: input.poster ?? replay.poster,
          duration: cutDuration(clip.cut, stream, deps.live),
          publishedAt: new Date(now()).toISOString(),
          playbackUrl: vodPaths.master(id),
          inPoint: clip.inPoint,
          outPoint: clip.outPoint,
          cut: clip.cut,
        };
        return {
          change: { expect: [{ collection: 'replays', id: replay.id, value: replay }, { collection: 'highlights', id, value: null }], put: [{ collection: 'highlights', id, value: highlight }] },
          purge: [surrogateKeys.highlight(id), surrogateKeys.replay(replay.id)],
          status: 201,
          body: publicHighlight(highlight),
          target: { kind: 'highlight', id },
        };
      }),
  );

  // ---- sponsors ---------------------------------------------------------------------------
  // `/api/v1/sponsors` (the TV's list, read by the event page for the sponsor's logo) is tagged
  // `catalog`, which write() purges after every write: that is what makes an edge drop the old
  // list. Event details carry only `sponsorId`, which none of these writes changes, so no
  // `event-<id>` key needs purging.

  async function sponsorOr404(id: string): Promise<Sponsor> {
    const sponsor = await store.get('sponsors', id);
    if (!sponsor) throw new StaffError(404, 'sponsor_not_found', `Partenaire inconnu : « ${id} »`, 'id');
    return sponsor;
  }

  /** What names a sponsor: events (`sponsorId`) and ads campaigns. A sponsor in use is not deleted. */
  function usesOf(id: string, events: StoredEvent[], campaigns: Campaign[]) {
    return {
      events: events.filter((e) => e.sponsorId === id).map((e) => ({ id: e.id, title: e.title })),
      campaigns: campaigns.filter((k) => k.sponsorId === id).map((k) => ({ id: k.id, name: k.name })),
    };
  }

  const SponsorUsesSchema = z.object({ events: z.array(z.object({ id: z.string(), title: z.string() })), campaigns: z.array(z.object({ id: z.string(), name: z.string() })) });
  const StaffSponsorSchema = SponsorSchema.extend({ usedBy: SponsorUsesSchema }).openapi('StaffSponsor');

  addRoute(
    staff,
    { method: 'get', path: '/sponsors', summary: 'Partenaires, avec ce qui les utilise (événements, campagnes)', tags: ['Staff'], security: ['bearer'], middleware: [editor], responses: { 200: json(z.object({ sponsors: z.array(StaffSponsorSchema) }), 'OK'), ...errors } },
    async (c) => {
      const [sponsors, events, campaigns] = await Promise.all([store.list('sponsors'), store.list('events'), store.list('campaigns')]);
      sponsors.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
      return c.json({ sponsors: sponsors.map((s) => ({ ...s, usedBy: usesOf(s.id, events, campaigns) })) }, 200);
    },
  );

  addRoute(
    staff,
    { method: 'post', path: '/sponsors', summary: 'Ajouter un partenaire', tags: ['Staff'], security: ['bearer'], middleware: [editor], request: { json: SponsorCreateSchema }, responses: { 201: json(SponsorSchema, 'Créé'), ...errors } },
    (c, { json: input }) =>
      write(c as Context<Env>, 'sponsor.create', input, async () => {
        await checkImage(input.logo, 'logo');
        const id = newId(input.name, 'sponsor');
        const sponsor: Sponsor = { id, name: input.name, url: input.url, logo: input.logo ?? '', ...(input.channelIds?.length ? { channelIds: input.channelIds } : {}) };
        return { change: { expect: [{ collection: 'sponsors', id, value: null }], put: [{ collection: 'sponsors', id, value: sponsor }] }, purge: [], status: 201, body: sponsor, target: { kind: 'sponsor', id } };
      }),
  );

  addRoute(
    staff,
    {
      method: 'patch',
      path: '/sponsors/{id}',
      summary: 'Modifier un partenaire (nom, URL, logo, chaînes ; logo "" le retire, chaînes [] : aucune en particulier)',
      tags: ['Staff'],
      security: ['bearer'],
      middleware: [editor],
      request: { params: IdParam, json: SponsorPatchSchema },
      responses: { 200: json(SponsorSchema, 'OK'), ...errors },
    },
    (c, { param, json: patch }) =>
      write(c as Context<Env>, 'sponsor.edit', patch, async () => {
        const before = await sponsorOr404(param.id);
        // The logo it already has may be a demo logo (/images/sponsors/…) the image check does not know.
        if (patch.logo !== before.logo) await checkImage(patch.logo, 'logo');
        const { channelIds, ...rest } = patch;
        const after: Sponsor = { ...before, ...rest };
        if (channelIds) {
          if (channelIds.length) after.channelIds = channelIds;
          else delete after.channelIds;
        }
        return {
          change: { expect: [{ collection: 'sponsors', id: param.id, value: before }], put: [{ collection: 'sponsors', id: param.id, value: after }] },
          purge: [],
          status: 200,
          body: after,
          target: { kind: 'sponsor', id: param.id },
        };
      }),
  );

  addRoute(
    staff,
    {
      method: 'delete',
      path: '/sponsors/{id}',
      summary: 'Supprimer un partenaire (refusé, 409, tant qu’un événement ou une campagne l’utilise)',
      tags: ['Staff'],
      security: ['bearer'],
      middleware: [editor],
      request: { params: IdParam },
      responses: { 204: { description: 'Supprimé' }, ...errors },
    },
    (c, { param }) =>
      write(c as Context<Env>, 'sponsor.delete', { id: param.id }, async () => {
        const before = await sponsorOr404(param.id);
        const [events, campaigns] = await Promise.all([store.list('events'), store.list('campaigns')]);
        const uses = usesOf(param.id, events, campaigns);
        const named = [...uses.events.map((e) => `l’événement « ${e.title} »`), ...uses.campaigns.map((k) => `la campagne « ${k.name} »`)];
        if (named.length) {
          const shown = named.length > 5 ? [...named.slice(0, 5), `${named.length - 5} autre(s)`] : named;
          throw new StaffError(409, 'sponsor_in_use', `Le partenaire « ${before.name} » est encore utilisé par ${shown.join(', ')} : retirez-le-leur ou choisissez-leur un autre partenaire d’abord`);
        }
        // Expecting the record as read: an edit made meanwhile makes this delete a 409, not a loss.
        return {
          change: { expect: [{ collection: 'sponsors', id: param.id, value: before }], remove: [{ collection: 'sponsors', id: param.id }] },
          purge: [],
          status: 204,
          body: null,
          target: { kind: 'sponsor', id: param.id },
        };
      }),
  );

  // ---- posters ----------------------------------------------------------------------------
  addRoute(
    staff,
    {
      method: 'post',
      path: '/posters',
      summary: 'Envoyer une affiche (JPEG, PNG ou WebP, 5 Mo au plus ; type vérifié sur le contenu) : redimensionnée pour la TV',
      tags: ['Staff'],
      security: ['bearer'],
      middleware: [editor],
      request: { raw: { mediaTypes: ['image/jpeg', 'image/png', 'image/webp'], description: 'Les octets de l’image' } },
      responses: { 201: json(z.object({ poster: z.string(), hero: z.string() }), 'Chemins de l’affiche (card 400×225) et du grand format (hero 1280×720)'), 413: json(ApiErrorSchema, 'Trop lourde'), 415: json(ApiErrorSchema, 'Pas une image acceptée'), ...errors },
    },
    async (c) => {
      const declaredLength = Number(c.req.header('content-length') ?? 0);
      if (declaredLength > 5 * 1024 * 1024) throw new StaffError(413, 'too_large', `Image trop lourde : ${declaredLength} octets (5 Mo au plus)`, 'body');
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      checkPosterUpload(bytes, c.req.header('content-type'));
      const key = posterKey(await hexDigest(bytes));
      const sized = await resizePoster(bytes);
      return write(c as Context<Env>, 'poster.upload', { bytes: bytes.length, key }, async () => ({
        change: { images: Object.entries(sized).map(([size, data]) => ({ key: imageStoreKey(key, size as 'card'), bytes: data })) },
        purge: [],
        status: 201,
        body: { poster: uploadedPosterPath(key, 'card'), hero: uploadedPosterPath(key, 'hero') },
        target: { kind: 'poster', id: key },
      }));
    },
  );

  // ---- tokens and audit (admin) -----------------------------------------------------------
  const TokenView = z.object({ id: z.string(), role: z.string(), label: z.string(), createdAt: z.string(), createdBy: z.string(), revokedAt: z.string().optional() }).openapi('StaffToken');

  addRoute(staff, { method: 'get', path: '/tokens', summary: 'Jetons d’accès (admin)', tags: ['Staff admin'], security: ['bearer'], middleware: [admin], responses: { 200: json(z.object({ tokens: z.array(TokenView) }), 'OK'), ...errors } }, async (c) => {
    const tokens = (await store.list('tokens')).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return c.json({ tokens: tokens.map(publicToken) }, 200);
  });

  addRoute(
    staff,
    { method: 'post', path: '/tokens', summary: 'Créer un jeton (admin) : le secret n’est montré qu’une fois', tags: ['Staff admin'], security: ['bearer'], middleware: [admin], request: { json: TokenCreateSchema }, responses: { 201: json(TokenView.extend({ token: z.string() }), 'Créé'), ...errors } },
    (c, { json: input }) =>
      write(c as Context<Env>, 'token.create', input, async () => {
        const token = newToken();
        const hash = await hashToken(token);
        const record: StaffTokenRecord = { id: tokenIdOf(hash), hash, role: input.role, label: input.label, createdAt: new Date(now()).toISOString(), createdBy: (c as Context<Env>).get('actor').tokenId };
        return { change: { expect: [{ collection: 'tokens', id: hash, value: null }], put: [{ collection: 'tokens', id: hash, value: record }] }, purge: [], status: 201, body: { ...publicToken(record), token }, target: { kind: 'token', id: record.id } };
      }),
  );

  addRoute(
    staff,
    { method: 'delete', path: '/tokens/{id}', summary: 'Révoquer un jeton (admin)', tags: ['Staff admin'], security: ['bearer'], middleware: [admin], request: { params: TokenIdParam }, responses: { 200: json(TokenView, 'Révoqué'), ...errors } },
    (c, { param }) =>
      write(c as Context<Env>, 'token.revoke', { id: param.id }, async () => {
        const record = (await store.list('tokens')).find((t) => t.id === param.id);
        if (!record) throw new StaffError(404, 'token_not_found', `Jeton inconnu : « ${param.id} »`, 'id');
        if (record.revokedAt) throw new StaffError(409, 'already_revoked', `Jeton déjà révoqué le ${record.revokedAt}`);
        const revoked = { ...record, revokedAt: new Date(now()).toISOString() };
        return { change: { expect: [{ collection: 'tokens', id: record.hash, value: record }], put: [{ collection: 'tokens', id: record.hash, value: revoked }] }, purge: [], status: 200, body: publicToken(revoked), target: { kind: 'token', id: record.id } };
      }),
  );

  addRoute(
    staff,
    {
      method: 'get',
      path: '/audit',
      summary: 'Journal des modifications, le plus récent d’abord (admin)',
      tags: ['Staff admin'],
      security: ['bearer'],
      middleware: [admin],
      request: { query: AuditQuery },
      responses: { 200: json(z.object({ items: z.array(z.unknown()), total: z.number(), next: z.string().nullable() }), 'OK'), ...errors },
    },
    async (c, { query }) => {
      const { entries, total } = await store.listAudit(query.offset, query.limit);
      const end = query.offset + entries.length;
      return c.json({ items: entries, total, next: end < total ? `/api/v1/staff/audit?offset=${end}&limit=${query.limit}` : null }, 200);
    },
  );

  staff.onError((error, c) => {
    if (error instanceof StaffError) return staffErrorResponse(c, error);
    if (error instanceof StoreUnavailableError) return staffErrorResponse(c, new StaffError(503, 'store_unavailable', `${error.message}. Rien n’a été enregistré.`));
    throw error;
  });
  return staff;
}

async function hexDigest(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
