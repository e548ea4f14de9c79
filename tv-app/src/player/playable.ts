// What the player needs to know of anything the catalog lets the viewer play (its playlist as an
// absolute URL: hls.js resolves a relative one against the page, a local file in a TV package). In the main
// bundle: the home screen preloads the playlist of what OK would play (manifest-preload.ts).
import type { Playable } from '../../../shared/catalog/types.ts';
import { serviceUrl } from '../platform/service-base.ts';

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
        url: serviceUrl(playable.event.playbackUrl ?? ''),
        live: true,
        title: playable.event.title,
        id: playable.event.id,
        kind: 'live',
      };
    case 'replay':
      return {
        url: serviceUrl(playable.replay.playbackUrl),
        live: false,
        title: playable.replay.title,
        id: playable.replay.id,
        kind: 'replay',
      };
    case 'highlight':
      return {
        url: serviceUrl(playable.highlight.playbackUrl),
        live: false,
        title: playable.highlight.title,
        id: playable.highlight.id,
        kind: 'highlight',
      };
  }
}
