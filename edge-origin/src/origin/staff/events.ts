// `/staff/events`: every event as the staff see it, scheduling a live, and driving an event's life
// (edit, reschedule, cancel, start, stop; what each allows is lifecycle.ts's to say). Publishing
// the replay of an ended event is replays.ts's.
import { z } from '@hono/zod-openapi';
import { imagePaths } from '../../../../shared/hls/paths.ts';
import { LiveEventSchema, json } from '../catalog/api-schemas.ts';
import { publicEvent } from '../catalog/record-catalog.ts';
import { eventAt } from '../catalog/schedule.ts';
import { StaffError } from '../http/api-errors.ts';
import { newId } from '../http/ids.ts';
import { surrogateKeys } from '../http/surrogate-keys.ts';
import type { StoredEvent } from '../store/records.ts';
import { created, replaced, together } from './changes.ts';
import * as lifecycle from './lifecycle.ts';
import { checkImage, checkSponsor, found } from './references.ts';
import type { StaffRouter, WritePlan } from './routing.ts';
import {
  CancelSchema,
  EmptySchema,
  EventCreateSchema,
  EventPatchSchema,
  IdParam,
  RescheduleSchema,
} from './schemas.ts';

/** The TV's view of an event plus what only the staff see: the stored status and the recording range. */
const EventView = LiveEventSchema.extend({ storedStatus: z.string(), recording: z.unknown() }).openapi('StaffEvent');

export function eventRoutes(router: StaffRouter): void {
  const { deps } = router;
  const { store, now, clock } = deps;

  async function staffView(event: StoredEvent) {
    const channel = await store.get('channels', event.channelId);
    return {
      ...eventAt(publicEvent(event), channel?.liveUrl ?? '', now()),
      storedStatus: event.status,
      recording: event.recording ?? null,
    };
  }

  const answer = async (
    id: string,
    change: WritePlan['change'],
    after: StoredEvent,
    status: 200 | 201,
  ): Promise<WritePlan> => ({
    change,
    purge: [surrogateKeys.event(id)],
    status,
    body: await staffView(after),
    target: { kind: 'event', id },
  });

  /** Edit, reschedule, cancel: the event as read, moved on by `next`, stored if nobody changed it meanwhile. */
  async function moved(id: string, next: (e: StoredEvent) => StoredEvent | Promise<StoredEvent>): Promise<WritePlan> {
    const before = await found(store, 'events', id);
    const after = await next(before);
    return answer(id, replaced('events', id, before, after), after, 200);
  }

  // Start and stop move the event AND its channel's on-air marker in one atomic write: one live
  // per channel, and of two racing starts only one wins. They differ in the transition, the
  // marker's new value and whether a busy channel is refused.
  async function onAir(
    id: string,
    transition: (e: StoredEvent) => StoredEvent,
    marker: string,
    refuseBusy: boolean,
  ): Promise<WritePlan> {
    const before = await found(store, 'events', id);
    const after = transition(before);
    const markerId = `onair-${before.channelId}`;
    const current = await store.get('meta', markerId);
    if (refuseBusy && current?.value)
      throw new StaffError(
        409,
        'channel_busy',
        `La chaîne a déjà un direct en cours (« ${current.value} ») : arrêtez-le d’abord`,
      );
    return answer(
      id,
      together(replaced('events', id, before, after), replaced('meta', markerId, current, { value: marker })),
      after,
      200,
    );
  }

  router.route(
    'editor',
    {
      method: 'get',
      path: '/events',
      summary: 'Tous les événements (vue équipe)',
      responses: { 200: json(z.object({ events: z.array(EventView) }), 'OK') },
    },
    async (c) => {
      const events = (await store.list('events')).sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
      return c.json({ events: await Promise.all(events.map(staffView)) }, 200);
    },
  );

  router.write(
    'editor',
    'event.create',
    {
      method: 'post',
      path: '/events',
      summary: 'Programmer un direct',
      request: { json: EventCreateSchema },
      responses: { 201: json(EventView, 'Créé') },
    },
    async ({ json: input }) => {
      await checkImage(deps, input.poster, 'poster');
      await checkSponsor(store, input.sponsorId);
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
      return answer(id, created('events', id, event), event, 201);
    },
  );

  router.write(
    'editor',
    'event.edit',
    {
      method: 'patch',
      path: '/events/{id}',
      summary: 'Modifier un événement (titre, lieu, description, affiche, partenaire ; sponsorId null le retire)',
      request: { params: IdParam, json: EventPatchSchema },
      responses: { 200: json(EventView, 'OK') },
    },
    ({ param, json: patch }) =>
      moved(param.id, async (e) => {
        await checkImage(deps, patch.poster, 'poster');
        await checkSponsor(store, patch.sponsorId ?? undefined);
        return lifecycle.edit(e, patch);
      }),
  );

  router.write(
    'editor',
    'event.reschedule',
    {
      method: 'post',
      path: '/events/{id}/reschedule',
      summary: 'Reprogrammer (un événement terminé ne peut pas l’être : 409)',
      request: { params: IdParam, json: RescheduleSchema },
      responses: { 200: json(EventView, 'OK') },
    },
    ({ param, json: times }) => moved(param.id, (e) => lifecycle.reschedule(e, times.startsAt, times.endsAt)),
  );

  router.write(
    'editor',
    'event.cancel',
    {
      method: 'post',
      path: '/events/{id}/cancel',
      summary: 'Annuler un événement programmé',
      request: { params: IdParam, json: CancelSchema },
      responses: { 200: json(EventView, 'OK') },
    },
    ({ param }) => moved(param.id, lifecycle.cancel),
  );

  router.write(
    'editor',
    'event.start',
    {
      method: 'post',
      path: '/events/{id}/start',
      summary: 'Démarrer le direct (409 s’il a déjà démarré ou si la chaîne a déjà un direct)',
      request: { params: IdParam, json: EmptySchema },
      responses: { 200: json(EventView, 'OK') },
    },
    ({ param }) =>
      onAir(
        param.id,
        (e) => lifecycle.start(e, now(), clock, deps.live.timeline(e.channelId)?.producing(now())),
        param.id,
        true,
      ),
  );

  router.write(
    'editor',
    'event.stop',
    {
      method: 'post',
      path: '/events/{id}/stop',
      summary: 'Arrêter le direct (les segments enregistrés deviendront le replay)',
      request: { params: IdParam, json: EmptySchema },
      responses: { 200: json(EventView, 'OK') },
    },
    ({ param }) =>
      onAir(param.id, (e) => lifecycle.stop(e, now(), clock, deps.live.timeline(e.channelId)?.edge(now())), '', false),
  );
}
