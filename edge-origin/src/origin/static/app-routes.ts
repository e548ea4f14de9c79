// The built TV app at `/`: index.html always revalidated (a new build shows up at once),
// content-hashed bundles cached for a year, other static files for a day.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { resolve, sep } from 'node:path';
import { fileResponse } from '../files/file-response.ts';
import { CACHE_CONTROL } from '../http/cache-control.ts';

/** esbuild/vite style content hashes in file names: `app-5XJ2KQ3L.js`, `index.3f2a9c1b.css`. */
const HASHED_NAME = /[.-][A-Za-z0-9_]{8,}\.(?:js|mjs|css|png|jpg|svg|woff2?|ttf|map)$/;
const STATIC_ASSET = 'public, max-age=86400';

export function appRoutes(appDir: string): Hono {
  const app = new Hono();
  const root = resolve(appDir);

  app.get('*', async (c) => {
    const urlPath = decodeURIComponentSafe(c.req.path);
    if (urlPath === null) return c.text('Bad Request\n', 400);
    const relative = urlPath === '/' || urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath;
    const file = resolve(root, `.${relative}`);
    // Never serve outside the app directory (`/../`, encoded or not).
    if (file !== root && !file.startsWith(root + sep)) return c.text('Not Found\n', 404);
    const response = await fileResponse(c.req.raw, file, { cacheControl: cacheControlFor(relative) });
    return response ?? notFound(c, urlPath === '/');
  });

  return app;
}

function cacheControlFor(path: string): string {
  if (path.endsWith('.html')) return CACHE_CONTROL.appShell;
  return HASHED_NAME.test(path) ? CACHE_CONTROL.immutable : STATIC_ASSET;
}

function notFound(c: Context, isRoot: boolean): Response {
  return c.text(isRoot ? "L'application TV n'est pas construite (npm run build).\n" : 'Not Found\n', 404);
}

function decodeURIComponentSafe(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
