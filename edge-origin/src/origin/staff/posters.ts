// `POST /staff/posters`: a poster upload (JPEG, PNG or WebP, type checked on the bytes), resized
// for the TV by images/ and stored under the hash of its bytes: the same picture sent twice is one
// poster. Events, replays, highlights and sponsors then name it by the path this answers.
import { z } from '@hono/zod-openapi';
import { ApiErrorSchema, json } from '../catalog/api-schemas.ts';
import { StaffError } from '../http/api-errors.ts';
import { sha256Hex } from '../http/ids.ts';
import {
  checkPosterPixels,
  checkPosterUpload,
  imageStoreKey,
  MAX_POSTER_BYTES,
  POSTER_TYPES,
  posterKey,
  resizePoster,
  uploadedPosterPath,
} from '../images/poster-upload.ts';
import type { StaffRouter } from './routing.ts';

export function posterRoutes(router: StaffRouter): void {
  router.write(
    'editor',
    'poster.upload',
    {
      method: 'post',
      path: '/posters',
      summary:
        'Envoyer une affiche (JPEG, PNG ou WebP, 5 Mo et 40 millions de pixels au plus ; type vérifié sur le contenu) : redimensionnée pour la TV',
      request: { raw: { mediaTypes: [...POSTER_TYPES], description: 'Les octets de l’image' } },
      responses: {
        201: json(
          z.object({ poster: z.string(), hero: z.string() }),
          'Chemins de l’affiche (card 400×225) et du grand format (hero 1280×720)',
        ),
        400: json(ApiErrorSchema, 'Illisible (fichier corrompu ou tronqué)'),
        413: json(ApiErrorSchema, 'Trop lourde, ou trop grande en pixels (40 millions au plus)'),
        415: json(ApiErrorSchema, 'Pas une image acceptée'),
      },
    },
    async (_input, c) => {
      // Refused before reading a body the client says is too big.
      const declaredLength = Number(c.req.header('content-length') ?? 0);
      if (declaredLength > MAX_POSTER_BYTES)
        throw new StaffError(413, 'too_large', `Image trop lourde : ${declaredLength} octets (5 Mo au plus)`, 'body');
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      checkPosterUpload(bytes, c.req.header('content-type'));
      await checkPosterPixels(bytes);
      const key = posterKey(await sha256Hex(bytes));
      const sized = await resizePoster(bytes);
      return {
        change: {
          images: Object.entries(sized).map(([size, data]) => ({
            key: imageStoreKey(key, size as 'card'),
            bytes: data,
          })),
        },
        status: 201,
        body: { poster: uploadedPosterPath(key, 'card'), hero: uploadedPosterPath(key, 'hero') },
        target: { kind: 'poster', id: key },
        detail: { bytes: bytes.length, key },
      };
    },
  );
}
