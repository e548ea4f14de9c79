// Visual constants for a 1920×1080 stage seen from 3 m: type no smaller than 26 px,
// title-safe margins (5 % each side), channel colours from the catalog.
import { serviceBase } from '../platform/service-base.ts';

export const STAGE = { w: 1920, h: 1080 } as const;
/** Title-safe area: nothing readable outside it (overscan on older TVs). */
export const SAFE = { x: 96, y: 54 } as const;

export const FONT = { regular: 'Inter', semibold: 'InterSemiBold', bold: 'InterBold' } as const;

export const TYPE = {
  hero: 64,
  title: 44,
  heading: 34,
  body: 28,
  caption: 26,
} as const;

export const COLOR = {
  background: 0xff0b0f1a,
  surface: 0xff161c2b,
  surfaceRaised: 0xff222a3d,
  text: 0xffffffff,
  textDim: 0xffb4bccc,
  focus: 0xffffffff,
  live: 0xffe53935,
  scrim: 0xcc000000,
  transparent: 0x00000000,
} as const;

export const TILE = { w: 400, h: 225, gap: 32, focusScale: 1.1, outline: 6 } as const;

/** `#RRGGBB` → Lightning ARGB number. */
export function argb(hex: string, alpha = 1): number {
  const rgb = parseInt(hex.replace('#', ''), 16) || 0;
  return ((Math.round(alpha * 255) << 24) >>> 0) + rgb;
}

/**
 * The poster at the size it is displayed: the catalog's `poster` is the 400×225 `card`
 * rendition (the tile size); the hero asks for the 1280×720 `hero` one
 * (see POSTER_SIZES in shared/hls/paths.ts). Never a bigger picture than shown.
 */
export function posterUrl(path: string, size: 'card' | 'hero'): string {
  return assetUrl(path.replace(/\/(card|hero)\.jpg$/, `/${size}.jpg`));
}

/**
 * Absolute URL of a catalog image path. Lightning decodes images in a web worker whose base
 * URL is a blob: URL, where "/images/…" does not resolve: it must be absolute.
 */
export function assetUrl(path: string): string {
  if (!path) return path;
  try {
    return new URL(path, serviceBase()).href;
  } catch {
    return path;
  }
}
