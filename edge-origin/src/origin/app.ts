// The origin: the central server that edges pull from. One Hono app, web-standard, so the
// same code runs under Node (bin/origin.node.ts) and Deno (bin/origin.deno.ts).
//
//   /api/v1/...   catalog (catalog/)          /hls/...   live and VOD streams (hls/)
//   /images/...   posters and logos (static/)  /...      the built TV app (static/)
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { HLS_ROOT, IMAGES_ROOT } from '../../../shared/hls/paths.ts';
import { MemoryCatalogStore } from './catalog/memory-store.ts';
import { catalogRoutes } from './catalog/routes.ts';
import { MediaLibrary } from './files/media-library.ts';
import { hlsRoutes } from './hls/routes.ts';
import { apiError } from './http/api-errors.ts';
import { CACHE_CONTROL } from './http/cache-control.ts';
import { resolveOriginOptions } from './options.ts';
import type { OriginOptions } from './options.ts';
import { appRoutes } from './static/app-routes.ts';
import { imageRoutes } from './static/image-routes.ts';

export type { OriginOptions } from './options.ts';

export function createOriginApp(options: OriginOptions): Hono {
  const config = resolveOriginOptions(options);
  const library = new MediaLibrary(config.mediaDir);
  const catalog = config.catalog ?? MemoryCatalogStore.fromSeedFile(config.seedFile, config.now());

  const app = new Hono();
  // Public, read-only content: any page may read it (a TV app on a dev server, a test player).
  const publicRead = cors({ origin: '*', allowMethods: ['GET', 'HEAD'], exposeHeaders: ['Content-Length', 'Content-Range', 'ETag', 'Age'] });
  app.use('/api/*', publicRead);
  app.use(`${HLS_ROOT}/*`, publicRead);
  app.use(`${IMAGES_ROOT}/*`, publicRead);
  app.route('/api/v1', catalogRoutes(catalog, config.now));
  app.all('/api/*', (c) => {
    c.header('Cache-Control', CACHE_CONTROL.api);
    return apiError(c, 404, 'not_found', `Aucune ressource ${c.req.method} ${c.req.path}`);
  });
  app.route(HLS_ROOT, hlsRoutes(library, config.live, config.now));
  app.route(IMAGES_ROOT, imageRoutes(library));
  app.route('/', appRoutes(config.appDir));
  app.notFound((c) => c.text('Not Found\n', 404));
  app.onError((error, c) => {
    console.error(`origin: ${c.req.method} ${c.req.path}:`, error);
    return c.req.path.startsWith('/api/')
      ? apiError(c, 500, 'internal_error', 'Erreur interne du serveur')
      : c.text('Internal Server Error\n', 500);
  });
  return app;
}
