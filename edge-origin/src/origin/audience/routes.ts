// Audience and sponsor reports for the staff, `/api/v1/staff/audience/...` (bearer token):
//   GET /now                        concurrent viewers per channel now (and the event on air)
//   GET /events/<id>/report         sponsor report of an event (JSON)
//   GET /campaigns/<id>/report      sponsor report of a campaign (JSON)
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';
import { ID_PATTERN } from '../../../../shared/catalog/ids.ts';
import { eventStatusAt } from '../catalog/schedule.ts';
import { apiError } from '../http/api-errors.ts';
import { requireRole } from '../http/auth.ts';
import type { StaffEnv } from '../http/auth.ts';
import { addRoute } from '../http/openapi-route.ts';
import { staffApi } from '../http/staff-api.ts';
import { campaignReport, eventReport } from './report.ts';
import type { ReportDeps } from './report.ts';

const IdParam = z.object({ id: z.string().regex(ID_PATTERN, 'identifiant attendu') });
const ok = (description: string) => ({ content: { 'application/json': { schema: z.any() } }, description });
const notFound = { content: { 'application/json': { schema: z.any() } }, description: 'Inconnu' };

export function audienceStaffRoutes(deps: ReportDeps, adminToken: string | undefined): OpenAPIHono<StaffEnv> {
  const app = staffApi();
  const store = deps.ads.store;
  const common = {
    tags: ['Staff audience'],
    security: ['bearer'],
    middleware: [requireRole('editor', store, adminToken)],
  };

  addRoute(
    app,
    {
      method: 'get',
      path: '/now',
      summary: 'Spectateurs simultanés par chaîne, maintenant (et l’événement à l’antenne)',
      ...common,
      responses: { 200: ok('OK') },
    },
    async (c) => {
      const nowMs = deps.now();
      const events = await store.list('events');
      const channels = await Promise.all(
        CHANNEL_IDS.map(async (channelId) => {
          const onAir = events.find((e) => e.channelId === channelId && eventStatusAt(e, nowMs) === 'live');
          return {
            channelId,
            viewers: await deps.audience.concurrent(channelId, nowMs),
            ...(onAir ? { eventId: onAir.id } : {}),
          };
        }),
      );
      return c.json({ at: new Date(nowMs).toISOString(), channels });
    },
  );

  addRoute(
    app,
    {
      method: 'get',
      path: '/events/{id}/report',
      summary: 'Rapport partenaire d’un événement (audience, impressions)',
      ...common,
      request: { params: IdParam },
      responses: { 200: ok('OK'), 404: notFound },
    },
    async (c, { param }) => {
      const event = await store.get('events', param.id);
      if (!event) return apiError(c, 404, 'event_not_found', `Événement inconnu : « ${param.id} »`, 'id');
      return c.json(await eventReport(deps, event));
    },
  );

  addRoute(
    app,
    {
      method: 'get',
      path: '/campaigns/{id}/report',
      summary: 'Rapport partenaire d’une campagne',
      ...common,
      request: { params: IdParam },
      responses: { 200: ok('OK'), 404: notFound },
    },
    async (c, { param }) => {
      const campaign = await store.get('campaigns', param.id);
      if (!campaign) return apiError(c, 404, 'campaign_not_found', `Campagne inconnue : « ${param.id} »`, 'id');
      return c.json(await campaignReport(deps, campaign));
    },
  );
  return app;
}
