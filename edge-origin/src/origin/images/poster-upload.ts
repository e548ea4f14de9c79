// Poster uploads: checked by their bytes (not by what the client claims) and their size in pixels
// (from the header, before anything is decoded), resized once with
// ffmpeg into the sizes the TV shows (shared/hls/paths.ts POSTER_SIZES), stored in the record
// store and served for a year under a content-addressed URL (the key is a hash of the upload,
// so a URL never changes meaning and re-uploading the same picture is a no-op).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POSTER_SIZES } from '../../../../shared/hls/paths.ts';
import type { PosterSize } from '../../../../shared/hls/paths.ts';
import { findFfmpeg, runFfmpeg } from '../../media/ffmpeg.ts';
import { StaffError } from '../http/api-errors.ts';

export const MAX_POSTER_BYTES = 5 * 1024 * 1024;
/**
 * Largest picture, in pixels (a designer's 8K master passes): a file of a few hundred bytes can
 * claim 30,000 × 30,000, which ffmpeg would try to decode into gigabytes.
 */
export const MAX_POSTER_PIXELS = 40_000_000;
export const POSTER_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PosterType = (typeof POSTER_TYPES)[number];
export const UPLOADS_PREFIX = '/images/uploads';

/** The image type the bytes really are (magic numbers), or null. */
export function sniffImageType(bytes: Uint8Array): PosterType | null {
  const at = (i: number, ...values: number[]) => values.every((v, k) => bytes[i + k] === v);
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return null;
}

/** Rejects what is not a poster we accept; returns its real type. */
export function checkPosterUpload(bytes: Uint8Array, declaredType: string | undefined): PosterType {
  if (bytes.length === 0) throw new StaffError(400, 'empty_body', 'Image attendue dans le corps de la requête', 'body');
  if (bytes.length > MAX_POSTER_BYTES)
    throw new StaffError(413, 'too_large', `Image trop lourde : ${bytes.length} octets (5 Mo au plus)`, 'body');
  const type = sniffImageType(bytes);
  if (!type)
    throw new StaffError(415, 'unsupported_image', 'Ce fichier n’est ni un JPEG, ni un PNG, ni un WebP', 'body');
  const [mediaType = ''] = (declaredType ?? '').split(';');
  const declared = mediaType.trim().toLowerCase();
  if (declared !== type)
    throw new StaffError(
      415,
      'type_mismatch',
      `Le contenu est un ${type} mais l’en-tête Content-Type annonce « ${declared || 'rien'} »`,
      'content-type',
    );
  return type;
}

/** Refuses (413) a picture whose header claims more than `maxPixels`; reads the header only. */
export async function checkPosterPixels(bytes: Uint8Array, maxPixels = MAX_POSTER_PIXELS): Promise<void> {
  // sharp (libvips) reads the size from the header without decoding a pixel; loaded on first use.
  const sharp = (await import('sharp')).default;
  let width = 0;
  let height = 0;
  try {
    ({ width = 0, height = 0 } = await sharp(bytes, { limitInputPixels: false, failOn: 'none' }).metadata());
  } catch {
    throw new StaffError(400, 'unreadable_image', 'Image illisible (fichier corrompu ou tronqué)', 'body');
  }
  if (width * height > maxPixels)
    throw new StaffError(
      413,
      'too_many_pixels',
      `Image trop grande : ${width} × ${height} pixels (${Math.round(maxPixels / 1e6)} millions de pixels au plus)`,
      'body',
    );
  if (width === 0 || height === 0)
    throw new StaffError(400, 'unreadable_image', 'Image illisible (fichier corrompu ou tronqué)', 'body');
}

export function posterKey(digestHex: string): string {
  return digestHex.slice(0, 24);
}

export function uploadedPosterPath(key: string, size: PosterSize): string {
  return `${UPLOADS_PREFIX}/${key}/${size}.jpg`;
}

/** Store key of one resized picture. */
export function imageStoreKey(key: string, size: PosterSize): string {
  return `poster:${key}:${size}`;
}

/** Every size of the poster as JPEG, cropped to fill (no letterbox on a TV). */
export async function resizePoster(bytes: Uint8Array): Promise<Record<PosterSize, Uint8Array>> {
  const dir = await mkdtemp(join(tmpdir(), 'cite-tv-poster-'));
  try {
    await writeFile(join(dir, 'upload'), bytes);
    const sizes = Object.entries(POSTER_SIZES) as [PosterSize, { width: number; height: number }][];
    const args = ['-v', 'error', '-i', 'upload'];
    for (const [name, { width, height }] of sizes) {
      args.push(
        '-vf',
        `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},format=yuvj444p`,
        '-frames:v',
        '1',
        '-q:v',
        '3',
        '-f',
        'image2',
        '-c:v',
        'mjpeg',
        '-y',
        `${name}.jpg`,
      );
    }
    try {
      await runFfmpeg(findFfmpeg(), args, dir);
    } catch {
      throw new StaffError(400, 'unreadable_image', 'Image illisible (fichier corrompu ou tronqué)', 'body');
    }
    const out = {} as Record<PosterSize, Uint8Array>;
    for (const [name] of sizes) out[name] = new Uint8Array(await readFile(join(dir, `${name}.jpg`)));
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
