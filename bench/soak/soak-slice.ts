// One slice of the soak's audience, inside one load-generator process: viewers play the live as
// the edge bench's players do (../edge/viewer-sim/player.ts, one keep-alive connection each), and
// besides, as the TV app does:
// - every request carries the viewer's CMCD session id as a `CMCD=` query parameter (the edge
//   counts audience minutes by it, the origin decides ads by it);
// - an ad break signalled in the playlist (EXT-X-DATERANGE, class com.apple.hls.interstitial) is
//   asked for (its X-ASSET-LIST, on a second connection, as a browser would) and each spot's five
//   tracking events are sent as the spot would play: start, quartiles, complete, once each, no
//   retry (the TV's image beacon). Simplification: the main content is not paused meanwhile.
// It reports running counters every `progressMs` and, at the end, the raw samples (epoch ms) the
// parent sorts into inside/outside the outages.
import { HttpConnection } from '../edge/viewer-sim/http-connection.ts';
import { emptyStats, playLive } from '../edge/viewer-sim/player.ts';

export interface SoakSliceOptions {
  /** This slice's number: viewer ids are `soak-<slice>-<n>`. */
  slice: number;
  baseUrl: string;
  playlistPath: string;
  viewers: number;
  startAtEpochMs: number;
  durationMs: number;
  joinSpreadMs: number;
  liveSyncDurationCount: number;
  retryDelayMs: number;
  progressMs: number;
}

/** Running totals, sent every `progressMs` (the parent takes differences per interval). */
export interface SoakCounters {
  playlistRequests: number;
  segmentRequests: number;
  errors: number;
  /** Stalls counted so far (a stall is counted when it ends, or at the end of the run). */
  stalls: number;
  assetLists: number;
  assetListsFailed: number;
  adEventsSent: number;
  adEventsOk: number;
}

export interface SoakSliceResult {
  counters: SoakCounters;
  errorsByStatus: Record<string, number>;
  segmentTtfbMs: Float64Array;
  /** Epoch ms at which each stall began, and how long each lasted. */
  stallStartMs: Float64Array;
  stalledMs: number;
  /** Epoch ms each tracking event was answered at (a request in flight when a server stops fails
   * with it), and whether the origin took it (204). */
  adEventAnsweredMs: Float64Array;
  adEventOk: Uint8Array;
  adEventStatus: Record<string, number>;
  /** Asset lists that failed, by status. */
  assetListStatus: Record<string, number>;
  /** Watched time the edge should count: per viewer, its live playlist requests' span, minus gaps of 30 s and more. */
  expectedWatchedMs: number;
  /** Viewers that played. */
  playing: number;
  reconnects: number;
}

const ACTIVE_WINDOW_MS = 30_000; // shared/audience/keys.ts: a longer gap is a leave
const INTERSTITIAL = 'com.apple.hls.interstitial';

interface Break {
  id: string;
  assetList: string;
  startMs: number;
}

/** The interstitial breaks a media playlist signals. */
function breaksIn(playlist: string): Break[] {
  const out: Break[] = [];
  for (const line of playlist.split('\n')) {
    if (!line.startsWith('#EXT-X-DATERANGE:') || !line.includes(INTERSTITIAL)) continue;
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1];
    const id = attr('ID');
    const assetList = attr('X-ASSET-LIST');
    const start = Date.parse(attr('START-DATE') ?? '');
    if (id && assetList && Number.isFinite(start)) out.push({ id, assetList, startMs: start });
  }
  return out;
}

const QUARTILES = [
  ['start', 0],
  ['firstQuartile', 0.25],
  ['midpoint', 0.5],
  ['thirdQuartile', 0.75],
  ['complete', 1],
] as const;

const sleepUntilEpoch = (t: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, t - Date.now())));

export async function runSoakSlice(
  o: SoakSliceOptions,
  progress: (counters: SoakCounters) => void,
): Promise<SoakSliceResult> {
  const url = new URL(o.baseUrl);
  const port = Number(url.port || 80);
  const startAt = performance.now() + (o.startAtEpochMs - Date.now());
  const endAt = startAt + o.durationMs;
  const endEpoch = o.startAtEpochMs + o.durationMs;
  const stats = emptyStats();
  const counters: SoakCounters = {
    playlistRequests: 0,
    segmentRequests: 0,
    errors: 0,
    stalls: 0,
    assetLists: 0,
    assetListsFailed: 0,
    adEventsSent: 0,
    adEventsOk: 0,
  };
  const adEventAnsweredMs: number[] = [];
  const adEventOk: number[] = [];
  const adEventStatus: Record<string, number> = {};
  const assetListStatus: Record<string, number> = {};
  const connections: HttpConnection[] = [];
  let expectedWatchedMs = 0;
  let ended = false;

  const snapshot = (): SoakCounters => ({
    ...counters,
    playlistRequests: stats.playlistRequests,
    segmentRequests: stats.segmentRequests,
    errors: stats.errors,
    stalls: stats.stalls,
  });

  /** One viewer's part of one break: the asset list, then each spot's events as it plays. */
  async function watchBreak(b: Break, viewer: string, cmcd: string, delayMs: number): Promise<void> {
    const ads = new HttpConnection(url.hostname, port);
    connections.push(ads);
    try {
      const sep = b.assetList.includes('?') ? '&' : '?';
      const list = await ads.get(`${b.assetList}${sep}_HLS_primary_id=${viewer}&${cmcd}`, true);
      if (ended) return;
      counters.assetLists++;
      if (list.status !== 200) {
        counters.assetListsFailed++;
        assetListStatus[list.status] = (assetListStatus[list.status] ?? 0) + 1;
        return;
      }
      const assets = (
        JSON.parse(list.body) as { ASSETS?: { DURATION?: number; 'X-CITETV-AD'?: { tracking?: string } }[] }
      ).ASSETS;
      // Played from the break's date plus the viewer's distance from the live edge.
      let spotAt = Math.max(Date.now(), b.startMs + delayMs);
      for (const asset of assets ?? []) {
        const seconds = Number(asset.DURATION) || 0;
        const tracking = asset['X-CITETV-AD']?.tracking;
        for (const [event, at] of QUARTILES) {
          if (!tracking) break;
          await sleepUntilEpoch(spotAt + at * seconds * 1000);
          if (ended || Date.now() >= endEpoch) return;
          counters.adEventsSent++;
          const res = await ads.get(`${tracking}&event=${event}`, false);
          if (ended) return; // cut by the end of the run: neither sent nor lost
          const ok = res.status === 204;
          if (ok) counters.adEventsOk++;
          else adEventStatus[res.status] = (adEventStatus[res.status] ?? 0) + 1;
          adEventAnsweredMs.push(Date.now());
          adEventOk.push(ok ? 1 : 0);
        }
        spotAt += seconds * 1000;
      }
    } finally {
      ads.close();
    }
  }

  await new Promise((r) => setTimeout(r, Math.max(0, startAt - performance.now())));
  const ticker = setInterval(() => progress(snapshot()), o.progressMs);

  const players = Array.from({ length: o.viewers }, async (_, n) => {
    await new Promise((r) => setTimeout(r, Math.random() * o.joinSpreadMs));
    if (ended) return;
    const viewer = `soak-${o.slice}-${n}`;
    const cmcd = `CMCD=${encodeURIComponent(`sid="${viewer}"`)}`;
    const connection = new HttpConnection(url.hostname, port);
    connections.push(connection);
    const seenBreaks = new Set<string>();
    const breaks: Promise<void>[] = [];
    let first = -1;
    let last = -1;
    let targetMs = 0;
    const fetch = async (path: string, keepBody: boolean) => {
      const isPlaylist = keepBody;
      if (isPlaylist && !ended) {
        // A sighting at the edge: the span it adds to this viewer's watched time.
        const now = Date.now();
        if (first < 0) first = now;
        else if (now - last >= ACTIVE_WINDOW_MS) expectedWatchedMs -= now - last;
        last = now;
      }
      const res = await connection.get(`${path}${path.includes('?') ? '&' : '?'}${cmcd}`, keepBody);
      if (isPlaylist && res.status === 200) {
        const target = /#EXT-X-TARGETDURATION:(\d+)/.exec(res.body);
        if (target) targetMs = Number(target[1]) * 1000;
        for (const b of breaksIn(res.body)) {
          if (seenBreaks.has(b.id)) continue;
          seenBreaks.add(b.id);
          breaks.push(watchBreak(b, viewer, cmcd, o.liveSyncDurationCount * targetMs));
        }
      }
      return res;
    };
    await playLive(
      fetch,
      {
        playlistPath: o.playlistPath,
        liveSyncDurationCount: o.liveSyncDurationCount,
        retryDelayMs: o.retryDelayMs,
        endAt,
        ended: () => ended,
      },
      stats,
    );
    if (first >= 0) expectedWatchedMs += last - first;
    await Promise.all(breaks);
  });
  const ending = setTimeout(
    () => {
      ended = true;
      for (const c of connections) c.close();
    },
    Math.max(0, endAt - performance.now()),
  );
  await Promise.all(players);
  clearTimeout(ending);
  clearInterval(ticker);
  ended = true;
  for (const c of connections) c.close();

  return {
    counters: snapshot(),
    errorsByStatus: stats.errorsByStatus,
    segmentTtfbMs: Float64Array.from(stats.segmentTtfbMs),
    stallStartMs: Float64Array.from(stats.stallStartedAt, (t) => o.startAtEpochMs + (t - startAt)),
    stalledMs: stats.stalledMs,
    adEventAnsweredMs: Float64Array.from(adEventAnsweredMs),
    adEventOk: Uint8Array.from(adEventOk),
    adEventStatus,
    assetListStatus,
    expectedWatchedMs,
    playing: stats.startupMs.length,
    reconnects: connections.reduce((n, c) => n + c.reconnects, 0),
  };
}
