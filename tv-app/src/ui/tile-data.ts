// What a tile shows and what OK on it does: built from the catalog by `catalog/rails.ts`.
import type { ChannelId, LiveEvent, Playable } from '../../../shared/catalog/types.ts';

export type TileBadge = 'live' | 'replay' | 'highlight' | 'upcoming' | null;

export type TileAction =
  | { kind: 'play'; playable: Playable; startPosition?: number }
  | { kind: 'event'; event: LiveEvent }
  | { kind: 'channel'; channelId: ChannelId };

export interface TileData {
  /** Unique within its rail; also the tile's test id suffix. */
  id: string;
  title: string;
  subtitle: string;
  poster: string;
  /** Channel colour, `#RRGGBB`: the tile's placeholder and accent. */
  color: string;
  channelName: string;
  badge: TileBadge;
  /** 0..1: live progress or resume position; null for none. */
  progress: number | null;
  action: TileAction;
}
