// Where the catalog is read from. Routes and the schedule logic only see this interface, so the
// storage (memory for the demo, Redis in deployment; see ../store/) is invisible to them.
// Methods are async because real stores are remote. Records come back as the TV sees them
// (internal fields such as where a replay's media is are left out); event statuses that depend
// on the clock are derived by schedule.ts, not by the store.
import type { Channel, ChannelId, Highlight, LiveEvent, Replay, Sponsor } from '../../../../shared/catalog/types.ts';

export interface ChannelFilter {
  channelId?: ChannelId;
}

export interface CatalogStore {
  listChannels(): Promise<Channel[]>;
  getChannel(id: ChannelId): Promise<Channel | null>;
  listEvents(filter?: ChannelFilter): Promise<LiveEvent[]>;
  getEvent(id: string): Promise<LiveEvent | null>;
  listReplays(filter?: ChannelFilter): Promise<Replay[]>;
  getReplay(id: string): Promise<Replay | null>;
  listHighlights(filter?: ChannelFilter): Promise<Highlight[]>;
  getHighlight(id: string): Promise<Highlight | null>;
  listSponsors(): Promise<Sponsor[]>;
  /** Seconds since the store last answered while reads come from its last good copy (see RecordStore). */
  staleSeconds?(): number | undefined;
}
