// A playback's signed URL, asked again: the catalog answer for the same item carries a freshly
// signed URL (the origin signs on the way out), which access-renewal.ts swaps in or reloads.
// From the server, not the browser's stored copy, which could hold the token that is expiring.
import type { Highlight, LiveEvent, Playable, Replay } from '../../../shared/catalog/types.ts';
import type { ReadOptions } from '../api/catalog-client.ts';
import { playbackOf } from './playable.ts';

/** The catalog reads this needs (the app's CatalogClient). */
export interface PlayableReader {
  event(id: string, options?: ReadOptions): Promise<LiveEvent>;
  replay(id: string, options?: ReadOptions): Promise<Replay>;
  highlight(id: string, options?: ReadOptions): Promise<Highlight>;
}

/** The item's playback URL now, or null when the catalog does not answer or has none. */
export async function renewedPlaybackUrl(catalog: PlayableReader, playable: Playable): Promise<string | null> {
  const fresh = { fresh: true };
  try {
    let now: Playable;
    switch (playable.kind) {
      case 'live':
        now = { kind: 'live', event: await catalog.event(playable.event.id, fresh) };
        break;
      case 'replay':
        now = { kind: 'replay', replay: await catalog.replay(playable.replay.id, fresh) };
        break;
      case 'highlight':
        now = { kind: 'highlight', highlight: await catalog.highlight(playable.highlight.id, fresh) };
        break;
    }
    return playbackOf(now).url || null;
  } catch {
    return null;
  }
}
