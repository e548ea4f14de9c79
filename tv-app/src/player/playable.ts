// What the player needs to know of anything the catalog lets the viewer play. In the main
// bundle: the home screen preloads the playlist of what OK would play (manifest-preload.ts).
import type { Playable } from '../../../shared/catalog/types.ts';

export function playbackOf(playable: Playable): {
  url: string;
  live: boolean;
  title: string;
  id: string;
  kind: Playable['kind'];
} {
  switch (playable.kind) {
    case 'live':
      return {
        url: playable.event.playbackUrl ?? '',
        live: true,
        title: playable.event.title,
        id: playable.event.id,
        kind: 'live',
      };
    case 'replay':
      return {
        url: playable.replay.playbackUrl,
        live: false,
        title: playable.replay.title,
        id: playable.replay.id,
        kind: 'replay',
      };
    case 'highlight':
      return {
        url: playable.highlight.playbackUrl,
        live: false,
        title: playable.highlight.title,
        id: playable.highlight.id,
        kind: 'highlight',
      };
  }
}
