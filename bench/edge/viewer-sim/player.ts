// The live player model of the viewer simulation: what one TV does with a live HLS stream, and
// when its viewer would see the spinner. Kept in one function (`playLive`) so a reader can check
// it against hls.js line by line; the network is the caller's (`fetch`), the clock is real time.
import type { HttpResult } from './http-connection.ts';
import { itemAt } from '../../../shared/lang/item-at.ts';

export interface PlayerOptions {
  /** The media playlist's path on the server (segment URIs are resolved against it). */
  playlistPath: string;
  /** hls.js `liveSyncDurationCount` (default 3): start this many target durations behind the live edge. */
  liveSyncDurationCount: number;
  /** hls.js fragment retry delay after a failed segment or playlist (fragLoadPolicy: 1 s). */
  retryDelayMs: number;
  /** performance.now() at which the measured period ends. */
  endAt: number;
  /** True once the run is over (requests then in flight are cut: not the server's failure). */
  ended(): boolean;
  /**
   * Moves the viewer to its next address after a request got no answer (status 0), as a TV
   * resolving several addresses for the site does; false when it has no other address. Absent:
   * one address, the player as before.
   */
  failover?(): boolean;
  /** Told performance.now() at each segment received (who was watching when). */
  onSegment?(now: number): void;
}

/** What a player observed; summed over viewers by the caller. */
export interface PlayerStats {
  playlistRequests: number;
  segmentRequests: number;
  /** Responses other than 200, and failed connections. */
  errors: number;
  /** The same, by status ("0": the connection failed or closed before an answer). */
  errorsByStatus: Record<string, number>;
  /** Time to first byte of every segment response, ms. */
  segmentTtfbMs: number[];
  /** Times playback reached the end of what was downloaded (the viewer sees a spinner). */
  stalls: number;
  /** Total time spent stalled, ms. */
  stalledMs: number;
  /** performance.now() at which each stall began (to tell a join rush from steady state). */
  stallStartedAt: number[];
  /** Segment paths asked for (the offload figure is upstream requests per distinct segment). */
  segments: Set<string>;
  /** Body bytes received. */
  bytes: number;
  /** Per player that started playing: ms from joining to playback start (its first segment complete). */
  startupMs: number[];
  /** Moves to another address after a request got no answer (`failover`). */
  failovers: number;
  /** Per move: ms from the start of the first failed request to the first 200 on the new address. */
  reconnectMs: number[];
  /** performance.now() of each of those first 200s (how long after a failure the audience was back). */
  reconnectedAt: number[];
}

export function emptyStats(): PlayerStats {
  return {
    playlistRequests: 0,
    segmentRequests: 0,
    errors: 0,
    errorsByStatus: {},
    segmentTtfbMs: [],
    stalls: 0,
    stalledMs: 0,
    stallStartedAt: [],
    segments: new Set(),
    bytes: 0,
    startupMs: [],
    failovers: 0,
    reconnectMs: [],
    reconnectedAt: [],
  };
}

interface MediaPlaylist {
  targetDurationS: number;
  mediaSequence: number;
  segments: { uri: string; durationS: number }[];
}

/** The few tags a live media playlist player needs. */
export function parseMediaPlaylist(text: string): MediaPlaylist | undefined {
  if (!text.startsWith('#EXTM3U')) return undefined;
  const out: MediaPlaylist = { targetDurationS: 0, mediaSequence: 0, segments: [] };
  let duration = 0;
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (l === '') continue;
    if (l.startsWith('#EXT-X-TARGETDURATION:')) out.targetDurationS = Number(l.slice(22));
    else if (l.startsWith('#EXT-X-MEDIA-SEQUENCE:')) out.mediaSequence = Number(l.slice(22));
    else if (l.startsWith('#EXTINF:')) duration = parseFloat(l.slice(8));
    else if (!l.startsWith('#')) {
      out.segments.push({ uri: l, durationS: duration || out.targetDurationS });
      duration = 0;
    }
  }
  return out.targetDurationS > 0 ? out : undefined;
}

const sleepUntil = (t: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, t - performance.now())));

/**
 * One viewer watching a live stream the way hls.js 1.x does with its defaults:
 *
 * 1. Load the media playlist. Join `liveSyncDurationCount` (3) target durations behind the live
 *    edge: the first segment fetched is the one 3 segments from the end of the playlist.
 * 2. Fetch segments in order, one at a time, as soon as they are listed (hls.js keeps loading
 *    until its 30 s forward buffer is full; a live window never gets that far ahead).
 * 3. Playback starts when the first segment is complete, at that segment's start, and then
 *    advances in real time while there is downloaded media ahead of it.
 * 4. Reload the playlist on hls.js's schedule (level-helper `computeReloadInterval`): one target
 *    duration after the previous reload was due (the last segment's duration if shorter), or
 *    half a target duration when the playlist had not changed (HLS spec, 6.3.4).
 * 5. A stall: playback reaches the end of the downloaded media before the next segment is
 *    complete. The viewer sees a spinner until that segment arrives, then playback resumes
 *    from where it stopped (hls.js waits for data; it does not skip ahead on its own).
 *    If the next segment has slid out of the playlist meanwhile, the player jumps to the live
 *    sync point again: that is counted as a stall too (the viewer lost their place).
 * 6. A failed request (status other than 200, connection error) is retried after
 *    `retryDelayMs`; the buffer keeps draining meanwhile, so failures turn into stalls.
 * 7. With other addresses (`failover`): a request that got no answer at all moves the viewer to
 *    the next address, retried there at once the first time (the network stack trying the next
 *    address, not the player's error path), then as in rule 6 if that one fails too.
 *
 * The run ends at `endAt`; a player that has run dry by then and is still waiting counts that
 * stall. Simplification, said plainly: playlist reloads and segment fetches share the one
 * connection and happen in turn (hls.js runs them on separate timers; a browser would open a
 * second connection) — a reload that falls due during a segment download waits for it to end.
 */
export async function playLive(
  fetch: (path: string, keepBody: boolean) => Promise<HttpResult>,
  o: PlayerOptions,
  stats: PlayerStats,
): Promise<void> {
  const base = new URL(o.playlistPath, 'http://viewer');
  const dir = base.pathname.slice(0, base.pathname.lastIndexOf('/') + 1);
  // Segment URIs are relative names in our playlists: skip URL parsing for those (hot path).
  const resolve = (uri: string) =>
    /^[a-z][a-z0-9+.-]*:|^\/|\.\./i.test(uri) ? new URL(uri, base).pathname : dir + uri;
  const joinedAt = performance.now();
  let nextSeq = -1; // media sequence number of the next segment to fetch; -1: not joined yet
  // Playback clock (media seconds): `playedFrom` at wall time `playingSince`, until `bufferedEnd`.
  let playing = false;
  let everPlayed = false;
  let playingSince = 0;
  let playedFrom = 0;
  let bufferedEnd = 0;
  let reloadDue = performance.now();
  let lastListed = -1; // newest media sequence seen, to tell an updated playlist from a stale one

  /** When playback runs out of downloaded media (wall ms), if nothing more arrives. */
  const dryAt = () => playingSince + (bufferedEnd - playedFrom) * 1000;

  const failed = (status: number) => {
    stats.errors++;
    stats.errorsByStatus[status] = (stats.errorsByStatus[status] ?? 0) + 1;
  };

  // Rule 7: when the viewer's first unanswered request began (-1: answered since), and whether
  // the last request moved the viewer to another address (retried there at once).
  let failingSince = -1;
  let moved = false;
  const failover = o.failover;
  const get = !failover
    ? fetch
    : async (path: string, keepBody: boolean): Promise<HttpResult> => {
        const startedAt = performance.now();
        const res = await fetch(path, keepBody);
        moved = false;
        if (o.ended()) return res;
        if (res.status === 0 && failover()) {
          stats.failovers++;
          moved = failingSince < 0;
          if (moved) failingSince = startedAt;
        } else if (res.status === 200 && failingSince >= 0) {
          stats.reconnectMs.push(performance.now() - failingSince);
          stats.reconnectedAt.push(performance.now());
          failingSince = -1;
        }
        return res;
      };

  const stall = (from: number, to: number) => {
    stats.stalls++;
    stats.stalledMs += Math.max(0, to - from);
    stats.stallStartedAt.push(from);
  };

  /** A segment covering [bufferedEnd, bufferedEnd + durationS) is complete at wall time `now`. */
  const segmentComplete = (durationS: number, now: number) => {
    if (!playing) {
      if (!everPlayed) stats.startupMs.push(now - joinedAt);
      everPlayed = true;
      playing = true; // rule 3: first segment complete → playback starts
      playingSince = now;
      playedFrom = bufferedEnd;
    } else if (now > dryAt()) {
      stall(dryAt(), now); // rule 5: playback got here first
      playedFrom = bufferedEnd;
      playingSince = now;
    }
    bufferedEnd += durationS;
  };

  while (!o.ended() && performance.now() < o.endAt) {
    await sleepUntil(Math.min(reloadDue, o.endAt));
    if (o.ended() || performance.now() >= o.endAt) break;
    stats.playlistRequests++;
    const pl = await get(o.playlistPath, true);
    if (o.ended()) break; // cut off by the end of the run, not a server failure
    stats.bytes += pl.bytes;
    const playlist = pl.status === 200 ? parseMediaPlaylist(pl.body) : undefined;
    if (!playlist) {
      failed(pl.status);
      reloadDue = performance.now() + (moved ? 0 : o.retryDelayMs);
      continue;
    }
    const newest = playlist.mediaSequence + playlist.segments.length - 1;
    const updated = newest > lastListed;
    lastListed = Math.max(lastListed, newest);
    if (nextSeq < 0) {
      nextSeq = Math.max(playlist.mediaSequence, newest + 1 - o.liveSyncDurationCount); // rule 1
    } else if (nextSeq < playlist.mediaSequence) {
      // Rule 5, second case: our next segment is gone from the window. Rejoin at the live sync point.
      if (playing) stall(Math.min(dryAt(), performance.now()), performance.now());
      playing = false;
      nextSeq = Math.max(playlist.mediaSequence, newest + 1 - o.liveSyncDurationCount);
    }
    // Rule 4: the next reload is scheduled from when this one was due, not from when it ended.
    const lastDurationMs = (playlist.segments.at(-1)?.durationS ?? playlist.targetDurationS) * 1000;
    const interval = updated
      ? Math.min(playlist.targetDurationS * 1000, lastDurationMs)
      : (playlist.targetDurationS * 1000) / 2;
    // (base-playlist-controller: `requestScheduled += reloadInterval`, or now when that is already past.)
    reloadDue = Math.max(reloadDue + interval, performance.now());

    // Rule 2: every listed segment we do not have yet, in order.
    while (nextSeq <= newest && !o.ended()) {
      const seg = itemAt(playlist.segments, nextSeq - playlist.mediaSequence);
      const path = resolve(seg.uri);
      stats.segmentRequests++;
      const res = await get(path, false);
      if (o.ended()) break;
      // Counted once answered: a request cut by the end of the run may never have reached the
      // server, and would make the offload figure (upstream requests per segment) read below 1.
      stats.segments.add(path);
      stats.bytes += res.bytes;
      if (res.status !== 200) {
        failed(res.status); // rule 6: retry this segment after the delay (re-reading the playlist)
        reloadDue = Math.min(reloadDue, performance.now() + (moved ? 0 : o.retryDelayMs));
        break;
      }
      stats.segmentTtfbMs.push(res.ttfbMs);
      segmentComplete(seg.durationS, performance.now());
      o.onSegment?.(performance.now());
      nextSeq++;
    }
  }
  // The run ends: a player already dry and still waiting is stalled now.
  if (playing && o.endAt > dryAt()) stall(dryAt(), o.endAt);
}
