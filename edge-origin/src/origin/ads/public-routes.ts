// The viewer-facing ads API (through the edge, never cached there):
//   GET /api/v1/ads/breaks/<id>/asset-list   the HLS Interstitials asset list for this viewer
//   GET|POST /api/v1/ads/track?break=&viewer=&creative=&event=   impression tracking (204)
// Answers are `Cache-Control: private, no-store`: they depend on who asks.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { apiError } from '../http/api-errors.ts';
import type { AdsService } from './service.ts';
import { IMPRESSION_EVENTS } from './model.ts';
import type { ImpressionEvent } from './model.ts';
import { viewerIdOf } from './viewer.ts';

export const PRIVATE_NO_STORE = 'private, no-store';

/** The tracking URL of one spot of a decision; the player appends `&event=<start|…|complete>`. */
export function trackingPath(breakId: string, viewerId: string, creativeId: string): string {
  const q = new URLSearchParams({ break: breakId, viewer: viewerId, creative: creativeId });
  return `/api/v1/ads/track?${q}`;
}

export function adsPublicRoutes(ads: AdsService): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', PRIVATE_NO_STORE);
  });

  app.get('/breaks/:id/asset-list', async (c) => {
    const adBreak = await ads.store.get('adBreaks', c.req.param('id'));
    if (!adBreak)
      return apiError(c, 404, 'break_not_found', `Coupure publicitaire inconnue : « ${c.req.param('id')} »`);
    const viewerId = viewerIdOf(c.req.raw) ?? `anon-${crypto.randomUUID()}`;
    const decision = await ads.decide(adBreak, viewerId);
    // A break the viewer already watched to the end (seeking back over a replay's mid-roll) is
    // empty for them: played once. hls.js asks the asset list again each time it reaches a break.
    if (await ads.watchedWholeBreak(decision)) return c.json({ ASSETS: [] });
    return c.json({
      ASSETS: decision.ads.map((ad) => ({
        URI: ads.creatives.get(ad.creativeId)!.uri,
        DURATION: ad.duration,
        // Ours (hls.js keeps unknown keys on the asset list response): what the TV player needs
        // to label the spot and report its impressions.
        'X-CITETV-AD': {
          creativeId: ad.creativeId,
          kind: ad.campaignId ? 'sponsor' : 'promo',
          ...(ad.sponsorId ? { sponsorId: ad.sponsorId } : {}),
          tracking: trackingPath(adBreak.id, viewerId, ad.creativeId),
        },
      })),
    });
  });

  const track = async (c: Context) => {
    const q =
      c.req.method === 'POST'
        ? { ...c.req.query(), ...((await c.req.json().catch(() => ({}))) as Record<string, string>) }
        : c.req.query();
    const { break: breakId, viewer, creative, event } = q;
    if (!breakId || !viewer || !creative || !event || !(IMPRESSION_EVENTS as readonly string[]).includes(event)) {
      return apiError(
        c,
        400,
        'invalid_request',
        `Attendu : break, viewer, creative et event (${IMPRESSION_EVENTS.join(', ')})`,
      );
    }
    const outcome = await ads.track(breakId, viewer, creative, event as ImpressionEvent);
    if (outcome === 'unknown')
      return apiError(
        c,
        404,
        'unknown_impression',
        'Aucune publicité de ce type n’a été servie à ce spectateur dans cette coupure',
      );
    return c.body(null, 204, { 'X-Impression': outcome });
  };
  app.get('/track', track);
  app.post('/track', track);
  return app;
}
