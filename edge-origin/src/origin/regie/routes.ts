// `/regie/`: the typed régie (client/, built by scripts/build-regie.mjs into edge-origin/dist/regie/).
// The page is public like every staff page; what it shows comes from the staff API with the
// user's token. `no-cache`: a new build is picked up at once. The former consoles' addresses
// (`/staff/`, `/staff/ads/`) send their bookmarks to the matching page of the régie.
import { Hono } from 'hono';
import { fileURLToPath } from 'node:url';
import { fileResponse } from '../files/file-response.ts';

export const DEFAULT_REGIE_DIR = fileURLToPath(new URL('../../../dist/regie/', import.meta.url));
const FILES: Record<string, string> = {
  '': 'index.html',
  'index.html': 'index.html',
  'regie.js': 'regie.js',
  'regie.js.map': 'regie.js.map',
};

export function regieRoutes(dir: string = DEFAULT_REGIE_DIR): Hono {
  const app = new Hono();
  app.get('/regie', (c) => c.redirect('/regie/', 301));
  app.get('/staff/ads/*', (c) => c.redirect('/regie/#/publicite', 301));
  app.get('/staff/*', (c) => c.redirect('/regie/', 301));
  app.get('/staff', (c) => c.redirect('/regie/', 301));
  app.get('/regie/:file{.*}?', async (c) => {
    const file = FILES[c.req.param('file') ?? ''];
    if (!file) return c.text('Not Found\n', 404);
    const response = await fileResponse(c.req.raw, `${dir}${file}`, { cacheControl: 'no-cache' });
    return response ?? c.text('La régie n’est pas construite : npm run build\n', 404);
  });
  return app;
}
