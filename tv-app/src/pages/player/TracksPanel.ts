// Audio, subtitles and quality (▼ in the player): three rows of choices, the current one ticked
// (« ✓ English »; quality « Auto » is hls.js's ABR, a height caps it). The rows and the focus
// are TrackMenu's; this draws them and routes the keys: arrows move, OK asks the player for the
// focused choice, ▲ from the first row and Back tell the page `closed`.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, SAFE, STAGE, TYPE } from '../../ui/theme.ts';
import { ButtonRow } from '../../ui/components/ButtonRow.ts';
import { player } from '../../app/services.ts';
import { t } from '../../i18n/index.ts';
import { TrackMenu, type TrackRowId } from '../../player/track-menu.ts';
import type { TrackOption } from '../../player/tracks.ts';
import type { PlayerSnapshot } from '../../player/hls-player.ts';
import { panelBackground } from './layout.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

/** The ButtonRow tag of each row. */
const ROW_TAG: Record<TrackRowId, string> = { audio: 'Audio', subtitles: 'Subtitles', quality: 'Quality' };

const label = (o: TrackOption) => (o.selected ? `✓ ${o.label}` : o.label);

export class TracksPanel extends Lightning.Component<Loose> {
  private readonly menu = new TrackMenu({
    subtitlesOff: () => t('player.subtitlesOff'),
    qualityAuto: () => t('player.qualityAuto'),
  });

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      x: SAFE.x,
      y: STAGE.h - SAFE.y - 420,
      visible: false,
      Panel: panelBackground(420),
      AudioLabel: { y: 16, text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
      Audio: { type: ButtonRow, x: 300, y: 0, rowId: 'audio' },
      SubtitlesLabel: {
        y: 136,
        text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text },
      },
      Subtitles: { type: ButtonRow, x: 300, y: 120, rowId: 'subtitles' },
      QualityLabel: { y: 256, text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
      Quality: { type: ButtonRow, x: 300, y: 240, rowId: 'quality' },
    };
  }

  override _init(): void {
    this.tag('AudioLabel').text.text = t('player.audio');
    this.tag('SubtitlesLabel').text.text = t('player.subtitles');
    this.tag('QualityLabel').text.text = t('player.quality');
  }

  /** Something to choose: the page opens the panel only then. */
  get hasChoices(): boolean {
    return this.menu.hasChoices;
  }

  /**
   * The player's tracks, every snapshot: only rows that changed are rebuilt (their buttons would be re-created
   * under the focus).
   */
  update(snap: PlayerSnapshot): void {
    const changed = this.menu.update(snap);
    for (const id of changed) {
      (this.tag(ROW_TAG[id]) as ButtonRow).patch({
        buttons: this.menu.options(id).map((o) => ({ id: `${id}-${o.index}`, label: label(o) })),
      });
    }
    if (changed.length > 0 && this.visible) this.applyFocus();
  }

  /** Shows the panel on the audio row, each row on its current choice. */
  open(): void {
    this.menu.open();
    this.visible = true;
    this.applyFocus();
  }

  close(): void {
    this.visible = false;
  }

  private applyFocus(): void {
    const focus = this.menu.focused;
    if (!focus) return;
    (this.tag(ROW_TAG[focus.row]) as ButtonRow).setFocusIndex(focus.col);
    this._refocus();
  }

  private move(direction: 'left' | 'right' | 'down'): void {
    this.menu.move(direction);
    this.applyFocus();
  }

  override _handleLeft(): void {
    this.move('left');
  }
  override _handleRight(): void {
    this.move('right');
  }
  override _handleDown(): void {
    this.move('down');
  }
  override _handleUp(): void {
    if (this.menu.move('up')) this.applyFocus();
    else this.signal('closed');
  }
  override _handleEnter(): void {
    const choice = this.menu.choice();
    if (choice?.row === 'audio') player.setAudioTrack(choice.index);
    if (choice?.row === 'subtitles') player.setSubtitleTrack(choice.index);
    if (choice?.row === 'quality') player.setLevelCap(choice.index);
  }
  override _handleBack(): void {
    this.signal('closed');
  }

  override _getFocused(): Lightning.Component {
    return this.tag(ROW_TAG[this.menu.focused?.row ?? 'audio']) as ButtonRow;
  }
}
