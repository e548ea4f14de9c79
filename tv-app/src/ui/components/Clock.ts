// The wall clock in the header ("20:34"), refreshed while it is on screen.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, TYPE } from '../theme.ts';
import { formatTime } from '../../i18n/index.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export class Clock extends Lightning.Component<Loose> {
  private timer: ReturnType<typeof setInterval> | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    return { mountX: 1, text: { text: '', fontFace: FONT.semibold, fontSize: TYPE.heading, textColor: COLOR.text } };
  }

  override _attach(): void {
    const tick = () => {
      this.text!.text = formatTime(new Date());
    };
    tick();
    this.timer = setInterval(tick, 10_000);
  }

  override _detach(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
