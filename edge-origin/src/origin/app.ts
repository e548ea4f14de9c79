// The origin: the central server that edges pull from. One Hono app, web-standard, so the
// same code runs under Node (bin/origin.node.ts) and Deno (bin/origin.deno.ts).
//
//   /api/v1/...   catalog (catalog/), staff API (staff/), OpenAPI (api/)
//   /hls/...      live and VOD streams (hls/), replays and clips cut from them (recordings/)
//   /images/...   posters and logos (static/, uploads: images/)
//   /regie/       the régie, the staff's console (regie/; /staff/ redirects there)   /...   the built TV app (static/)
import { Hono } from 'hono';
import { audienceStaffRoutes, createAudience } from './audience/index.ts';
import {
  adsPublicRoutes,
  adsStaffRoutes,
  createAds,
  creativeRoutes,
  sponsorLogoRoutes,
  ADS_HLS_ROOT,
} from './ads/index.ts';
import { cors } from 'hono/cors';
import {
  contributionPageRoutes,
  contributionPublicRoutes,
  contributionStaffRoutes,
  createContributions,
} from './contributions/index.ts';
import { HLS_ROOT, IMAGES_ROOT } from '../../../shared/hls/paths.ts';
import { apiV1Routes } from './api/routes.ts';
import { signPlaybackUrls } from './access/sign-playback.ts';
import { loadSeedRecords, MemoryCatalogStore } from './catalog/memory-store.ts';
import { RecordCatalog } from './catalog/record-catalog.ts';
import { regieRoutes } from './regie/routes.ts';
import { MediaLibrary } from './files/media-library.ts';
import { LiveChannels } from './live/live-channels.ts';
import { hlsRoutes } from './hls/routes.ts';
import { loadLowLatencyConfig } from './live/low-latency-config.ts';
import { recordedArchive } from './recordings/archive.ts';
import { apiError } from './http/api-errors.ts';
import { accessLog } from './log/access-log.ts';
import { CACHE_CONTROL } from './http/cache-control.ts';
import { resolveOriginOptions } from './options.ts';
import type { OriginOptions } from './options.ts';
import { uploadedImageRoutes } from './images/routes.ts';
import { EdgePurgeClient } from './purge/edge-purge-client.ts';
import { recordingRoutes } from './recordings/routes.ts';
import { replicaRoutes } from './replicas/routes.ts';
import { StoreClosedError } from './store/records.ts';
import { seedOnce } from './store/seeding.ts';
import { appRoutes } from './static/app-routes.ts';
import { imageRoutes } from './static/image-routes.ts';

export type { OriginOptions } from './options.ts';

export function createOriginApp(options: OriginOptions): Hono {
  const config = resolveOriginOptions(options);
  const library = new MediaLibrary(config.mediaDir);
  const catalog =
    config.catalog ??
    (config.store ? new RecordCatalog(config.store) : MemoryCatalogStore.fromSeedFile(config.seedFile, config.now()));
  const store = catalog.records;
  if (config.store && !config.catalog) {
    // A shared store (Redis) is seeded once, in the background: the origin serves (and says 503
    // on writes) while Redis is still unreachable.
    const seedFile = config.seedFile;
    void seedOnce(store, () => ({
      records: loadSeedRecords(seedFile, config.now()),
      atIso: new Date(config.now()).toISOString(),
    })).then(
      (seeded) => seeded && config.logger.info({ store: store.kind, seedFile }, 'origin: store seeded'),
      (error: unknown) =>
        error instanceof StoreClosedError || config.logger.error({ err: error }, 'origin: seeding failed'),
    );
  }
  const clock = {
    epochMs: config.live.epochMs,
    windowSize: config.live.windowSize,
    segmentDuration: library.manifest.segmentDuration,
  };
  // What each live segment carries: the ingest's timelines (encoders, slate), or the loop alone.
  const live = options.ingest?.channels ?? LiveChannels.loopOnly(library, clock);
  const purger = new EdgePurgeClient(config.edgePurge);
  const ads = createAds(options.ads ?? {}, { store, mediaDir: config.mediaDir, clock, now: config.now, purger });
  const audience = createAudience(
    { ...(options.ads?.redisUrl ? { redisUrl: options.ads.redisUrl } : {}), ...options.ads?.audience },
    config.now,
  );

  const contributions = createContributions(
    { ...(options.ads?.redisUrl ? { redisUrl: options.ads.redisUrl } : {}), ...options.contributions },
    { store, now: config.now },
  );

  const app = new Hono();
  app.use(accessLog(config.logger));
  // Public, read-only content: any page may read it (a TV app on a dev server, a test player).
  const publicRead = cors({
    origin: '*',
    allowMethods: ['GET', 'HEAD'],
    exposeHeaders: ['Content-Length', 'Content-Range', 'ETag', 'Age'],
  });
  app.use('/api/*', publicRead);
  app.use(`${HLS_ROOT}/*`, publicRead);
  app.use(`${IMAGES_ROOT}/*`, publicRead);
  // Another replica packages a channel: its live (and the staff's start and stop) are answered by it (replicas/).
  if (options.replicas)
    replicaRoutes(app, options.replicas, {
      store,
      live,
      now: config.now,
      logger: config.logger,
      staffAdminToken: config.staffAdminToken,
      edgeAdminToken: config.edgePurge.token,
    });
  // Restricted streams leave the TV's API with signed URLs (access/sign-playback.ts).
  const signing = signPlaybackUrls(config.access, config.now);
  if (signing) app.use('/api/v1/*', signing);
  app.route('/api/v1/ads', adsPublicRoutes(ads));
  app.route('/api/v1/contributions', contributionPublicRoutes(contributions));
  app.route(
    '/api/v1',
    apiV1Routes(
      catalog,
      {
        store,
        library,
        clock,
        live,
        retentionSegments: config.live.retentionSegments,
        now: config.now,
        adminToken: config.staffAdminToken,
        purger,
      },
      {
        ads: adsStaffRoutes(ads, config.staffAdminToken),
        audience: audienceStaffRoutes({ ads, audience, now: config.now }, config.staffAdminToken),
        contributions: contributionStaffRoutes(contributions, config.staffAdminToken),
        ...(options.ingest ? { ingest: options.ingest.staffRoutes } : {}),
      },
    ),
  );
  app.all('/api/*', (c) => {
    c.header('Cache-Control', CACHE_CONTROL.api);
    return apiError(c, 404, 'not_found', `Aucune ressource ${c.req.method} ${c.req.path}`);
  });
  app.route(ADS_HLS_ROOT, creativeRoutes(ads.creatives));
  app.route(`${HLS_ROOT}/vod`, recordingRoutes(store, library, live, ads.signals));
  const lowLatency = loadLowLatencyConfig({ env: globalThis.process?.env ?? {}, overrides: options.lowLatency ?? {} });
  app.route(
    HLS_ROOT,
    hlsRoutes(library, live, config.live, config.now, ads.signals, recordedArchive(store, config.now), lowLatency),
  );
  app.route(IMAGES_ROOT, uploadedImageRoutes(store));
  app.route(IMAGES_ROOT, sponsorLogoRoutes(ads.creatives));
  app.route(IMAGES_ROOT, imageRoutes(library));
  app.route('/', regieRoutes());
  app.route('/', contributionPageRoutes(contributions, options.contributions?.pageDir));
  app.route('/', appRoutes(config.appDir));
  app.notFound((c) => c.text('Not Found\n', 404));
  app.onError((error, c) => {
    config.logger.error({ err: error, method: c.req.method, path: c.req.path }, 'origin: request failed');
    return c.req.path.startsWith('/api/')
      ? apiError(c, 500, 'internal_error', 'Erreur interne du serveur')
      : c.text('Internal Server Error\n', 500);
  });
  return app;
}
