// Seeking with ◀ ▶ (and ⏪ ⏩): this component owns the scrub while it lasts. The player overlay
// hands it the first press and the focus; from then on it takes the repeats (the preview moves
// by growing steps: SeekScrubber), the key going up (the one seek comes once the keys have been
// quiet), OK (seek there now) and Back (forget it), then tells the overlay `seekDone`.
// What it shows above the bar's head: the picture at the target time (one tile of a sprite sheet,
// cut out with a texture clip region), the target time and the chapter it falls in. Without
// thumbnails (a live, no track, a failed one) the time and chapter alone. Sheets are budgeted: at
// most two decoded, the older one freed.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, TYPE } from '../../ui/theme.ts';
import { setTestId } from '../../ui/test-id.ts';
import { player } from '../../app/services.ts';
import { PLAYER_DEFAULTS } from '../../player/config.ts';
import { SeekScrubber } from '../../player/seek-scrubber.ts';
import { SheetBudget, loadThumbnailTrack, thumbnailAt, type ThumbnailCue } from '../../player/thumbnail-track.ts';
import { serviceBase } from '../../platform/service-base.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

/** Tiles are drawn at this size whatever their size in the sheet (16:9, readable from the sofa). */
export const PREVIEW_TILE = { w: 320, h: 180 } as const;
const PAD = 6;
const MAX_SHEETS = 2;

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

export class SeekPreview extends Lightning.Component<Loose> {
  private readonly scrubber = new SeekScrubber();
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  private cues: ThumbnailCue[] = [];
  /** The track being fetched: a later `loadTrack` (another programme) makes an answer stale. */
  private loading: object | null = null;
  // The budget's texture is on no element: reading `source` looks its source up by src (the one
  // the shown tiles share), then `free()` releases that decoded sheet.
  private readonly sheets = new SheetBudget<Lightning.Texture>(MAX_SHEETS, (texture) => {
    if (texture.source) texture.free();
  });
  private shownCue: ThumbnailCue | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    // Anchored at its bottom centre: the overlay puts that point just above the bar's head.
    return {
      w: PREVIEW_TILE.w + 2 * PAD,
      h: 0,
      mountX: 0.5,
      mountY: 1,
      visible: false,
      Frame: { rect: true, color: 0xee101522, shader: { type: Lightning.shaders.RoundedRectangle, radius: 12 } },
      Placeholder: { x: PAD, y: PAD, w: PREVIEW_TILE.w, h: PREVIEW_TILE.h, rect: true, color: 0xff222a3d },
      Thumb: { x: PAD, y: PAD, w: PREVIEW_TILE.w, h: PREVIEW_TILE.h },
      Time: {
        x: (PREVIEW_TILE.w + 2 * PAD) / 2,
        mountX: 0.5,
        text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text },
      },
      Chapter: {
        x: (PREVIEW_TILE.w + 2 * PAD) / 2,
        mountX: 0.5,
        text: {
          text: ' ',
          fontFace: FONT.regular,
          fontSize: TYPE.caption,
          textColor: COLOR.textDim,
          wordWrapWidth: PREVIEW_TILE.w,
          maxLines: 2,
          lineHeight: 34,
          textOverflow: 'ellipsis',
          textAlign: 'center',
        },
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

  override _detach(): void {
    this.clearSettleTimer();
    this.scrubber.cancel();
    this.freeSheets();
  }

  // ---- the scrub ----------------------------------------------------------------------

  /** Where the seek in progress will land (seconds), null when not seeking. */
  get target(): number | null {
    return this.scrubber.target;
  }

  get seeking(): boolean {
    return this.scrubber.active;
  }

  /**
   * A seek keydown (the first press comes from the overlay, repeats straight here): the target
   * moves, the seek waits for the keys to settle. False when nothing can be sought (an ad plays,
   * no seekable range yet).
   */
  press(direction: 1 | -1, minStep = 0): boolean {
    if (player.inAd) return false;
    const snap = player.snapshot();
    if (!(snap.end > snap.start)) return false;
    this.scrubber.press(
      direction,
      performance.now(),
      { position: snap.position, start: snap.start, end: snap.end },
      minStep,
    );
    this.scheduleSettle();
    this.signal('seekMoved');
    return true;
  }

  /** Forgets the seek in progress (Back, a panel opening, another programme). */
  cancel(): void {
    this.clearSettleTimer();
    if (!this.scrubber.active) return;
    this.scrubber.cancel();
    this.signal('seekDone');
  }

  /** The key went up: the next press is a fresh tap; the seek comes once the keys are quiet. */
  private keyUp(): void {
    this.scrubber.release(performance.now());
    this.scheduleSettle();
  }

  private scheduleSettle(): void {
    this.clearSettleTimer();
    const due = this.scrubber.dueIn(performance.now());
    if (due !== null) this.settleTimer = setTimeout(() => this.settle(false), due + 5);
  }

  private clearSettleTimer(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = null;
  }

  /** Seeks to the target once the keys are quiet (or at once with `now`: OK while seeking). */
  private settle(now: boolean): void {
    this.settleTimer = null;
    const target = now ? this.scrubber.target : this.scrubber.settle(performance.now());
    if (target === null) return this.scheduleSettle();
    this.scrubber.cancel();
    // The one seek of the whole scrub (seekBy keeps it inside the seekable range).
    player.seekBy(target - player.currentTime);
    this.signal('seekDone');
  }

  override _handleLeft(): void {
    this.press(-1);
  }
  override _handleRight(): void {
    this.press(1);
  }
  _handleRewind(): void {
    this.press(-1, PLAYER_DEFAULTS.fastSeekStep);
  }
  _handleFastForward(): void {
    this.press(1, PLAYER_DEFAULTS.fastSeekStep);
  }
  override _handleLeftRelease(): void {
    this.keyUp();
  }
  override _handleRightRelease(): void {
    this.keyUp();
  }
  _handleRewindRelease(): void {
    this.keyUp();
  }
  _handleFastForwardRelease(): void {
    this.keyUp();
  }
  /** OK while seeking: go there now. */
  override _handleEnter(): void {
    this.settle(true);
  }
  /** Back cancels the seek, not the player. */
  override _handleBack(): void {
    this.cancel();
  }

  // ---- drawing ------------------------------------------------------------------------

  /** Fetches the thumbnail track of what plays (none: the time alone); frees the previous one's sheets. */
  async loadTrack(url: string | undefined): Promise<void> {
    const loading = (this.loading = {});
    this.setCues([]);
    const cues = await loadThumbnailTrack(url, serviceBase(), fetchText);
    if (this.loading === loading) this.setCues(cues);
  }

  private setCues(cues: ThumbnailCue[]): void {
    this.cues = cues;
    this.freeSheets();
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

  hide(): void {
    this.visible = false;
  }

  private layout(): void {
    const chapter = this.tag('Chapter');
    const textH = chapter.visible ? Math.max(34, chapter.renderHeight) + 6 : 0;
    const h = chapter.y + textH + PAD;
    this.tag('Frame').patch({ w: PREVIEW_TILE.w + 2 * PAD, h });
    this.h = h;
  }

  /** Frees the decoded sheets (leaving the player, another programme). */
  freeSheets(): void {
    this.showTile(null);
    this.sheets.clear();
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
