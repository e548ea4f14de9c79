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
