// The hidden debug overlay: what a technician asks a viewer to read out when a live lags or
// stutters. Latency to the live edge (wall clock against PROGRAM-DATE-TIME, and hls.js's own
// with its target), buffer ahead, the rendition playing and its bitrate, dropped frames, the
// latency mode. Shown and hidden by a code typed on the remote (PLAYER_DEFAULTS.debugOverlay:
// 0 5 7 9), never by a single key a family could hit by chance. It never takes the focus:
// the page hands it every key it sees (`keyTyped`), and the viewer's keys act as usual.
// States: '' (hidden: nothing drawn, no timer, no texture) and Shown (redrawn every
// `refreshMs`, one text texture, replaced only when its words change).
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, SAFE } from '../../ui/theme.ts';
import { setTestId } from '../../ui/test-id.ts';
import { state } from '../../ui/state.ts';
import { player } from '../../app/services.ts';
import { t } from '../../i18n/index.ts';
import { PLAYER_DEFAULTS } from '../../player/config.ts';
import { debugLines } from '../../player/debug-view.ts';
import { KeySequence } from '../../navigation/key-sequence.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

const WIDTH = 820;
const PADDING = 24;
const SIZE = 24;
const LINE = 34;

export class DebugOverlay extends Lightning.Component<Loose> {
  private readonly code = new KeySequence(PLAYER_DEFAULTS.debugOverlay.sequence, PLAYER_DEFAULTS.debugOverlay.maxGapMs);
  private timer: ReturnType<typeof setInterval> | null = null;
  private shownText = '';

  static override _template(): Lightning.Component.Template<Loose> {
    // Below the title, left: the badge, title and bar stay readable; a plain rectangle (no
    // shader) behind one text texture.
    return {
      x: SAFE.x,
      y: SAFE.y + 190,
      visible: false,
      Panel: { w: WIDTH, h: 2 * PADDING + LINE, rect: true, color: 0xd9000000 },
      Text: {
        x: PADDING,
        y: PADDING,
        text: {
          text: ' ',
          fontFace: FONT.semibold,
          fontSize: SIZE,
          lineHeight: LINE,
          textColor: COLOR.text,
          wordWrapWidth: WIDTH - 2 * PADDING,
          maxLines: 8,
        },
      },
    };
  }

  static override _states(): Lightning.Component.Constructor[] {
    return [
      state(
        'Shown',
        class Shown extends this {
          override $enter(): void {
            this.visible = true;
            this.draw();
            this.timer = setInterval(() => this.draw(), PLAYER_DEFAULTS.debugOverlay.refreshMs);
          }
          override $exit(): void {
            this.stopTimer();
            this.visible = false;
            // The texture goes with its words.
            this.shownText = '';
            this.tag('Text').text.text = ' ';
          }
          override toggle(): void {
            this._setState('');
          }
        },
      ),
    ];
  }

  override _init(): void {
    setTestId(this, 'player-debug');
  }

  override _detach(): void {
    this.stopTimer();
  }

  /** Every key the player page sees (by its name on this remote); the code toggles the overlay. */
  keyTyped(key: string | undefined): void {
    if (this.code.press(key, performance.now())) this.toggle();
  }

  /** Hidden: show. (Shown overrides it.) */
  toggle(): void {
    this._setState('Shown');
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private draw(): void {
    const figures = player.debugFigures();
    const lines = figures ? debugLines(figures) : [t('debug.title')];
    const text = lines.join('\n');
    if (text === this.shownText) return;
    this.shownText = text;
    this.tag('Text').text.text = text;
    this.tag('Panel').h = 2 * PADDING + lines.length * LINE;
  }
}
