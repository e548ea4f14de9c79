// A CatalogStore held in memory, filled from the seed file. Returns copies so a caller
// cannot change the store by mutating what it got.
import { readFileSync } from 'node:fs';
import type { Channel, ChannelId, Highlight, LiveEvent, Replay } from '../../../../shared/catalog/types.ts';
import { parseSeed, resolveSeed } from './seed.ts';
import type { CatalogRecords } from './seed.ts';
import type { CatalogStore, ChannelFilter } from './store.ts';

export class MemoryCatalogStore implements CatalogStore {
  readonly #records: CatalogRecords;

  constructor(records: CatalogRecords) {
    this.#records = structuredClone(records);
  }

  /** Loads and validates a seed file, resolving its relative times at `nowMs`. */
  static fromSeedFile(path: string, nowMs: number): MemoryCatalogStore {
    return new MemoryCatalogStore(resolveSeed(parseSeed(JSON.parse(readFileSync(path, 'utf8'))), nowMs));
  }

  async listChannels(): Promise<Channel[]> {
    return structuredClone(this.#records.channels);
  }
  async getChannel(id: ChannelId): Promise<Channel | null> {
    return findCopy(this.#records.channels, id);
  }
  async listEvents(filter?: ChannelFilter): Promise<LiveEvent[]> {
    return filterCopies(this.#records.events, filter);
  }
  async getEvent(id: string): Promise<LiveEvent | null> {
    return findCopy(this.#records.events, id);
  }
  async listReplays(filter?: ChannelFilter): Promise<Replay[]> {
    return filterCopies(this.#records.replays, filter);
  }
  async getReplay(id: string): Promise<Replay | null> {
    return findCopy(this.#records.replays, id);
  }
  async listHighlights(filter?: ChannelFilter): Promise<Highlight[]> {
    return filterCopies(this.#records.highlights, filter);
  }
  async getHighlight(id: string): Promise<Highlight | null> {
    return findCopy(this.#records.highlights, id);
  }
}

function findCopy<T extends { id: string }>(items: T[], id: string): T | null {
  const found = items.find((item) => item.id === id);
  return found ? structuredClone(found) : null;
}

function filterCopies<T extends { channelId: ChannelId }>(items: T[], filter?: ChannelFilter): T[] {
  return structuredClone(filter?.channelId ? items.filter((item) => item.channelId === filter.channelId) : items);
}
