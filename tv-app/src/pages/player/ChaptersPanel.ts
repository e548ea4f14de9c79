// The chapters list of a replay (▲ in the player): one button per chapter, « 0:26  Seconde
// mi-temps », opening on the chapter playing. ◀ ▶ choose (the list slides to keep the focused one
// in view), OK tells the page `chapterChosen` (it plays from that chapter's start), ▲ ▼ and Back
// tell it `closed`.
import { Lightning } from '@lightningjs/sdk';
import type { Chapter } from '../../../../shared/catalog/types.ts';
import { COLOR, FONT, SAFE, STAGE, TYPE } from '../../ui/theme.ts';
import { ButtonRow } from '../../ui/components/ButtonRow.ts';
import { t } from '../../i18n/index.ts';
import { chapterIndexAt } from '../../player/chapters.ts';
import { formatClock } from '../../player/timeline.ts';
import { BAR_W, panelBackground } from './layout.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export class ChaptersPanel extends Lightning.Component<Loose> {
  private chapters: Chapter[] = [];
  private focusIndex = 0;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      x: SAFE.x,
      y: STAGE.h - SAFE.y - 230,
      visible: false,
      Panel: panelBackground(230),
      Label: { y: 0, text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
      // Clipped to the panel: a long list slides to keep the focused chapter in view.
      Viewport: { y: 64, w: BAR_W, h: 110, clipping: true, List: { type: ButtonRow, x: 10, y: 8, rowId: 'chapters' } },
    };
  }

  override _init(): void {
    this.tag('Label').text.text = t('player.chapters');
  }

  private get list(): ButtonRow {
    return this.tag('Viewport.List') as ButtonRow;
  }

  setChapters(chapters: Chapter[]): void {
    this.chapters = chapters;
  }

  /** Shows the list, focused on the chapter playing at `time`. */
  open(time: number): void {
    const buttons = this.chapters.map((c, i) => ({
      id: `chapter-${i + 1}`,
      label: `${formatClock(c.start)}  ${c.title}`,
    }));
    if (JSON.stringify(this.list.buttons) !== JSON.stringify(buttons)) this.list.patch({ buttons });
    this.visible = true;
    this.focus(Math.max(0, chapterIndexAt(this.chapters, time)));
  }

  close(): void {
    this.visible = false;
  }

  private focus(index: number): void {
    this.focusIndex = Math.max(0, Math.min(this.chapters.length - 1, index));
    const list = this.list;
    list.setFocusIndex(this.focusIndex);
    this._refocus();
    // Slide the list so the focused chapter is inside the viewport (once laid out).
    const items = list.tag('Items');
    const item = items.children[this.focusIndex];
    if (item && item.finalW > 0) {
      const left = item.finalX + list.x;
      const right = left + item.finalW;
      if (right + items.x > BAR_W - 20) items.x = BAR_W - 20 - right;
      if (left + items.x < 10) items.x = 10 - left;
    }
  }

  override _handleLeft(): void {
    this.focus(this.focusIndex - 1);
  }
  override _handleRight(): void {
    this.focus(this.focusIndex + 1);
  }
  override _handleEnter(): void {
    this.signal('chapterChosen', this.focusIndex);
  }
  override _handleUp(): void {
    this.signal('closed');
  }
  override _handleDown(): void {
    this.signal('closed');
  }
  override _handleBack(): void {
    this.signal('closed');
  }

  override _getFocused(): Lightning.Component {
    return this.list;
  }
}
