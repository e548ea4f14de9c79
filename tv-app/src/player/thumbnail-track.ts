// Seek-bar thumbnails on the TV side: the replay's WebVTT thumbnail track
// (shared/hls/thumbnails.ts) fetched once when playback starts (a few KB of text), and a
// budget of sprite sheets kept decoded (a 1600×900 sheet is ~6 MB of texture memory; a weak
// TV has little). Plain TypeScript (tests/tv-app/thumbnail-track.test.ts); the Lightning
// side is pages/player/SeekPreview.ts.
import { parseThumbnailTrack, thumbnailAt, type ThumbnailCue } from '../../../shared/hls/thumbnails.ts';

export type { ThumbnailCue };
export { thumbnailAt };

/**
 * The cues of the track at `url` (relative to `base`, the page's URL), with absolute sheet
 * URLs (Lightning decodes images in a worker where relative URLs do not resolve). No track,
 * a failed request or a broken file: no cues, and the seek preview shows the time alone.
 */
export async function loadThumbnailTrack(
  url: string | undefined,
  base: string,
  fetchText: (url: string) => Promise<string>,
): Promise<ThumbnailCue[]> {
  if (!url) return [];
  try {
    const trackUrl = new URL(url, base).href;
    return parseThumbnailTrack(await fetchText(trackUrl), (sheet) => new URL(sheet, trackUrl).href);
  } catch {
    return [];
  }
}

/**
 * At most `max` sheets alive, the least recently shown one freed first (`free` releases its
 * texture). `use` returns the sheet's handle, creating it when absent.
 */
export class SheetBudget<T> {
  private readonly sheets = new Map<string, T>();

  constructor(
    private readonly max: number,
    private readonly free: (sheet: T) => void,
  ) {}

  use(url: string, create: (url: string) => T): T {
    let sheet = this.sheets.get(url);
    if (sheet !== undefined) {
      // Most recent last (a Map keeps insertion order).
      this.sheets.delete(url);
    } else {
      sheet = create(url);
    }
    this.sheets.set(url, sheet);
    while (this.sheets.size > this.max) {
      const [oldest, handle] = this.sheets.entries().next().value as [string, T];
      this.sheets.delete(oldest);
      this.free(handle);
    }
    return sheet;
  }

  /** Sheet URLs alive, least recent first. */
  get alive(): string[] {
    return Array.from(this.sheets.keys()); // not a spread: the legacy build compiles spreads as arrays (SWC loose)
  }

  clear(): void {
    for (const handle of this.sheets.values()) this.free(handle);
    this.sheets.clear();
  }
}
