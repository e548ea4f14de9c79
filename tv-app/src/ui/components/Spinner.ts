// The "something is coming" sign over a stalled picture: eight dots on a circle, fading from
// the head, the whole ring turning. Plain rects with a rounded shader (no image to load, nothing
// to decode on a weak TV), and one animation that runs only while the spinner is shown.
import { Lightning } from '@lightningjs/sdk';
import { COLOR } from '../theme.ts';
import { setTestId } from '../test-id.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

const SIZE = 72;
const DOT = 14;
const DOTS = 8;

export class Spinner extends Lightning.Component<Loose> {
  private turning: Lightning.types.Animation | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    const dots: Record<string, object> = {};
    for (let i = 0; i < DOTS; i++) {
      const angle = (i / DOTS) * 2 * Math.PI;
      dots[`Dot${i}`] = {
        x: SIZE / 2 + Math.cos(angle) * (SIZE / 2 - DOT / 2),
        y: SIZE / 2 + Math.sin(angle) * (SIZE / 2 - DOT / 2),
        mount: 0.5,
        w: DOT,
        h: DOT,
        rect: true,
        color: COLOR.text,
        alpha: 0.15 + (0.85 * i) / (DOTS - 1),
        shader: { type: Lightning.shaders.RoundedRectangle, radius: DOT / 2 },
      };
    }
    return { w: SIZE, h: SIZE, pivot: 0.5, visible: false, ...dots } as Lightning.Component.Template<Loose>;
  }

  override _init(): void {
    setTestId(this, 'player-spinner');
    this.turning = this.animation({
      duration: 1,
      repeat: -1,
      actions: [{ p: 'rotation', v: { 0: 0, 1: 2 * Math.PI } }],
    });
  }

  /** Shows (and turns) or hides (and stops) the spinner. */
  set spinning(on: boolean) {
    if (on === this.visible) return;
    this.visible = on;
    if (on) this.turning?.start();
    else this.turning?.stop();
  }
}
