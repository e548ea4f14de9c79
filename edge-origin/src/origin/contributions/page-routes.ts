// What a browser opens: the phone page (`/participer/<eventId>`, and `/p/<shortCode>` under the
// QR code), its script, the broadcast's lower third (`/ecran/<eventId>/bandeau`, a vision mixer's
// browser source), and the re-encoded photos (`/contributions/photos/<id>.jpg`). A photo is
// served only while it is not rejected, from our own JPEG, never the bytes the phone sent; browsers
// may keep it, edges may not (a removal must take effect on the next request).
import { Hono } from 'hono';
import { fileURLToPath } from 'node:url';
import { fileResponse } from '../files/file-response.ts';
import type { ContributionsService } from './service.ts';
import { isEventId } from './service.ts';

export const DEFAULT_PAGE_DIR = fileURLToPath(new URL('../../../dist/participer/', import.meta.url));

export function contributionPageRoutes(service: ContributionsService, dir: string = DEFAULT_PAGE_DIR): Hono {
  const { store, media } = service.deps;
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
  });
  const page = async (
    c: { req: { raw: Request }; text: (t: string, s: 404) => Response },
    file: string,
    cacheControl: string,
  ) =>
    (await fileResponse(c.req.raw, `${dir}${file}`, { cacheControl })) ??
    c.text('La page de participation n’est pas construite : npm run build\n', 404);

  app.get('/participer/app.js', (c) => page(c, 'app.js', 'no-cache'));
  app.get('/participer/:eventId', async (c) => {
    if (!isEventId(c.req.param('eventId'))) return c.text('Not Found\n', 404);
    return page(c, 'index.html', 'no-cache');
  });
  app.get('/ecran/bandeau.js', (c) => page(c, 'bandeau.js', 'no-cache'));
  app.get('/ecran/:eventId/bandeau', async (c) => {
    if (!isEventId(c.req.param('eventId'))) return c.text('Not Found\n', 404);
    return page(c, 'bandeau.html', 'no-cache');
  });
  app.get('/p/:code', async (c) => {
    const eventId = /^[a-z0-9]{3,12}$/i.test(c.req.param('code'))
      ? await service.eventOfShortCode(c.req.param('code'))
      : null;
    if (!eventId) return c.text('Adresse inconnue\n', 404);
    c.header('Cache-Control', 'no-store');
    return c.redirect(`/participer/${eventId}`, 302);
  });
  app.get('/contributions/photos/:file', async (c) => {
    const id = /^([a-z0-9]{22})\.jpg$/.exec(c.req.param('file'))?.[1];
    const item = id ? await store.get('contributions', id) : null;
    if (!item || item.state === 'rejected') return c.text('Not Found\n', 404, { 'Cache-Control': 'no-store' });
    const response = await fileResponse(c.req.raw, media.path(item.photo.file), {
      cacheControl: 'private, max-age=3600',
    });
    return response ?? c.text('Not Found\n', 404, { 'Cache-Control': 'no-store' });
  });
  return app;
}
