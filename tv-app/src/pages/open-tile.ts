// What OK on a tile does, the same on every page: a live tile or a highlight plays at
// once (zapping), "continue watching" resumes, a replay or an upcoming event opens its
// details page (where Reprendre / Depuis le début / Voir le résumé are).
import type { Navigator, Route } from '../app/routes.ts';
import type { TileData } from '../ui/tile-data.ts';

/** Where OK on `tile` leads; `siblings` is its rail (highlights after it play next). */
export function tileRoute(tile: TileData, siblings: TileData[] = []): Route {
  const action = tile.action;
  switch (action.kind) {
    case 'play': {
      if (action.playable.kind === 'replay' && !tile.id.startsWith('continue-')) {
        return { name: 'event', eventId: action.playable.replay.eventId };
      }
      // Highlights that follow in the same rail play next (when the viewer wants autoplay).
      const after = siblings.slice(siblings.indexOf(tile) + 1);
      const next = after.flatMap((t) =>
        t.action.kind === 'play' && t.action.playable.kind === 'highlight' ? [t.action.playable] : [],
      );
      return {
        name: 'player',
        playable: action.playable,
        startPosition: action.startPosition,
        next: action.playable.kind === 'highlight' ? next : undefined,
      };
    }
    case 'event':
      return { name: 'event', eventId: action.event.id };
    case 'channel':
      return { name: 'channel', channelId: action.channelId };
  }
}

export function openTile(navigator: Navigator, tile: TileData, siblings: TileData[] = []): void {
  navigator.open(tileRoute(tile, siblings));
}

/** Lightning refs must start with an upper-case letter: "replays" → "Rail_replays". */
export function railRef(id: string): string {
  return `Rail_${id}`;
}
