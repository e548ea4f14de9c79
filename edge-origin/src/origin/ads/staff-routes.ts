// The staff side of ads, `/api/v1/staff/ads/...` (bearer token, editor role, audited like every
// back-office write):
//   GET  /creatives                         the spots that can be sold or played
//   GET  /campaigns   POST /campaigns        sponsor campaigns
//   PATCH /campaigns/<id>                    edit one; {"paused": true|false} pauses or resumes it
//   GET  /breaks                             every break, live and replay
//   DELETE /breaks/<id>                      cancel a break not yet on air
//   POST /events/<id>/breaks {durationSeconds}                 a break in the live, now
//   POST /replays/<id>/breaks {durationSeconds, chapter?}      pre-roll (no chapter) or mid-roll
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { ChannelIdSchema } from '../catalog/api-schemas.ts';
import { ID_PATTERN } from '../../../../shared/catalog/ids.ts';
import { StaffError } from '../http/api-errors.ts';
import { requireRole } from '../http/auth.ts';
import type { StaffEnv } from '../http/auth.ts';
import { addRoute } from '../http/openapi-route.ts';
import { staffApi } from '../http/staff-api.ts';
import type { AdsService } from './service.ts';

const isoDate = z.iso.datetime({ offset: true, error: 'date ISO 8601 attendue (ex. 2026-11-28T20:00:00Z)' });
const id = z.string().regex(ID_PATTERN, 'identifiant attendu');
const IdParam = z.object({ id });
const duration = z.number().int('secondes entières').min(5, '5 s au moins').max(300, '300 s au plus');

const campaignFields = {
  name: z.string().trim().min(1, 'nom obligatoire').max(120),
  sponsorId: id,
  creativeId: id,
  priority: z.number().int().min(0).max(100),
  channelIds: z.array(ChannelIdSchema),
  eventIds: z.array(id),
  startsAt: isoDate,
  endsAt: isoDate,
  frequencyCap: z
    .object({
      impressions: z.number().int().min(1).max(1000),
      perHours: z
        .number()
        .min(0.01)
        .max(24 * 366),
    })
    .strict(),
};

export const CampaignCreateSchema = z
  .object({
    ...campaignFields,
    priority: campaignFields.priority.default(10),
    channelIds: campaignFields.channelIds.optional(),
    eventIds: campaignFields.eventIds.optional(),
    frequencyCap: campaignFields.frequencyCap.default({ impressions: 3, perHours: 24 }),
    paused: z.boolean().optional(),
  })
  .strict()
  .openapi('CampaignCreate');

/** Any field of the creation; `[]` targeting means everywhere; `paused` pauses or resumes. */
export const CampaignPatchSchema = z
  .object({ ...campaignFields, paused: z.boolean() })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'au moins un champ à modifier', path: ['body'] })
  .openapi('CampaignPatch');

const ok = (description: string) => ({ content: { 'application/json': { schema: z.any() } }, description });

export function adsStaffRoutes(ads: AdsService, adminToken: string | undefined): OpenAPIHono<StaffEnv> {
  const app = staffApi();
  const editor = requireRole('editor', ads.store, adminToken);
  const common = { tags: ['Staff ads'], security: ['bearer'], middleware: [editor] };

  addRoute(
    app,
    {
      method: 'get',
      path: '/creatives',
      summary: 'Spots publicitaires disponibles',
      ...common,
      responses: { 200: ok('OK') },
    },
    (c) => c.json({ creatives: ads.creatives.list() }),
  );

  addRoute(
    app,
    {
      method: 'get',
      path: '/campaigns',
      summary: 'Campagnes des partenaires',
      ...common,
      responses: { 200: ok('OK') },
    },
    async (c) => {
      const campaigns = (await ads.store.list('campaigns')).sort(
        (a, b) => b.priority - a.priority || a.createdAt.localeCompare(b.createdAt),
      );
      return c.json({ campaigns });
    },
  );

  addRoute(
    app,
    {
      method: 'post',
      path: '/campaigns',
      summary: 'Créer une campagne (priorité, ciblage, dates, plafond par spectateur)',
      ...common,
      request: { json: CampaignCreateSchema },
      responses: { 201: ok('Créée') },
    },
    async (c, { json }) => c.json(await ads.createCampaign(c.get('actor'), json), 201),
  );

  addRoute(
    app,
    {
      method: 'patch',
      path: '/campaigns/{id}',
      summary: 'Modifier une campagne (tout champ de la création ; paused: true la met en pause, false la reprend)',
      ...common,
      request: { params: IdParam, json: CampaignPatchSchema },
      responses: { 200: ok('Modifiée') },
    },
    async (c, { param, json }) => c.json(await ads.editCampaign(c.get('actor'), param.id, json), 200),
  );

  addRoute(
    app,
    { method: 'get', path: '/breaks', summary: 'Coupures publicitaires', ...common, responses: { 200: ok('OK') } },
    async (c) => {
      const breaks = (await ads.store.list('adBreaks')).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return c.json({ breaks });
    },
  );

  addRoute(
    app,
    {
      method: 'delete',
      path: '/breaks/{id}',
      summary: 'Annuler une coupure pas encore à l’antenne (409 si elle a commencé)',
      ...common,
      request: { params: IdParam },
      responses: { 200: ok('Annulée (la coupure telle qu’elle était)') },
    },
    async (c, { param }) => c.json(await ads.cancelBreak(c.get('actor'), param.id), 200),
  );

  addRoute(
    app,
    {
      method: 'post',
      path: '/events/{id}/breaks',
      summary: 'Lancer une coupure pendant le direct, maintenant',
      ...common,
      request: { params: IdParam, json: z.object({ durationSeconds: duration }).strict() },
      responses: { 201: ok('Programmée au prochain segment') },
    },
    async (c, { param, json }) =>
      c.json(await ads.triggerLiveBreak(c.get('actor'), param.id, json.durationSeconds), 201),
  );

  addRoute(
    app,
    {
      method: 'post',
      path: '/replays/{id}/breaks',
      summary: 'Pré-publicité (sans chapitre) ou coupure au début d’un chapitre d’un replay',
      ...common,
      request: {
        params: IdParam,
        json: z.object({ durationSeconds: duration, chapter: z.number().int().min(0).optional() }).strict(),
      },
      responses: { 201: ok('Programmée') },
    },
    async (c, { param, json }) =>
      c.json(await ads.scheduleReplayBreak(c.get('actor'), param.id, json.durationSeconds, json.chapter), 201),
  );
  addRoute(
    app,
    {
      method: 'get',
      path: '/campaigns/{id}/impressions',
      summary: 'Impressions d’une campagne (début, quartiles, fin) et taux de complétion',
      ...common,
      request: { params: IdParam },
      responses: { 200: ok('OK') },
    },
    async (c, { param }) => {
      const campaign = await ads.store.get('campaigns', param.id);
      if (!campaign) throw new StaffError(404, 'campaign_not_found', `Campagne inconnue : « ${param.id} »`, 'id');
      return c.json({ campaign, ...(await ads.campaignImpressions(param.id)) });
    },
  );
  return app;
}
