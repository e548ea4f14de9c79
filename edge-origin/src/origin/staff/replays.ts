// Replays: publishing an ended live as a replay (`POST /staff/events/<id>/publish`: a VOD playlist
// over the live's own segments, no re-encoding), editing a published one, and unpublishing it
// (`DELETE /staff/replays/<id>`): it leaves the TVs' lists with its highlights (clips of it that
// would point at a replay no longer there) and its ad breaks; its event goes back to « ended », so
// it can be published again while its segments are kept. Nothing of the media is deleted.
import { vodPaths } from '../../../../shared/hls/paths.ts';
import { liveEdge } from '../../../../shared/hls/live-clock.ts';
import type { Chapter } from '../../../../shared/catalog/types.ts';
import { z } from '@hono/zod-openapi';
import { ReplaySchema, json } from '../catalog/api-schemas.ts';
import { publicReplay } from '../catalog/record-catalog.ts';
import { StaffError } from '../http/api-errors.ts';
import { newId } from '../http/ids.ts';
import { surrogateKeys } from '../http/surrogate-keys.ts';
import { cutDuration, cutStream } from '../recordings/cuts.ts';
import type { Change, MediaCut, StoredEvent, StoredReplay } from '../store/records.ts';
import { created, removed, replaced, together } from './changes.ts';
import * as lifecycle from './lifecycle.ts';
import { checkImage, found } from './references.ts';
import type { StaffRouter } from './routing.ts';
import { IdParam, PublishSchema, ReplayPatchSchema } from './schemas.ts';

/** Chapters must start before the replay ends (400 on the first that does not); kept in time order. */
function chaptersWithin(chapters: Chapter[], duration: number): Chapter[] {
  chapters.forEach((ch, i) => {
    if (ch.start >= duration)
      throw new StaffError(
        400,
        'invalid_request',
        `Le chapitre « ${ch.title} » commence après la fin du replay (${duration} s)`,
        `chapters.${i}.start`,
      );
  });
  return [...chapters].sort((a, b) => a.start - b.start);
}

export function replayRoutes(router: StaffRouter): void {
  const { deps } = router;
  const { store, library, clock, now } = deps;

  router.write(
    'editor',
    'replay.publish',
    {
      method: 'post',
      path: '/events/{id}/publish',
      summary: 'Publier le replay d’un direct terminé : playlist VOD sur les segments du direct, sans réencodage',
      request: { params: IdParam, json: PublishSchema },
      responses: { 201: json(ReplaySchema, 'Publié') },
    },
    async ({ param, json: input }) => {
      const before = await found(store, 'events', param.id);
      const range = lifecycle.checkPublishable(before);
      await checkImage(deps, input.poster, 'poster');
      // The replay points at the live segments: they must still be fetchable (retention).
      // (A segment not published yet is fine: it will be within one segment duration.)
      if (range.firstSequence <= liveEdge(now(), clock) - Math.max(deps.retentionSegments, clock.windowSize)) {
        throw new StaffError(
          409,
          'recording_expired',
          'L’enregistrement de ce direct n’est plus conservé (au-delà de la durée de rétention des segments)',
        );
      }
      const cut: MediaCut = { kind: 'live', ...range };
      const stream = cutStream(cut, library);
      if (!stream) throw new StaffError(409, 'no_media', `Pas de flux pour la chaîne « ${range.channelId} »`);
      const duration = cutDuration(cut, stream, deps.live);
      const chapters = chaptersWithin(input.chapters ?? [{ title: 'Début', start: 0 }], duration);
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
        chapters,
        cut,
      };
      const after: StoredEvent = { ...before, status: 'published', replayId: id };
      return {
        change: together(replaced('events', before.id, before, after), created('replays', id, replay)),
        purge: [surrogateKeys.event(before.id), surrogateKeys.replay(id)],
        status: 201,
        body: publicReplay(replay),
        target: { kind: 'replay', id },
      };
    },
  );

  router.write(
    'editor',
    'replay.edit',
    {
      method: 'patch',
      path: '/replays/{id}',
      summary: 'Modifier un replay publié (titre, description, affiche, chapitres)',
      request: { params: IdParam, json: ReplayPatchSchema },
      responses: { 200: json(ReplaySchema, 'OK') },
    },
    async ({ param, json: patch }) => {
      const before = await found(store, 'replays', param.id);
      await checkImage(deps, patch.poster, 'poster');
      const chapters = patch.chapters && chaptersWithin(patch.chapters, before.duration);
      const after: StoredReplay = { ...before, ...patch, ...(chapters ? { chapters } : {}) };
      return {
        change: replaced('replays', param.id, before, after),
        purge: [surrogateKeys.replay(param.id)],
        status: 200,
        body: publicReplay(after),
        target: { kind: 'replay', id: param.id },
      };
    },
  );

  router.write(
    'editor',
    'replay.unpublish',
    {
      method: 'delete',
      path: '/replays/{id}',
      summary:
        'Dépublier un replay : il quitte les listes des TV avec ses résumés et ses coupures ; son événement redevient « terminé » (republiable)',
      request: { params: IdParam },
      responses: { 200: json(UnpublishedSchema, 'Dépublié') },
    },
    async ({ param }) => {
      const replay = await found(store, 'replays', param.id);
      const [highlights, breaks] = await Promise.all([store.list('highlights'), store.list('adBreaks')]);
      const clips = highlights.filter((h) => h.replayId === replay.id);
      const replayBreaks = breaks.filter((b) => b.target.kind === 'replay' && b.target.replayId === replay.id);
      const event = replay.eventId ? await store.get('events', replay.eventId) : null;
      const changes: Change[] = [
        removed('replays', replay.id, replay),
        ...clips.map((h) => removed('highlights', h.id, h)),
        ...replayBreaks.map((b) => removed('adBreaks', b.id, b)),
      ];
      if (event?.replayId === replay.id) {
        const { replayId: _gone, ...rest } = event;
        changes.push(replaced('events', event.id, event, { ...rest, status: 'ended' }));
      }
      return {
        change: together(...changes),
        purge: [
          surrogateKeys.replay(replay.id),
          ...(event ? [surrogateKeys.event(event.id)] : []),
          ...clips.map((h) => surrogateKeys.highlight(h.id)),
        ],
        purgePrefixes: [replay.id, ...clips.map((h) => h.id)].map(vodPaths.root),
        status: 200,
        body: {
          id: replay.id,
          highlightsRemoved: clips.map((h) => h.id),
          breaksRemoved: replayBreaks.length,
          eventId: event?.replayId === replay.id ? event.id : null,
        },
        target: { kind: 'replay', id: replay.id },
        detail: { title: replay.title, highlights: clips.map((h) => h.id), breaks: replayBreaks.map((b) => b.id) },
      };
    },
  );
}

const UnpublishedSchema = z
  .object({
    id: z.string(),
    highlightsRemoved: z
      .array(z.string())
      .openapi({ description: 'Les résumés coupés dans ce replay, retirés avec lui' }),
    breaksRemoved: z.number().int(),
    eventId: z
      .string()
      .nullable()
      .openapi({ description: 'L’événement redevenu « terminé » (null : replay sans événement)' }),
  })
  .openapi('ReplayUnpublished');
