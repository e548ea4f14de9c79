// What the ads capability stores (as back-office records, collections `campaigns` and
// `adBreaks`) and answers. Dates are ISO strings, durations seconds, like the catalog.
import type { ChannelId } from '../../../../shared/catalog/types.ts';

/** A sponsor's paid campaign: which spot, where, when, how often per viewer. */
export interface Campaign {
  id: string;
  name: string;
  sponsorId: string;
  /** The spot (an ad creative id, `/hls/ads/<creativeId>/master.m3u8`). */
  creativeId: string;
  /** Higher first when several campaigns fit a break. */
  priority: number;
  /** Only these channels (absent or empty: every channel). */
  channelIds?: ChannelId[];
  /** Only these events (lives and their replays; absent or empty: every event). */
  eventIds?: string[];
  startsAt: string;
  endsAt: string;
  /** At most `impressions` breaks with this spot per viewer per `perHours` hours. */
  frequencyCap: { impressions: number; perHours: number };
  /** Paused by the staff: in no break until resumed (its dates and caps unchanged). */
  paused?: boolean;
  createdAt: string;
}

/** Where a break is: in a channel's live (during an event), or in a replay at an offset. */
export type AdBreakTarget =
  | { kind: 'live'; channelId: ChannelId; eventId?: string }
  | { kind: 'replay'; replayId: string; channelId: ChannelId; eventId?: string };

export interface AdBreak {
  id: string;
  target: AdBreakTarget;
  /** live: when the break starts on air (a segment boundary). */
  startsAt?: string;
  /** replay: seconds from the start of the replay (0: pre-roll; else a chapter boundary). */
  offset?: number;
  durationSeconds: number;
  createdAt: string;
}

/** One spot of a decided break, as the player gets it in the asset list. */
export interface DecidedAd {
  creativeId: string;
  /** Absent for the channel promo (the filler). */
  campaignId?: string;
  sponsorId?: string;
  duration: number;
}

/** What one viewer gets for one break: decided once, then remembered (same answer on retry). */
export interface Decision {
  breakId: string;
  viewerId: string;
  channelId: ChannelId;
  eventId?: string;
  ads: DecidedAd[];
  decidedAt: string;
}

export const IMPRESSION_EVENTS = ['start', 'firstQuartile', 'midpoint', 'thirdQuartile', 'complete'] as const;
export type ImpressionEvent = (typeof IMPRESSION_EVENTS)[number];

/** Interstitial class of HLS Interstitials (Apple; hls.js ≥ 1.6). */
export const INTERSTITIAL_CLASS = 'com.apple.hls.interstitial';
