// `/images/...`: posters and logos from the demo media. Their URLs never change meaning, so
// they are cached for a year by the edge and the TV.
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { fileResponse } from '../files/file-response.ts';
import type { MediaLibrary } from '../files/media-library.ts';
import { CACHE_CONTROL } from '../http/cache-control.ts';

export function imageRoutes(library: MediaLibrary): Hono {
  const images = new Hono();
  images.use('*', etag());
  images.get('*', async (c) => {
    const file = library.imageFile(c.req.path);
    const response = file ? await fileResponse(c.req.raw, file, { cacheControl: CACHE_CONTROL.immutable }) : null;
    return response ?? c.text('Not Found\n', 404);
  });
  return images;
}
