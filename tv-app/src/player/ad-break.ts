// Ad breaks played by hls.js's HLS Interstitials support, seen from the TV: what the overlay shows
// ("Publicité", spot i of n, seconds left in the break) and the impression tracking the origin
// counts (start, quartiles, complete — each sent once per spot; the origin also deduplicates).
// Plain TypeScript, no hls.js types: jest tests it, hls-player.ts feeds it.

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
  for (let i = index + 1; i < spots.length; i++) left += spots[i]!.duration;
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
