// The catalog as the TV app reads it and the origin serves it (`/api/v1/...`).
// Dates are ISO-8601 strings (UTC) so the JSON is the type; durations are seconds.
// Playback URLs are paths relative to the host the app was loaded from (the edge),
// so the same catalog works behind any edge.

export const CHANNEL_IDS = ['sport', 'culture', 'business', 'agglo'] as const;
export type ChannelId = (typeof CHANNEL_IDS)[number];

export function isChannelId(value: string): value is ChannelId {
  return (CHANNEL_IDS as readonly string[]).includes(value);
}

export interface Channel {
  id: ChannelId;
  /** Display name, e.g. "C'Sport". */
  name: string;
  description: string;
  /** Brand colour as `#RRGGBB`. */
  color: string;
  /** Path of the logo image. */
  logo: string;
  /** Master playlist of the channel's live stream, e.g. `/hls/live/sport/master.m3u8`. */
  liveUrl: string;
}

/** scheduled → live → ended → published (the replay is out). `cancelled` ends a scheduled one. */
export type EventStatus = 'scheduled' | 'live' | 'ended' | 'published' | 'cancelled';

export interface LiveEvent {
  id: string;
  channelId: ChannelId;
  title: string;
  venue: string;
  description: string;
  /** Path of the poster image. */
  poster: string;
  startsAt: string;
  endsAt: string;
  status: EventStatus;
  /** Present while the event is on air: the channel's live master playlist. */
  playbackUrl?: string;
  /** Present once published. */
  replayId?: string;
  sponsorId?: string;
  /** When the staff actually started the live (ISO), once started. */
  startedAt?: string;
  /** When the staff stopped it (ISO), once ended. */
  endedAt?: string;
}

export interface Chapter {
  title: string;
  /** Offset from the start of the replay, seconds. */
  start: number;
}

export interface Replay {
  id: string;
  eventId: string;
  channelId: ChannelId;
  title: string;
  description: string;
  poster: string;
  /** Seconds. */
  duration: number;
  publishedAt: string;
  /** VOD master playlist, e.g. `/hls/vod/<id>/master.m3u8`. */
  playbackUrl: string;
  chapters: Chapter[];
  /** WebVTT thumbnail track for the seek bar (`shared/hls/thumbnails.ts`), when the origin has one. */
  thumbnails?: string;
}

export interface Highlight {
  id: string;
  replayId: string;
  channelId: ChannelId;
  title: string;
  poster: string;
  duration: number;
  publishedAt: string;
  playbackUrl: string;
  /** WebVTT thumbnail track for the seek bar, when the origin has one. */
  thumbnails?: string;
  /** Where the clip was cut in its replay (seconds from the replay's start), snapped to segments. */
  inPoint?: number;
  outPoint?: number;
}

export interface Sponsor {
  id: string;
  name: string;
  logo: string;
  url: string;
  /** Channels the sponsor supports (events link to a sponsor with `sponsorId`). */
  channelIds?: ChannelId[];
}

/** One channel's rails, as on the home screen and the channel page. */
export interface ChannelRails {
  channel: Channel;
  /** The event on air now, if any. */
  onAir: LiveEvent | null;
  /** Scheduled events, soonest first. */
  upcoming: LiveEvent[];
  /** Newest first. */
  replays: Replay[];
  /** Newest first. */
  highlights: Highlight[];
}

/** `GET /api/v1/home` */
export interface HomeResponse {
  generatedAt: string;
  channels: ChannelRails[];
}

/** `GET /api/v1/channels` */
export interface ChannelsResponse {
  channels: Channel[];
}

/** `GET /api/v1/channels/:id` */
export type ChannelResponse = ChannelRails;

/** A page of a list that grows: `next` is the URL of the following page, null on the last one. */
export interface Page<T> {
  items: T[];
  /** Total number of items over all pages. */
  total: number;
  next: string | null;
}

/** `GET /api/v1/schedule?from=<ISO>&days=7`: events starting in [from, to), soonest first. */
export interface ScheduleResponse {
  from: string;
  to: string;
  days: { date: string; events: LiveEvent[] }[];
}

/** One search hit: `kind` says which of the fields is set. */
export type SearchHit =
  | { kind: 'event'; event: LiveEvent }
  | { kind: 'replay'; replay: Replay }
  | { kind: 'highlight'; highlight: Highlight };

/** `GET /api/v1/search?q=&limit=&cursor=` */
export interface SearchResponse extends Page<SearchHit> {
  query: string;
}

/** Anything the app can open with OK. */
export type Playable =
  | { kind: 'live'; event: LiveEvent }
  | { kind: 'replay'; replay: Replay }
  | { kind: 'highlight'; highlight: Highlight };

/** Error body of every non-2xx API answer. */
export interface ApiError {
  error: { code: string; message: string; field?: string };
}
