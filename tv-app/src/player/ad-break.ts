// Ad breaks played by hls.js's HLS Interstitials support, seen from the TV: what the overlay shows
// ("Publicité", spot i of n, seconds left in the break) and the impression tracking the origin
// counts (start, quartiles, complete — each sent once per spot; the origin also deduplicates).
// Plain TypeScript, no hls.js types: jest tests it (tests/ads/tv-ad-break.test.ts,
// tests/tv-app/ad-break-playback.test.ts); hls-player.ts feeds it hls.js's interstitial events.

/** Our per-spot data in the asset list (`X-CITETV-AD`, see origin/ads/public-routes.ts). */
export interface AdSpot {
  creativeId: string;
  kind: 'sponsor' | 'promo';
  sponsorId?: string;
  /** Tracking URL; `&event=<name>` is appended. */
  tracking?: string;
  /** Seconds. */
  duration: number;
}

export interface AdBreakView {
  /** 1-based position of the spot playing. */
  index: number;
  count: number;
  /** Whole seconds left in the break (the countdown). */
  remaining: number;
  sponsorId?: string;
}

export const AD_QUARTILES = [
  { event: 'start', at: 0 },
  { event: 'firstQuartile', at: 0.25 },
  { event: 'midpoint', at: 0.5 },
  { event: 'thirdQuartile', at: 0.75 },
  { event: 'complete', at: 1 },
] as const;
export type AdEvent = (typeof AD_QUARTILES)[number]['event'];

/** The spots of an asset list response (`{ASSETS: [{URI, DURATION, X-CITETV-AD}]}`). */
export function spotsOf(assetList: unknown): AdSpot[] {
  const assets = (assetList as { ASSETS?: unknown[] } | null)?.ASSETS;
  if (!Array.isArray(assets)) return [];
  return assets.map((a) => {
    const item = a as { DURATION?: number; 'X-CITETV-AD'?: Partial<AdSpot> };
    const ours = item['X-CITETV-AD'] ?? {};
    return {
      creativeId: ours.creativeId ?? '',
      kind: ours.kind === 'sponsor' ? 'sponsor' : 'promo',
      ...(ours.sponsorId ? { sponsorId: ours.sponsorId } : {}),
      ...(ours.tracking ? { tracking: ours.tracking } : {}),
      duration: Number(item.DURATION) || 0,
    };
  });
}

/** Seconds left in the break while spot `index` (0-based) is at `positionInSpot`. */
export function breakRemaining(spots: readonly AdSpot[], index: number, positionInSpot: number): number {
  let left = Math.max(0, (spots[index]?.duration ?? 0) - Math.max(0, positionInSpot));
  for (const spot of spots.slice(index + 1)) left += spot.duration;
  return Math.max(0, Math.ceil(left - 0.05));
}

/** One break's tracking: each event of each spot is sent once, in order, as playback reaches it. */
export class AdTracking {
  readonly #sent = new Set<string>();
  constructor(private readonly send: (url: string) => void) {}

  /** Call as the spot plays (and with `ended` when it finished normally). */
  progress(spot: AdSpot, spotKey: string, position: number, ended = false): void {
    if (!spot.tracking || spot.duration <= 0) return;
    const fraction = ended ? 1 : position / spot.duration;
    for (const q of AD_QUARTILES) {
      // `complete` only when the spot really ended (or is within 0.3 s of its end).
      const reached = q.event === 'complete' ? ended || position >= spot.duration - 0.3 : fraction >= q.at;
      const key = `${spotKey}|${q.event}`;
      if (!reached || this.#sent.has(key)) continue;
      this.#sent.add(key);
      this.send(`${spot.tracking}&event=${q.event}`);
    }
  }
}

/** What hls.js tells of a spot that starts (INTERSTITIAL_ASSET_STARTED), in plain types. */
export interface SpotStart {
  /** The break's id (EXT-X-DATERANGE ID): with `index`, names the spot for tracking. */
  breakId: string;
  /** 0-based index of the spot in the break's asset list. */
  index: number;
  /** The asset list response, as the ad server sent it. */
  assetList: unknown;
  /** Seconds into the spot (the spot's own player clock). */
  position: () => number;
}

export interface AdBreakPlaybackOptions {
  /** Something the overlay shows changed (a spot began or ended, the countdown moved). */
  onChange: () => void;
  /** Sends a tracking URL (default: an image beacon, which every TV can send). */
  send?: (url: string) => void;
  /** How often (ms) a playing spot's progress is read for the quartiles and the countdown. */
  pollMs?: number;
}

/**
 * The ad break playing, if any: which spot, how long the break has left, and the spot's
 * tracking as it plays. Out of HlsPlayer so that the player is about playback only, and so
 * that this can be driven by hand in jest: spotStarted / spotEnded / breakEnded are the
 * three hls.js events, in plain types.
 */
export class AdBreakPlayback {
  private spot: { spots: AdSpot[]; index: number; key: string; position: () => number } | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly tracking: AdTracking;
  private readonly pollMs: number;

  constructor(private readonly options: AdBreakPlaybackOptions) {
    this.tracking = new AdTracking(options.send ?? sendBeacon);
    this.pollMs = options.pollMs ?? 250;
  }

  /** True while a spot plays: the remote's seek keys do nothing then. */
  get playing(): boolean {
    return this.spot !== null;
  }

  spotStarted(start: SpotStart): void {
    this.spot = {
      spots: spotsOf(start.assetList),
      index: start.index,
      key: `${start.breakId}#${start.index}`,
      position: start.position,
    };
    this.track(false);
    // hls.js reports no progress inside a spot: its clock is read while it plays.
    this.timer ??= setInterval(() => this.track(false), this.pollMs);
    this.options.onChange();
  }

  /** The spot finished (or was cut short: then it is not complete). */
  spotEnded(): void {
    this.track(true);
  }

  /** The break is over (back to the programme, or playback torn down). */
  breakEnded(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.spot) return;
    this.spot = null;
    this.options.onChange();
  }

  /** What the overlay shows: spot i of n, seconds left in the break; null outside a break. */
  view(): AdBreakView | null {
    const ad = this.spot;
    if (!ad) return null;
    const spot = ad.spots[ad.index];
    return {
      index: ad.index + 1,
      count: Math.max(ad.spots.length, ad.index + 1),
      remaining: breakRemaining(ad.spots, ad.index, ad.position()),
      ...(spot?.sponsorId ? { sponsorId: spot.sponsorId } : {}),
    };
  }

  private track(ended: boolean): void {
    const ad = this.spot;
    const spot = ad?.spots[ad.index];
    if (!ad || !spot) return;
    const position = ad.position();
    // An asset that stopped early (error, teardown) is not complete.
    this.tracking.progress(spot, ad.key, position, ended && position >= spot.duration - 1);
    this.options.onChange();
  }
}

/** Fire-and-forget GET that works on every TV (an image request; the 204 answer is ignored). */
function sendBeacon(url: string): void {
  const image = new Image();
  image.src = url;
}
