// Audience figures: the Redis layout the edges write and the origin reads, in one place.
//
//   <prefix>live:<channel>      sorted set  viewer key → last seen (ms): who is watching
//   <prefix>watched:<channel>:<day>   hash  minute (ms, start of the minute) → ms watched in it;
//                               one hash per UTC day (`YYYY-MM-DD`), so a report reads only its days
//   <prefix>series:<channel>    sorted set  sample time (ms) → "<time>:<count>": concurrent viewers
//   <prefix>sampled:<channel>:<time>   string, SET NX: this sample was taken (one writer per slot)
//
// A viewer is counted while it was seen less than ACTIVE_WINDOW_MS ago, once whatever the
// number of renditions, reloads or edges it uses. Watched time is the sum of the gaps between a
// viewer's consecutive sightings when the gap is under ACTIVE_WINDOW_MS (a longer gap is a leave
// and a new join), so it does not depend on how often a player polls.

export const AUDIENCE_PREFIX = 'citetv:aud:';
/** A viewer stops counting this long after its last request. */
export const ACTIVE_WINDOW_MS = 30_000;
/** Watched time is kept per minute, so a report can sum any window of whole minutes. */
export const WATCH_BUCKET_MS = 60_000;

export const audienceKeys = {
  live: (prefix: string, channel: string) => `${prefix}live:${channel}`,
  watched: (prefix: string, channel: string, day: string) => `${prefix}watched:${channel}:${day}`,
  series: (prefix: string, channel: string) => `${prefix}series:${channel}`,
  sampled: (prefix: string, channel: string, atMs: number) => `${prefix}sampled:${channel}:${atMs}`,
};

/** Watched-time buckets are kept this long (a season of reports). */
export const WATCHED_RETENTION_SECONDS = 400 * 24 * 3600;

/** The UTC day (`YYYY-MM-DD`) of a time in ms: which watched-time hash it belongs to. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** One sighting, as an edge flushes it: the latest time it saw this viewer on this channel. */
export interface Sighting {
  channel: string;
  viewer: string;
  seenMs: number;
}
