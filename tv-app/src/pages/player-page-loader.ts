// Loads the player page's chunk (modern build: its own file, fetched on first play).
// The legacy build swaps this module for player-page-loader.legacy.ts (see build.mjs): an ES5
// IIFE cannot split chunks, and one dynamic import would make esbuild wrap every module of the
// bundle in a lazy initialiser (more code for Chrome-38-class TVs: tv-app/README.md).
import type * as PlayerPageModule from './PlayerPage.ts';

export function loadPlayerPage(): Promise<typeof PlayerPageModule> {
  return import('./PlayerPage.ts');
}
