// What the participative screen stores (collections of the RecordStore, see store/records.ts):
// the spectators' contributions, each event's settings (its window, trusted mode, short code),
// the deletion codes (by hash) and the banned devices.

export const CONTRIBUTION_STATES = ['pending', 'approved', 'rejected'] as const;
export type ContributionState = (typeof CONTRIBUTION_STATES)[number];

export interface Contribution {
  /** Random, unguessable: it names the photo's URL, which only staff and the feed ever show. */
  id: string;
  eventId: string;
  /** The phone page's own random id (localStorage): what rate limits and bans are about. */
  deviceId: string;
  /** SHA-256 prefix of the sender's address: enough to tell a flood apart, not who sent it. */
  addressHash: string;
  firstName: string;
  message: string;
  state: ContributionState;
  pinned: boolean;
  createdAt: string;
  moderatedAt?: string;
  /** The staff token's label, or `trusted` when the event's trusted mode approved it. */
  moderatedBy?: string;
  photo: { file: string; width: number; height: number; bytes: number };
  /** The deletion code's record (contributionCodes), deleted with it. */
  codeHash: string;
}

export interface ContributionSettings {
  /** The event's id. */
  id: string;
  opensAt: string;
  closesAt: string;
  /** Contributions approved at once (a club's own staff sending from their phones). */
  trusted: boolean;
  /** `/p/<shortCode>`: the short URL shown under the QR code. */
  shortCode: string;
}

/** Keyed by the SHA-256 of the code the spectator got: which contribution it deletes. */
export interface ContributionCode {
  id: string;
  contributionId: string;
}

/** Keyed by `<eventId>:<deviceId>`: a device that may not send to that event any more. */
export interface DeviceBan {
  id: string;
  eventId: string;
  deviceId: string;
  at: string;
  by: string;
}

/** What the public sees of an approved contribution (the venue screen's feed). */
export interface PublicContribution {
  id: string;
  firstName: string;
  message: string;
  pinned: boolean;
  photo: string;
  width: number;
  height: number;
  approvedAt: string;
}
