// Moderation, `/api/v1/staff/contributions/...` (bearer token, editor role; every write stored
// with its audit entry in one commit, expecting the record as read):
//   GET  /events/<id>?state=pending|approved|rejected   the queue and the counts per state
//   PUT  /events/<id>/settings {opensAt, closesAt, trusted}   the window (and trusted mode)
//   POST /<contributionId>/approve | /reject                  (approve puts it on the screens)
//   POST /<contributionId>/pin {pinned}                       keeps an approved one on screen
//   POST /<contributionId>/ban                                the device may not send to the event
//                                                             any more; its items are rejected
//   DELETE /<contributionId>                                  gone: record, photo, code
//   GET  /<contributionId>/photo                              the JPEG whatever its state: a
//                                                             rejected one, for a second look
// Screens learn what changed through the feed once the write is committed.
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { ID_PATTERN } from '../../../../shared/catalog/ids.ts';
import { fileResponse } from '../files/file-response.ts';
import { commitAudited } from '../http/audited-commit.ts';
import { requireRole } from '../http/auth.ts';
import type { StaffContext } from '../staff/routing.ts';
import type { StaffEnv } from '../http/auth.ts';
import { addRoute } from '../http/openapi-route.ts';
import { staffApi } from '../http/staff-api.ts';
import type { Change } from '../store/records.ts';
import { CONTRIBUTION_STATES } from './model.ts';
import type { Contribution, ContributionSettings } from './model.ts';
import { ContributionError, contributionErrorResponse, refuse } from './refusals.ts';
import { photoPath } from './service.ts';
import type { ContributionsService } from './service.ts';

const isoDate = z.iso.datetime({ offset: true, error: 'date ISO 8601 attendue (ex. 2026-11-28T20:00:00Z)' });
const EventParam = z.object({ id: z.string().regex(ID_PATTERN, 'identifiant d’événement attendu') });
const ItemParam = z.object({ id: z.string().regex(/^[a-z0-9]{22}$/, 'identifiant de contribution attendu') });
const SettingsSchema = z
  .object({ opensAt: isoDate, closesAt: isoDate, trusted: z.boolean().default(false) })
  .strict()
  .openapi('ContributionSettings');
const PinSchema = z.object({ pinned: z.boolean() }).strict();
const ok = (description: string) => ({ content: { 'application/json': { schema: z.any() } }, description });

/** What the moderators see of one contribution (never the device's address). */
export function staffView(c: Contribution) {
  const { codeHash: _c, addressHash: _a, photo, ...rest } = c;
  return { ...rest, photo: photoPath(c.id), width: photo.width, height: photo.height };
}

export function contributionStaffRoutes(
  service: ContributionsService,
  adminToken: string | undefined,
): OpenAPIHono<StaffEnv> {
  const { store, now, feed } = service.deps;
  const app = staffApi();
  app.onError((error, c) => {
    if (error instanceof ContributionError) return contributionErrorResponse(c, error);
    throw error;
  });
  const editor = requireRole('editor', store, adminToken);
  const common = { tags: ['Staff contributions'], security: ['bearer'], middleware: [editor] };

  const audited = (c: StaffContext, change: Change, action: string, id: string, detail?: unknown) =>
    commitAudited(store, change, {
      at: new Date(now()).toISOString(),
      actor: c.get('actor'),
      action,
      target: { kind: action.startsWith('contribution.window') ? 'event' : 'contribution', id },
      ...(detail !== undefined ? { detail } : {}),
    });

  addRoute(
    app,
    {
      method: 'get',
      path: '/events/{id}',
      summary: 'Contributions d’un événement (par état), sa fenêtre et les effectifs',
      ...common,
      request: { params: EventParam, query: z.object({ state: z.enum(CONTRIBUTION_STATES).optional() }) },
      responses: { 200: ok('OK') },
    },
    async (c, { param, query }) => {
      const { settings } = await service.eventWindow(param.id);
      const all = await service.list(param.id);
      const counts = Object.fromEntries(CONTRIBUTION_STATES.map((s) => [s, all.filter((x) => x.state === s).length]));
      const items = await service.list(param.id, query.state);
      return c.json({ settings, counts, items: items.map(staffView), lastEventId: await feed.lastId(param.id) }, 200);
    },
  );

  addRoute(
    app,
    {
      method: 'put',
      path: '/events/{id}/settings',
      summary: 'Fenêtre d’envoi d’un événement (ouverture, fermeture) et mode de confiance (approuvé d’office)',
      ...common,
      request: { params: EventParam, json: SettingsSchema },
      responses: { 200: ok('OK') },
    },
    async (c, { param, json }) => {
      await service.eventWindow(param.id);
      if (Date.parse(json.closesAt) <= Date.parse(json.opensAt)) throw refuse.badWindow();
      const before = await store.get('contributionSettings', param.id);
      const after: ContributionSettings = {
        id: param.id,
        opensAt: new Date(json.opensAt).toISOString(),
        closesAt: new Date(json.closesAt).toISOString(),
        trusted: json.trusted,
        shortCode: before?.shortCode ?? (await service.newShortCode()),
      };
      await audited(
        c,
        {
          expect: [{ collection: 'contributionSettings', id: param.id, value: before }],
          put: [{ collection: 'contributionSettings', id: param.id, value: after }],
        },
        'contribution.window',
        param.id,
        json,
      );
      return c.json(after, 200);
    },
  );

  /** A moderation write on one contribution: read, change, commit with the audit entry, announce. */
  const moderate = (
    action: string,
    path: string,
    summary: string,
    next: (c: Contribution, body: unknown, actor: string) => Contribution,
    body?: z.ZodType,
  ) =>
    addRoute(
      app,
      {
        method: 'post',
        path: `/{id}/${path}`,
        summary,
        ...common,
        request: { params: ItemParam, ...(body ? { json: body } : {}) },
        responses: { 200: ok('OK') },
      },
      async (c, { param, json }) => {
        const before = await store.get('contributions', param.id);
        if (!before) throw refuse.unknownContribution();
        const after = next(before, json, c.get('actor').label);
        await audited(
          c,
          {
            expect: [{ collection: 'contributions', id: param.id, value: before }],
            put: [{ collection: 'contributions', id: param.id, value: after }],
          },
          action,
          param.id,
          // `from`: an approval of a rejected one is a mistake undone, and the audit says so.
          { eventId: before.eventId, from: before.state, ...(json ?? {}) },
        );
        await service.announce(before, after);
        return c.json(staffView(after), 200);
      },
    );

  const decided =
    (state: Contribution['state']) =>
    (c: Contribution, _body: unknown, actor: string): Contribution => ({
      ...c,
      state,
      ...(state === 'approved' ? {} : { pinned: false }),
      moderatedAt: new Date(now()).toISOString(),
      moderatedBy: actor,
    });
  moderate('contribution.approve', 'approve', 'Approuver : la contribution part sur les écrans', decided('approved'));
  moderate('contribution.reject', 'reject', 'Refuser (retirée des écrans si elle y était)', decided('rejected'));
  moderate(
    'contribution.pin',
    'pin',
    'Épingler (ou désépingler) une contribution approuvée',
    (c, body) => {
      if (c.state !== 'approved') throw refuse.notApproved();
      return { ...c, pinned: (body as { pinned: boolean }).pinned };
    },
    PinSchema,
  );

  addRoute(
    app,
    {
      method: 'post',
      path: '/{id}/ban',
      summary: 'Bannir l’appareil qui l’a envoyée (pour cet événement) : ses contributions sont refusées',
      ...common,
      request: { params: ItemParam },
      responses: { 200: ok('OK') },
    },
    async (c, { param }) => {
      const item = await store.get('contributions', param.id);
      if (!item) throw refuse.unknownContribution();
      const banId = `${item.eventId}:${item.deviceId}`;
      const at = new Date(now()).toISOString();
      const label = c.get('actor').label;
      const theirs = (await service.list(item.eventId)).filter(
        (x) => x.deviceId === item.deviceId && x.state !== 'rejected',
      );
      const rejected = theirs.map((x) => ({
        before: x,
        after: { ...x, state: 'rejected' as const, pinned: false, moderatedAt: at, moderatedBy: label },
      }));
      await audited(
        c,
        {
          expect: rejected.map(({ before }) => ({
            collection: 'contributions' as const,
            id: before.id,
            value: before,
          })),
          put: [
            {
              collection: 'deviceBans',
              id: banId,
              value: { id: banId, eventId: item.eventId, deviceId: item.deviceId, at, by: label },
            },
            ...rejected.map(({ after }) => ({ collection: 'contributions' as const, id: after.id, value: after })),
          ],
        },
        'contribution.ban',
        param.id,
        { eventId: item.eventId, rejected: rejected.map(({ after }) => after.id) },
      );
      for (const { before, after } of rejected) await service.announce(before, after);
      return c.json({ banned: banId, rejected: rejected.length }, 200);
    },
  );

  addRoute(
    app,
    {
      method: 'get',
      path: '/{id}/photo',
      summary: 'La photo (JPEG ré-encodé), quel que soit son état : une refusée se revoit ici seulement',
      ...common,
      request: { params: ItemParam },
      responses: { 200: { content: { 'image/jpeg': { schema: z.any() } }, description: 'La photo' } },
    },
    async (c, { param }) => {
      const item = await store.get('contributions', param.id);
      if (!item) throw refuse.unknownContribution();
      // Staff only: never kept by a browser or a cache (the token is what lets it out).
      const response = await fileResponse(c.req.raw, service.deps.media.path(item.photo.file), {
        cacheControl: 'no-store',
      });
      if (!response) throw refuse.unknownContribution();
      response.headers.set('X-Content-Type-Options', 'nosniff');
      return response;
    },
  );

  addRoute(
    app,
    {
      method: 'delete',
      path: '/{id}',
      summary: 'Supprimer une contribution (fiche, photo, code)',
      ...common,
      request: { params: ItemParam },
      responses: { 204: { description: 'Supprimée' } },
    },
    async (c, { param }) => {
      const item = await store.get('contributions', param.id);
      if (!item) throw refuse.unknownContribution();
      await audited(
        c,
        { expect: [{ collection: 'contributions', id: item.id, value: item }] },
        'contribution.delete',
        item.id,
        { eventId: item.eventId },
      );
      await service.forget(item);
      return c.body(null, 204);
    },
  );

  return app;
}
