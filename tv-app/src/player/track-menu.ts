// The tracks panel's model (▼ in the player): three rows of choices, audio, subtitles and quality,
// built from the player's snapshot; which choice has the focus (FocusGrid: each row remembers
// its column); what OK asks the player for. Plain TypeScript (tests/tv-app/track-menu.test.ts);
// TracksPanel draws it and routes the keys to it.
import { FocusGrid, type Direction } from '../navigation/focus-grid.ts';
import {
  audioOptions,
  qualityOptions,
  subtitleOptions,
  type LevelInfo,
  type MediaTrackInfo,
  type TrackOption,
} from './tracks.ts';

export type TrackRowId = 'audio' | 'subtitles' | 'quality';
export const TRACK_ROWS: readonly TrackRowId[] = ['audio', 'subtitles', 'quality'];

/** What the menu reads of the player (PlayerSnapshot has it all). */
export interface TrackSource {
  audioTracks: MediaTrackInfo[];
  audioTrack: number;
  subtitleTracks: MediaTrackInfo[];
  subtitleTrack: number;
  levels: LevelInfo[];
  levelCap: number;
}

/** OK on a choice: the row and the hls.js index to give the player (-1: subtitles off, « Auto »). */
export interface TrackChoice {
  row: TrackRowId;
  index: number;
}

export class TrackMenu {
  private readonly rows: Record<TrackRowId, TrackOption[]> = { audio: [], subtitles: [], quality: [] };
  private readonly grid = new FocusGrid();

  constructor(private readonly labels: { subtitlesOff: () => string; qualityAuto: () => string }) {}

  /** Rebuilds the rows from the player; returns those that changed, so only they are redrawn. */
  update(source: TrackSource): TrackRowId[] {
    const next: Record<TrackRowId, TrackOption[]> = {
      audio: audioOptions(source.audioTracks, source.audioTrack),
      subtitles: subtitleOptions(source.subtitleTracks, source.subtitleTrack, this.labels.subtitlesOff()),
      quality: qualityOptions(source.levels, source.levelCap, this.labels.qualityAuto()),
    };
    const changed = TRACK_ROWS.filter((id) => JSON.stringify(next[id]) !== JSON.stringify(this.rows[id]));
    for (const id of changed) this.rows[id] = next[id];
    if (changed.length > 0) this.grid.setRows(TRACK_ROWS.map((id) => ({ id, length: this.rows[id].length })));
    return changed;
  }

  options(row: TrackRowId): readonly TrackOption[] {
    return this.rows[row];
  }

  /** Worth opening: some row offers a choice (a single audio track, no subtitles and one rendition do not). */
  get hasChoices(): boolean {
    return TRACK_ROWS.some((id) => this.rows[id].length > 1);
  }

  /** The panel opens on the audio row, every row on its current choice. */
  open(): void {
    for (const id of TRACK_ROWS)
      this.grid.focus(
        id,
        Math.max(
          0,
          this.rows[id].findIndex((o) => o.selected),
        ),
      );
    this.grid.focus('audio');
  }

  /** Moves the focus; false when there is nowhere to go that way (▲ on the first row closes the panel). */
  move(direction: Direction): boolean {
    return this.grid.move(direction);
  }

  get focused(): { row: TrackRowId; col: number } | null {
    const focus = this.grid.focused;
    return focus ? { row: focus.rowId as TrackRowId, col: focus.col } : null;
  }

  choice(): TrackChoice | null {
    const focus = this.focused;
    const option = focus ? this.rows[focus.row][focus.col] : undefined;
    return focus && option ? { row: focus.row, index: option.index } : null;
  }
}
