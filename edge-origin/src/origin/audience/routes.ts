// Audience and sponsor reports for the staff, `/api/v1/staff/audience/...` (bearer token):
//   GET /now                        concurrent viewers per channel now (and the event on air)
//   GET /events/<id>/report         sponsor report of an event (JSON)
//   GET /campaigns/<id>/report      sponsor report of a campaign (JSON)
import { Hono } from 'hono';
import { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';
import { eventStatusAt } from '../catalog/schedule.ts';
import { apiError } from '../http/api-errors.ts';
import { requireRole } from '../staff/auth.ts';
import type { StaffActor } from '../staff/auth.ts';
import { campaignReport, eventReport } from './report.ts';
import type { ReportDeps } from './report.ts';

export function audienceStaffRoutes(deps: ReportDeps, adminToken: string | undefined): Hono<{ Variables: { actor: StaffActor } }> {
  const app = new Hono<{ Variables: { actor: StaffActor } }>();
  const store = deps.ads.store;
  app.use('*', requireRole('editor', store, adminToken));
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  app.get('/now', async (c) => {
    const nowMs = deps.now();
    const events = await store.list('events');
    const channels = await Promise.all(
      CHANNEL_IDS.map(async (channelId) => {
        const onAir = events.find((e) => e.channelId === channelId && eventStatusAt(e, nowMs) === 'live');
        return { channelId, viewers: await deps.audience.concurrent(channelId, nowMs), ...(onAir ? { eventId: onAir.id } : {}) };
      }),
    );
    return c.json({ at: new Date(nowMs).toISOString(), channels });
  });

  app.get('/events/:id/report', async (c) => {
    const event = await store.get('events', c.req.param('id'));
    if (!event) return apiError(c, 404, 'event_not_found', `Événement inconnu : « ${c.req.param('id')} »`, 'id');
    return c.json(await eventReport(deps, event));
  });

  app.get('/campaigns/:id/report', async (c) => {
    const campaign = await store.get('campaigns', c.req.param('id'));
    if (!campaign) return apiError(c, 404, 'campaign_not_found', `Campagne inconnue : « ${c.req.param('id')} »`, 'id');
    return c.json(await campaignReport(deps, campaign));
  });
  return app;
}
