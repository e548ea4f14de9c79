// What the back office stores, as records in named collections. The TV-facing types
// (shared/catalog/types.ts) plus the fields only the origin needs (where a replay's media is),
// staff tokens and the audit log.
import type { Channel, ChannelId, Highlight, LiveEvent, Replay, Sponsor } from '../../../../shared/catalog/types.ts';
import type { AdBreak, Campaign } from '../ads/model.ts';
import type { Contribution, ContributionCode, ContributionSettings, DeviceBan } from '../contributions/model.ts';

/**
 * Where a replay's or a highlight's media is, as a range of existing segments (nothing is
 * re-encoded): a channel's live segments `firstSequence..lastSequence` (inclusive), or the
 * source segments of a generated VOD asset.
 */
export type MediaCut =
  | { kind: 'live'; channelId: ChannelId; firstSequence: number; lastSequence: number }
  | { kind: 'vod'; assetId: string; firstSegment: number; lastSegment: number };

export type StoredEvent = LiveEvent & {
  /** Set when the staff start the live (first segment) and stop it (last segment). */
  recording?: { channelId: ChannelId; firstSequence: number; lastSequence?: number };
};
export type StoredReplay = Replay & { cut?: MediaCut };
export type StoredHighlight = Highlight & { cut?: MediaCut };

export const STAFF_ROLES = ['admin', 'editor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A staff bearer token. Only its SHA-256 is stored: the collection is keyed by that hash. */
export interface StaffTokenRecord {
  /** Public id (a prefix of the hash): what the audit log and the revoke endpoint use. */
  id: string;
  hash: string;
  role: StaffRole;
  label: string;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
}

export interface AuditEntry {
  at: string;
  actor: { tokenId: string; label: string; role: StaffRole };
  /** e.g. `event.create`, `event.start`, `highlight.create`, `token.revoke`. */
  action: string;
  target: { kind: string; id: string };
  /** The request's validated input (no secrets). */
  detail?: unknown;
}

export interface CollectionRecords {
  channels: Channel;
  events: StoredEvent;
  replays: StoredReplay;
  highlights: StoredHighlight;
  sponsors: Sponsor;
  tokens: StaffTokenRecord;
  meta: { value: string };
  /** Sponsor campaigns and ad breaks (origin/ads/). */
  campaigns: Campaign;
  adBreaks: AdBreak;
  /** Spectators' photos and words (origin/contributions/), each event's window, codes, bans. */
  contributions: Contribution;
  contributionSettings: ContributionSettings;
  contributionCodes: ContributionCode;
  deviceBans: DeviceBan;
}
export type Collection = keyof CollectionRecords;
export const COLLECTIONS: readonly Collection[] = [
  'channels',
  'events',
  'replays',
  'highlights',
  'sponsors',
  'tokens',
  'meta',
  'campaigns',
  'adBreaks',
  'contributions',
  'contributionSettings',
  'contributionCodes',
  'deviceBans',
];

/**
 * One atomic write. Every `expect` is checked first (the record is exactly `value`, or absent
 * for null) and only then are `put`, `remove`, `images` and `audit` applied, all or nothing.
 * That is optimistic concurrency: a second "start live" racing the first fails its expectation.
 */
export interface Change {
  expect?: { collection: Collection; id: string; value: unknown }[];
  put?: { collection: Collection; id: string; value: unknown }[];
  /** Records deleted (an absent one is no error). Expect them first to delete only what was read. */
  remove?: { collection: Collection; id: string }[];
  images?: { key: string; bytes: Uint8Array }[];
  audit?: AuditEntry;
}

/** The store cannot be reached: writes answer 503, reads fall back to the last data seen. */
export class StoreUnavailableError extends Error {}

/** The store was closed (the origin is stopping): background work such as seeding gives up. */
export class StoreClosedError extends Error {}

/** An `expect` of a Change did not hold: someone else wrote first. */
export class StoreConflictError extends Error {
  constructor(
    readonly collection: string,
    readonly id: string,
  ) {
    super(`conflict on ${collection}/${id}`);
  }
}
