// The CatalogStore the API reads, on top of any RecordStore: typed reads, channel filters, and
// the internal fields (a replay's media cut, an event's recording range) removed.
import { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';
import type { Channel, ChannelId, Highlight, LiveEvent, Replay, Sponsor } from '../../../../shared/catalog/types.ts';
import { vodPaths } from '../../../../shared/hls/paths.ts';
import type { RecordStore } from '../store/record-store.ts';
import type { StoredEvent, StoredHighlight, StoredReplay } from '../store/records.ts';
import type { CatalogStore, ChannelFilter } from './store.ts';

export class RecordCatalog implements CatalogStore {
  constructor(readonly records: RecordStore) {}

  async listChannels(): Promise<Channel[]> {
    // The fixed channel order of CHANNEL_IDS, whatever order the store keeps.
    const channels = await this.records.list('channels');
    return CHANNEL_IDS.flatMap((id) => channels.filter((c) => c.id === id));
  }
  getChannel(id: ChannelId): Promise<Channel | null> {
    return this.records.get('channels', id);
  }
  async listEvents(filter?: ChannelFilter): Promise<LiveEvent[]> {
    return byChannel(await this.records.list('events'), filter).map(publicEvent);
  }
  async getEvent(id: string): Promise<LiveEvent | null> {
    const event = await this.records.get('events', id);
    return event && publicEvent(event);
  }
  async listReplays(filter?: ChannelFilter): Promise<Replay[]> {
    return byChannel(await this.records.list('replays'), filter).map(publicReplay);
  }
  async getReplay(id: string): Promise<Replay | null> {
    const replay = await this.records.get('replays', id);
    return replay && publicReplay(replay);
  }
  async listHighlights(filter?: ChannelFilter): Promise<Highlight[]> {
    return byChannel(await this.records.list('highlights'), filter).map(publicHighlight);
  }
  async getHighlight(id: string): Promise<Highlight | null> {
    const highlight = await this.records.get('highlights', id);
    return highlight && publicHighlight(highlight);
  }
  listSponsors(): Promise<Sponsor[]> {
    return this.records.list('sponsors');
  }
  staleSeconds(): number | undefined {
    return this.records.staleSeconds();
  }
}

function byChannel<T extends { channelId: ChannelId }>(items: T[], filter?: ChannelFilter): T[] {
  return filter?.channelId ? items.filter((item) => item.channelId === filter.channelId) : items;
}

export function publicEvent({ recording: _r, ...event }: StoredEvent): LiveEvent {
  return event;
}
// Every replay and highlight has seek-bar thumbnails: the origin builds the track of any VOD
// asset from the sprite sheets of the stream its segments come from (hls/thumbnail-routes.ts),
// so the field is derived here, on read, for seeded, published and cut records alike.
export function publicReplay({ cut: _c, ...replay }: StoredReplay): Replay {
  return { ...replay, thumbnails: vodPaths.thumbnails(replay.id) };
}
export function publicHighlight({ cut: _c, ...highlight }: StoredHighlight): Highlight {
  return { ...highlight, thumbnails: vodPaths.thumbnails(highlight.id) };
}
