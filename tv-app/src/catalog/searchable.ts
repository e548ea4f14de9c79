// What the search page searches: every event on air or to come, every replay and
// highlight of the home snapshot, as tiles with the fields matched against.
import type { HomeResponse } from '../../../shared/catalog/types.ts';
import type { TileData } from '../ui/tile-data.ts';
import type { Searchable } from '../search/search.ts';
import { highlightTile, liveTile, replayTile, upcomingTile } from './rails.ts';
import { isOnAir } from '../schedule/schedule.ts';

export interface SearchEntry extends Searchable {
  tile: TileData;
}

export function searchEntries(home: HomeResponse, now: Date): SearchEntry[] {
  const entries: SearchEntry[] = [];
  for (const rails of home.channels) {
    const { channel } = rails;
    if (rails.onAir && isOnAir(rails.onAir, now)) {
      entries.push({
        tile: liveTile(rails.onAir, channel, now),
        fields: [rails.onAir.title, rails.onAir.venue, channel.name],
      });
    }
    for (const e of rails.upcoming)
      entries.push({ tile: upcomingTile(e, channel, now), fields: [e.title, e.venue, channel.name] });
    for (const r of rails.replays)
      entries.push({ tile: replayTile(r, channel, undefined), fields: [r.title, r.description, channel.name] });
    for (const h of rails.highlights)
      entries.push({ tile: highlightTile(h, channel), fields: [h.title, channel.name] });
  }
  return entries;
}
