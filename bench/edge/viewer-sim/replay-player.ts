// The replay (VOD) player model of the viewer simulation, the sibling of player.ts's `playLive`:
// what one TV does with a replay, and when its viewer would see the spinner. The network is the
// caller's (`fetch`), the clock is real time; stats are player.ts's.
import type { HttpResult } from './http-connection.ts';
import { parseMediaPlaylist, type PlayerStats } from './player.ts';
import { itemAt } from '../../../shared/lang/item-at.ts';

export interface ReplayOptions {
  /** The replay's media playlist (ENDLIST): loaded once. */
  playlistPath: string;
  /** Where the viewer starts, in media seconds (a "Reprendre" at that position); 0: the start. */
  startS: number;
  /** hls.js `maxBufferLength` (default 30 s): fetch while less than this is buffered ahead. */
  maxBufferS: number;
  /** Delay before retrying a failed request (hls.js fragLoadPolicy: 1 s first). */
  retryDelayMs: number;
  /** performance.now() at which the run ends. */
  endAt: number;
  /** True once the run is over (requests then in flight are cut: not the server's failure). */
  ended(): boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * One viewer watching a replay the way hls.js 1.x does with its defaults:
 *
 * 1. Load the media playlist (retried after `retryDelayMs` until it comes).
 * 2. Start at the segment holding `startS`; fetch segments in order, one at a time, while less
 *    than `maxBufferS` of media is buffered ahead of the playhead; otherwise wait until it is.
 * 3. Playback starts when the first segment is complete, then advances in real time while there
 *    is downloaded media ahead of it.
 * 4. A stall: playback reaches the end of the downloaded media before the next segment is
 *    complete (the viewer sees a spinner until it arrives; playback resumes where it stopped).
 * 5. A failed request (status other than 200, connection error) is retried after
 *    `retryDelayMs`, forever: the buffer drains meanwhile, so failures that last turn into a
 *    stall. (hls.js backs off and, through the TV app, gives up after ~40 s: a simulated player
 *    that never gives up is the harder load on the server.)
 * 6. After the last segment there is nothing more to fetch: the viewer watches to the end.
 */
export async function playReplay(
  fetch: (path: string, keepBody: boolean) => Promise<HttpResult>,
  o: ReplayOptions,
  stats: PlayerStats,
): Promise<void> {
  const joinedAt = performance.now();
  const base = new URL(o.playlistPath, 'http://viewer');
  const resolve = (uri: string) => new URL(uri, base).pathname;
  const running = () => !o.ended() && performance.now() < o.endAt;
  const failed = (status: number) => {
    stats.errors++;
    stats.errorsByStatus[status] = (stats.errorsByStatus[status] ?? 0) + 1;
  };

  let playlist: ReturnType<typeof parseMediaPlaylist>;
  while (running() && !playlist) {
    stats.playlistRequests++;
    const res = await fetch(o.playlistPath, true);
    if (o.ended()) return;
    stats.bytes += res.bytes;
    playlist = res.status === 200 ? parseMediaPlaylist(res.body) : undefined;
    if (!playlist) {
      failed(res.status);
      await sleep(o.retryDelayMs);
    }
  }
  if (!playlist) return;

  // Playback clock (media seconds): `playedFrom` at wall time `playingSince`, until `bufferedEnd`.
  let next = 0;
  for (let t = 0; next < playlist.segments.length - 1; next++) {
    t += itemAt(playlist.segments, next).durationS;
    if (t > o.startS) break;
  }
  let playing = false;
  let playingSince = 0;
  let playedFrom = 0;
  let bufferedEnd = 0;
  const position = (now: number) =>
    playing ? Math.min(bufferedEnd, playedFrom + (now - playingSince) / 1000) : playedFrom;
  const dryAt = () => playingSince + (bufferedEnd - playedFrom) * 1000;

  while (running() && next < playlist.segments.length) {
    const ahead = bufferedEnd - position(performance.now());
    if (playing && ahead >= o.maxBufferS) {
      await sleep(Math.min((ahead - o.maxBufferS) * 1000 + 50, o.endAt - performance.now()));
      continue;
    }
    const seg = itemAt(playlist.segments, next);
    const path = resolve(seg.uri);
    stats.segmentRequests++;
    const res = await fetch(path, false);
    if (o.ended()) break;
    stats.segments.add(path);
    stats.bytes += res.bytes;
    if (res.status !== 200) {
      failed(res.status);
      await sleep(o.retryDelayMs);
      continue;
    }
    stats.segmentTtfbMs.push(res.ttfbMs);
    const now = performance.now();
    if (!playing) {
      stats.startupMs.push(now - joinedAt);
      playing = true;
      playingSince = now;
    } else if (now > dryAt()) {
      stats.stalls++;
      stats.stalledMs += now - dryAt();
      stats.stallStartedAt.push(dryAt());
      playedFrom = bufferedEnd;
      playingSince = now;
    }
    bufferedEnd += seg.durationS;
    next++;
  }
  // The run ends while the viewer waits for a segment it has run dry of: that stall counts now.
  if (playing && next < playlist.segments.length && o.endAt > dryAt()) {
    stats.stalls++;
    stats.stalledMs += o.endAt - dryAt();
    stats.stallStartedAt.push(dryAt());
  }
}
