// The images on the home's first screen: the hero's picture, the channels' logos, the first
// rail's posters (the last one cut by the screen's right edge).
import type { HomeResponse } from '../../../shared/catalog/types.ts';
import { heroFor, homeRails } from '../catalog/rails.ts';
import { SAFE, STAGE, TILE, assetUrl, posterUrl } from '../ui/theme.ts';

/** Tiles of a rail on the first screen (tiles from x 96, 400 + 32 each). */
export const FIRST_SCREEN_TILES = Math.ceil((STAGE.w - SAFE.x) / (TILE.w + TILE.gap));

/** Before the preferences are read: the first rail as it is without resume points (« En direct » when a live is on). */
export function firstScreenImages(home: HomeResponse, now: Date): string[] {
  const hero = heroFor(home, now);
  const firstRail = homeRails(home, now)[0];
  return [
    ...(hero ? [posterUrl(hero.event.poster, 'hero')] : []),
    ...home.channels.map((c) => assetUrl(c.channel.logo)),
    ...(firstRail?.tiles.slice(0, FIRST_SCREEN_TILES).map((tile) => posterUrl(tile.poster, 'card')) ?? []),
  ];
}
