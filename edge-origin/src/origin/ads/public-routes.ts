// The viewer-facing ads API (through the edge, never cached there):
//   GET /api/v1/ads/breaks/<id>/asset-list   the HLS Interstitials asset list for this viewer
//   GET|POST /api/v1/ads/track?break=&viewer=&creative=&event=   impression tracking (204)
//   POST /api/v1/ads/track/batch   tracking GETs an edge answered itself, in a batch (edge/beacons/)
// Answers are `Cache-Control: private, no-store`: they depend on who asks.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Context } from 'hono';
import { apiError } from '../http/api-errors.ts';
import type { AdsService } from './service.ts';
import { IMPRESSION_EVENTS } from './model.ts';
import type { ImpressionEvent } from './model.ts';
import { viewerIdOf } from './viewer.ts';

export const PRIVATE_NO_STORE = 'private, no-store';

const TRACK_PATH = '/api/v1/ads/track';
const BATCH_MAX_BYTES = 4 * 1024 * 1024;
const BATCH_PARALLEL = 64;
const trackBatchSchema = z.object({
  beacons: z.array(z.object({ target: z.string().max(4096), at: z.string().optional() })).max(10_000),
});

interface Tracked {
  breakId: string;
  viewer: string;
  creative: string;
  event: ImpressionEvent;
}

/** A tracking request's fields (its query, or a POST's body over it); null: one is missing or wrong. */
function trackedFields(q: Record<string, string | undefined>): Tracked | null {
  const { break: breakId, viewer, creative, event } = q;
  if (!breakId || !viewer || !creative || !event || !(IMPRESSION_EVENTS as readonly string[]).includes(event))
    return null;
  return { breakId, viewer, creative, event: event as ImpressionEvent };
}

/** A tracking GET's request target (a batched beacon) read as the GET route reads it; null: not one. */
function trackedBeacon(target: string): Tracked | null {
  let url: URL;
  try {
    url = new URL(target, 'http://edge.invalid');
  } catch {
    return null;
  }
  return url.pathname === TRACK_PATH ? trackedFields(Object.fromEntries(url.searchParams)) : null;
}

export function trackingPath(breakId: string, viewerId: string, creativeId: string): string {
  const q = new URLSearchParams({ break: breakId, viewer: viewerId, creative: creativeId });
  return `${TRACK_PATH}?${q}`;
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
    const tracked = trackedFields(q);
    if (!tracked) {
      return apiError(
        c,
        400,
        'invalid_request',
        `Attendu : break, viewer, creative et event (${IMPRESSION_EVENTS.join(', ')})`,
      );
    }
    const outcome = await ads.track(tracked.breakId, tracked.viewer, tracked.creative, tracked.event);
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

  // An edge's batch: each beacon counted as its GET would have been (recordImpression is
  // idempotent, so a batch sent again after a failure counts once). A store failure fails the
  // whole batch (5xx): the edge keeps it and sends it again.
  app.post(
    '/track/batch',
    bodyLimit({
      maxSize: BATCH_MAX_BYTES,
      onError: (c) => apiError(c, 413, 'batch_too_large', `Lot de plus de ${BATCH_MAX_BYTES} octets`),
    }),
    async (c) => {
      const parsed = trackBatchSchema.safeParse(await c.req.json().catch(() => null));
      if (!parsed.success)
        return apiError(c, 400, 'invalid_request', 'Attendu : {"beacons":[{"target":"/api/v1/ads/track?…"}]}');
      const outcomes: Record<'recorded' | 'duplicate' | 'unknown' | 'invalid', number> = {
        recorded: 0,
        duplicate: 0,
        unknown: 0,
        invalid: 0,
      };
      const beacons = parsed.data.beacons;
      // A few at a time: the store's client pipelines them, and one batch does not hog it.
      for (let i = 0; i < beacons.length; i += BATCH_PARALLEL) {
        const results = await Promise.all(
          beacons.slice(i, i + BATCH_PARALLEL).map(async ({ target }) => {
            const beacon = trackedBeacon(target);
            return beacon ? ads.track(beacon.breakId, beacon.viewer, beacon.creative, beacon.event) : 'invalid';
          }),
        );
        for (const outcome of results) outcomes[outcome]++;
      }
      return c.json(outcomes);
    },
  );
  return app;
}
