// `/images/uploads/<key>/<size>.jpg`: posters uploaded by the staff, from the record store.
// Content-addressed, so cached for a year by the edge and the TV; anything else under /images
// falls through to the generated demo pictures.
import { Hono } from 'hono';
import { POSTER_SIZES } from '../../../../shared/hls/paths.ts';
import type { PosterSize } from '../../../../shared/hls/paths.ts';
import { CACHE_CONTROL } from '../http/cache-control.ts';
import type { RecordStore } from '../store/record-store.ts';
import { imageStoreKey } from './poster-upload.ts';

export function uploadedImageRoutes(store: RecordStore): Hono {
  const images = new Hono();
  images.get('/uploads/:key/:file', async (c) => {
    const key = c.req.param('key');
    const size = /^(\w+)\.jpg$/.exec(c.req.param('file'))?.[1];
    if (!/^[0-9a-f]{24}$/.test(key) || !size || !Object.hasOwn(POSTER_SIZES, size)) return c.text('Not Found\n', 404);
    const tag = `"${key}-${size}"`;
    if (c.req.header('if-none-match') === tag)
      return c.body(null, 304, { ETag: tag, 'Cache-Control': CACHE_CONTROL.immutable });
    const bytes = await store.getImage(imageStoreKey(key, size as PosterSize));
    if (!bytes) return c.text('Not Found\n', 404);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'image/jpeg',
      'Cache-Control': CACHE_CONTROL.immutable,
      ETag: tag,
    });
  });
  return images;
}
