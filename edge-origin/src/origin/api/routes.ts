// `/api/v1`: the TV-facing read API (catalog/) and the staff write API (staff/, and the staff
// sides of ads/ and audience/) under one OpenAPI document, `/api/v1/openapi.json`, generated from
// the very schemas that validate the requests. The staff routes are mounted first: the catalog
// answers 404 to anything else.
import { OpenAPIHono } from '@hono/zod-openapi';
import { etag } from 'hono/etag';
import { HTTPException } from 'hono/http-exception';
import { catalogRoutes } from '../catalog/routes.ts';
import type { CatalogStore } from '../catalog/store.ts';
import { apiError } from '../http/api-errors.ts';
import { CACHE_CONTROL } from '../http/cache-control.ts';
import { staffRoutes } from '../staff/routes.ts';
import type { StaffDeps } from '../staff/routes.ts';
import type { StaffEnv } from '../http/auth.ts';
import { StoreUnavailableError } from '../store/records.ts';

/** Other capabilities' staff APIs, mounted under `/staff/<prefix>` and listed in the document. */
export type StaffApis = Record<string, OpenAPIHono<StaffEnv>>;

export function apiV1Routes(catalog: CatalogStore, staff: StaffDeps, staffApis: StaffApis = {}): OpenAPIHono {
  const api = new OpenAPIHono();
  api.use('/openapi.json', etag(), async (c, next) => {
    await next();
    c.header('Cache-Control', CACHE_CONTROL.api);
  });
  api.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'Cité TV API',
      version: '1',
      description:
        'Lecture (TV, mise en cache par les edges : 10 s, ETag, Surrogate-Key) et écriture (équipe : jeton Bearer, rôles admin/editor, journal). Les résumés sont coupés aux limites des segments (2 s).',
    },
    servers: [{ url: '/api/v1' }],
  });
  for (const [prefix, routes] of Object.entries(staffApis)) api.route(`/staff/${prefix}`, routes);
  api.route('/staff', staffRoutes(staff));
  api.route('/', catalogRoutes(catalog, staff.now));
  api.onError((error, c) => {
    if (error instanceof StoreUnavailableError) {
      c.header('Cache-Control', 'no-store');
      return apiError(c, 503, 'store_unavailable', 'Catalogue momentanément indisponible');
    }
    if (error instanceof HTTPException && error.status === 400) {
      // Hono's body parsing (e.g. malformed JSON) before our schemas could look at it.
      c.header('Cache-Control', 'no-store');
      return apiError(c, 400, 'invalid_body', `Corps de requête illisible : ${error.message}`, 'body');
    }
    throw error;
  });
  return api;
}
