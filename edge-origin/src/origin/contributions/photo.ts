// A spectator's photo, from the bytes sent to the JPEG the screen shows. The type is read from
// the bytes (images/poster-upload.ts's sniffing, plus HEIC), the size in pixels from the file's
// header before anything is decoded (a small file can claim 30,000 × 30,000), then sharp decodes it
// (refusing truncated or corrupt files), applies the EXIF orientation, fits it in the screen's box
// and writes a fresh JPEG: no metadata of the original (GPS, camera, author) survives.
// sharp is loaded on first use, so an origin that never receives a photo (and Deno) never loads it;
// by default the work runs in photo-process.ts's process, not this one's event loop.
import { sniffImageType } from '../images/poster-upload.ts';
import type { ContributionsConfig } from './config.ts';
import { refuse } from './refusals.ts';

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic';

export function sniffPhotoType(bytes: Uint8Array): PhotoType | null {
  const known = sniffImageType(bytes);
  if (known) return known;
  // ISO BMFF: `ftyp` at 4, then the major brand.
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(4, 8) === 'ftyp' && /^(heic|heix|heim|heis|hevc|hevx|mif1|msf1)$/.test(ascii(8, 12)))
    return 'image/heic';
  return null;
}

export interface ProcessedPhoto {
  jpeg: Uint8Array;
  width: number;
  height: number;
}

/**
 * Where the work runs: a sending's multipart body read, the header read, the re-encode.
 * `inlineEngine` all in this process; photo-process.ts's `PhotoProcess` the re-encode in its own.
 */
export interface PhotoEngine {
  form(body: Uint8Array, contentType: string): Promise<{ fields: [string, string][]; files: [string, Uint8Array][] }>;
  metadata(bytes: Uint8Array): Promise<{ width: number; height: number }>;
  encode(
    bytes: Uint8Array,
    o: { maxPixels: number; width: number; height: number; quality: number },
  ): Promise<ProcessedPhoto>;
}

type Sharp = typeof import('sharp').default;
let sharpModule: Promise<Sharp> | undefined;
const loadSharp = async (threads: number) => {
  sharpModule ??= import('sharp').then((m) => {
    // Every photo is new: libvips's operation cache would only hold memory after the flood.
    m.default.cache(false);
    return m.default;
  });
  const sharp = await sharpModule;
  if (sharp.concurrency() !== threads) sharp.concurrency(threads);
  return sharp;
};

/** The work in this process (the Deno origin; `photoWorker: 'inline'`). */
export function inlineEngine(threads: number): PhotoEngine {
  return {
    async form(body, contentType) {
      const form = await new Response(body as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': contentType },
      }).formData();
      const fields: [string, string][] = [];
      const files: [string, Uint8Array][] = [];
      for (const [name, value] of form) {
        if (typeof value === 'string') fields.push([name, value]);
        else files.push([name, new Uint8Array(await value.arrayBuffer())]);
      }
      return { fields, files };
    },
    async metadata(bytes) {
      const sharp = await loadSharp(threads);
      const { width = 0, height = 0 } = await sharp(bytes, { limitInputPixels: false, failOn: 'none' }).metadata();
      return { width, height };
    },
    async encode(bytes, o) {
      const sharp = await loadSharp(threads);
      const { data, info } = await sharp(bytes, { limitInputPixels: o.maxPixels, failOn: 'warning' })
        .rotate()
        .resize({ width: o.width, height: o.height, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#000000' })
        .jpeg({ quality: o.quality, progressive: true })
        .toBuffer({ resolveWithObject: true });
      return { jpeg: new Uint8Array(data), width: info.width, height: info.height };
    },
  };
}

type PhotoLimits = Pick<
  ContributionsConfig,
  'maxUploadBytes' | 'maxPixels' | 'screenWidth' | 'screenHeight' | 'jpegQuality' | 'photoThreads'
>;

/** Checks and re-encodes; throws a ContributionError saying what is wrong. */
export async function processPhoto(
  bytes: Uint8Array,
  limits: PhotoLimits,
  engine: PhotoEngine = inlineEngine(limits.photoThreads),
): Promise<ProcessedPhoto> {
  if (bytes.length === 0) throw refuse.emptyPhoto();
  if (bytes.length > limits.maxUploadBytes) throw refuse.tooHeavy(bytes.length, limits.maxUploadBytes);
  const type = sniffPhotoType(bytes);
  if (!type) throw refuse.notAnImage();
  let header: { width: number; height: number };
  try {
    // The header only (no pixel is decoded), so its size is told even when it is far too big.
    header = await engine.metadata(bytes);
  } catch {
    throw type === 'image/heic' ? refuse.heicUnsupported() : refuse.unreadable();
  }
  const { width, height } = header;
  if (width * height > limits.maxPixels) throw refuse.tooManyPixels(width, height, limits.maxPixels);
  if (width === 0 || height === 0) throw refuse.unreadable();
  try {
    return await engine.encode(bytes, {
      maxPixels: limits.maxPixels,
      width: limits.screenWidth,
      height: limits.screenHeight,
      quality: limits.jpegQuality,
    });
  } catch {
    // The photo process dying on a picture is that picture's doing as far as the sender is told.
    throw type === 'image/heic' ? refuse.heicUnsupported() : refuse.unreadable();
  }
}
