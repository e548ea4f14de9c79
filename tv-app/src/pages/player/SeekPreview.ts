// What the viewer sees above the seek bar's head while seeking with Left/Right: the picture at
// the target time (one tile of a sprite sheet, cut out with a texture clip region), the target
// time and the chapter it falls in. Without thumbnails (a live, no track, a failed one) the
// time and chapter alone. Sheets are budgeted: at most two decoded, the older one freed.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, TYPE } from '../theme.ts';
import { setTestId } from '../test-id.ts';
import { SheetBudget, thumbnailAt, type ThumbnailCue } from '../../player/thumbnail-track.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

/** Tiles are drawn at this size whatever their size in the sheet (16:9, readable from the sofa). */
export const PREVIEW_TILE = { w: 320, h: 180 } as const;
const PAD = 6;
const MAX_SHEETS = 2;

export class SeekPreview extends Lightning.Component<Loose> {
  private cues: ThumbnailCue[] = [];
  // The budget's texture is on no element: reading `source` looks its source up by src (the one
  // the shown tiles share), then `free()` releases that decoded sheet.
  private readonly sheets = new SheetBudget<Lightning.Texture>(MAX_SHEETS, (texture) => {
    if (texture.source) texture.free();
  });
  private shownCue: ThumbnailCue | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    // Anchored at its bottom centre: the page puts that point just above the bar's head.
    return {
      w: PREVIEW_TILE.w + 2 * PAD, h: 0, mountX: 0.5, mountY: 1, visible: false,
      Frame: { rect: true, color: 0xee101522, shader: { type: Lightning.shaders.RoundedRectangle, radius: 12 } },
      Placeholder: { x: PAD, y: PAD, w: PREVIEW_TILE.w, h: PREVIEW_TILE.h, rect: true, color: 0xff222a3d },
      Thumb: { x: PAD, y: PAD, w: PREVIEW_TILE.w, h: PREVIEW_TILE.h },
      Time: { x: (PREVIEW_TILE.w + 2 * PAD) / 2, mountX: 0.5, text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
      Chapter: {
        x: (PREVIEW_TILE.w + 2 * PAD) / 2, mountX: 0.5,
        text: { text: ' ', fontFace: FONT.regular, fontSize: TYPE.caption, textColor: COLOR.textDim, wordWrapWidth: PREVIEW_TILE.w, maxLines: 2, lineHeight: 34, textOverflow: 'ellipsis', textAlign: 'center' },
      },
    };
  }

  override _init(): void {
    setTestId(this, 'player-seek-preview');
    setTestId(this.tag('Thumb'), 'player-seek-thumb');
    setTestId(this.tag('Time'), 'player-seek-time');
    setTestId(this.tag('Chapter'), 'player-seek-chapter');
    // A long chapter title takes two lines: the frame grows once the text is measured.
    this.tag('Chapter').on('txLoaded', () => this.layout());
  }

  /** The thumbnail track of what plays (none: the time alone). Frees the previous one's sheets. */
  setCues(cues: ThumbnailCue[]): void {
    this.cues = cues;
    this.release();
  }

  /** Shows the preview for `time`: `label` is the time as the bar writes it, `chapter` may be ''. */
  show(time: number, label: string, chapter: string): void {
    const cue = thumbnailAt(this.cues, time) ?? null;
    this.showTile(cue);
    const top = cue ? PAD + PREVIEW_TILE.h + 6 : PAD;
    this.tag('Time').patch({ y: top, text: { text: label || ' ' } });
    this.tag('Chapter').patch({ y: top + 46, visible: chapter !== '', text: { text: chapter || ' ' } });
    this.layout();
    this.visible = true;
  }

  private layout(): void {
    const chapter = this.tag('Chapter');
    const textH = chapter.visible ? Math.max(34, chapter.renderHeight) + 6 : 0;
    const h = chapter.y + textH + PAD;
    this.tag('Frame').patch({ w: PREVIEW_TILE.w + 2 * PAD, h });
    this.h = h;
  }

  hide(): void {
    this.visible = false;
  }

  /** Frees the decoded sheets (leaving the player, another programme). */
  release(): void {
    this.showTile(null);
    this.sheets.clear();
  }

  override _detach(): void {
    this.release();
  }

  private showTile(cue: ThumbnailCue | null): void {
    const thumb = this.tag('Thumb');
    this.tag('Placeholder').visible = cue !== null;
    if (!cue) {
      thumb.texture = null;
      this.shownCue = null;
      return;
    }
    if (cue === this.shownCue) return;
    this.shownCue = cue;
    this.sheets.use(cue.url, (src) => this.imageTexture(src));
    // Another tile of the sheet shown: move the clip region of the same texture. (A new texture
    // on the same image would not do: Lightning recomputes an element's texture coordinates
    // only when its image source changes, or when the shown texture's clipping changes.)
    const current = thumb.texture as (Lightning.Texture & { src?: string }) | null;
    const tile = current && current.src === cue.url ? current : this.imageTexture(cue.url);
    tile.enableClipping(cue.x, cue.y, cue.w, cue.h);
    if (tile !== current) thumb.texture = tile;
  }

  private imageTexture(src: string): Lightning.Texture {
    const texture = new Lightning.textures.ImageTexture(this.stage);
    texture.src = src;
    return texture;
  }
}
