// Interstitial signaling: every ad break becomes an EXT-X-DATERANGE of class
// `com.apple.hls.interstitial` in the media playlists that cover it, whose X-ASSET-LIST points at
// the ad-decision endpoint. The tag is the same for every viewer (the viewer is only known when
// the player asks the asset list), so the edges keep caching the playlists; players that do not
// know interstitials ignore the tag and keep playing the programme.
//
//   live    START-DATE = the break's start on air; no X-RESUME-OFFSET, so the player comes back
//           at the live point the break's length later (the programme went on meanwhile).
//   replay  START-DATE = the replay's first PROGRAM-DATE-TIME + offset; X-RESUME-OFFSET=0 (the
//           programme waits); X-CUE="PRE" for a pre-roll. Mid-rolls carry no X-CUE: with "ONCE",
//           hls.js 1.7 never resumes the programme after a mid-roll played because the viewer
//           jumped over it (seen in Chromium), so a viewer who seeks back before it sees it again.
//   both    X-RESTRICT="SKIP,JUMP": no seeking inside an ad, no jumping over a break.
import type { DateRange, MediaPlaylist } from '../../../../shared/hls/model.ts';
import type { RecordStore } from '../store/record-store.ts';
import type { AdBreak } from './model.ts';
import { INTERSTITIAL_CLASS } from './model.ts';

/**
 * The PROGRAM-DATE-TIME given to a replay's first segment when it has breaks and no date of its
 * own (interstitials are placed by date). A fixed date, so the playlist is the same everywhere.
 */
export const VOD_PROGRAM_EPOCH_MS = Date.UTC(2026, 0, 1);

/** How far ahead of the newest live segment a coming break is announced (players lag behind). */
const LIVE_LOOKAHEAD_MS = 60_000;
/** Breaks are read from the store at most this often (every rendition's playlist asks). */
const BREAKS_CACHE_MS = 500;

export function assetListPath(breakId: string): string {
  return `/api/v1/ads/breaks/${encodeURIComponent(breakId)}/asset-list`;
}

export function interstitialDateRange(adBreak: AdBreak, startDate: number, style: 'live' | 'replay'): DateRange {
  const clientAttributes: DateRange['clientAttributes'] = {
    'X-ASSET-LIST': assetListPath(adBreak.id),
    'X-RESTRICT': 'SKIP,JUMP',
  };
  if (style === 'replay') {
    clientAttributes['X-RESUME-OFFSET'] = 0;
    if (adBreak.offset === 0) clientAttributes['X-CUE'] = 'PRE';
  }
  return {
    id: `ad-${adBreak.id}`,
    class: INTERSTITIAL_CLASS,
    startDate,
    duration: adBreak.durationSeconds,
    clientAttributes,
  };
}

export class InterstitialSignals {
  #cached: { at: number; breaks: Promise<AdBreak[]> } | null = null;

  constructor(
    readonly store: RecordStore,
    readonly now: () => number,
  ) {}

  /** Forget the cached breaks (a staff write just changed them). */
  invalidate(): void {
    this.#cached = null;
  }

  #breaks(): Promise<AdBreak[]> {
    const t = this.now();
    if (!this.#cached || t - this.#cached.at > BREAKS_CACHE_MS || t < this.#cached.at) {
      // A store outage must not take the programme off air: no breaks signaled then.
      this.#cached = { at: t, breaks: this.store.list('adBreaks').catch(() => []) };
    }
    return this.#cached.breaks;
  }

  /** The live playlist of `channelId` with the breaks it covers (or is about to). */
  async live(channelId: string, playlist: MediaPlaylist): Promise<MediaPlaylist> {
    const first = playlist.segments[0];
    const last = playlist.segments.at(-1);
    if (first?.programDateTime === undefined || last?.programDateTime === undefined) return playlist;
    const windowStart = first.programDateTime;
    const windowEnd = last.programDateTime + last.duration * 1000;
    const ranges = (await this.#breaks())
      .filter((b) => b.target.kind === 'live' && b.target.channelId === channelId && b.startsAt)
      .map((b) => ({ b, start: Date.parse(b.startsAt!) }))
      .filter(
        ({ b, start }) => start <= windowEnd + LIVE_LOOKAHEAD_MS && start + b.durationSeconds * 1000 >= windowStart,
      )
      .sort((x, y) => x.start - y.start)
      .map(({ b, start }) => interstitialDateRange(b, start, 'live'));
    return ranges.length ? { ...playlist, dateRanges: ranges } : playlist;
  }

  /** A replay's (VOD) playlist with its pre-roll and mid-rolls. */
  async replay(replayId: string, playlist: MediaPlaylist): Promise<MediaPlaylist> {
    const breaks = (await this.#breaks()).filter(
      (b) => b.target.kind === 'replay' && b.target.replayId === replayId && b.offset !== undefined,
    );
    const [first, ...rest] = playlist.segments;
    if (breaks.length === 0 || !first) return playlist;
    const pdt0 = first.programDateTime ?? VOD_PROGRAM_EPOCH_MS;
    return {
      ...playlist,
      segments: [{ ...first, programDateTime: pdt0 }, ...rest],
      dateRanges: breaks
        .sort((a, b) => a.offset! - b.offset!)
        .map((b) => interstitialDateRange(b, pdt0 + b.offset! * 1000, 'replay')),
    };
  }
}
