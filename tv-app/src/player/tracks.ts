// Audio and subtitle choices as the player's panel lists them.

export interface MediaTrackInfo {
  name: string;
  lang?: string;
}

export interface TrackOption {
  /** Track index in hls.js, or -1 for "subtitles off". */
  index: number;
  label: string;
  selected: boolean;
}

export function audioOptions(tracks: MediaTrackInfo[], current: number): TrackOption[] {
  return tracks.map((t, index) => ({ index, label: t.name || t.lang || `#${index + 1}`, selected: index === current }));
}

/** "Off" first, then each subtitle track. `current` is -1 when subtitles are off. */
export function subtitleOptions(tracks: MediaTrackInfo[], current: number, offLabel: string): TrackOption[] {
  return [
    { index: -1, label: offLabel, selected: current < 0 },
    ...tracks.map((t, index) => ({ index, label: t.name || t.lang || `#${index + 1}`, selected: index === current })),
  ];
}

/** A video rendition as hls.js lists it (`hls.levels`, lowest bitrate first). */
export interface LevelInfo {
  height: number;
}

/**
 * « Auto » first (hls.js's ABR, `cap` = -1), then one choice per rendition height, highest
 * first. A choice's index is the highest hls.js level of that height: capping ABR there
 * keeps every level at or below it. `cap` is hls.js's `autoLevelCapping`.
 */
export function qualityOptions(levels: LevelInfo[], cap: number, autoLabel: string): TrackOption[] {
  const capHeight = cap >= 0 ? levels[cap]?.height : undefined;
  const byHeight = new Map<number, number>();
  levels.forEach((l, index) => {
    if (l.height > 0 && index > (byHeight.get(l.height) ?? -1)) byHeight.set(l.height, index);
  });
  const heights = [...byHeight.keys()].sort((a, b) => b - a);
  return [
    { index: -1, label: autoLabel, selected: capHeight === undefined },
    ...heights.map((height) => ({ index: byHeight.get(height)!, label: `${height}p`, selected: height === capHeight })),
  ];
}
