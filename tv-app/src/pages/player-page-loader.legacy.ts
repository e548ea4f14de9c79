// Legacy build (build.mjs swaps it in for player-page-loader.ts): the player page is in the one
// ES5 bundle, statically imported, so no module is wrapped for lazy initialisation.
import * as PlayerPageModule from './PlayerPage.ts';

export function loadPlayerPage(): Promise<typeof PlayerPageModule> {
  return Promise.resolve(PlayerPageModule);
}
