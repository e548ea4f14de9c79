// The network banner at the top of the screen: red while the service is unreachable,
// green for a moment when it is back. It never takes focus.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, SAFE, STAGE, TYPE } from '../theme.ts';
import { setTestId } from '../test-id.ts';
import { announce } from '../../app/voice-guidance.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export class Banner extends Lightning.Component<Loose> {
  private hideTimer: ReturnType<typeof setTimeout> | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      // Bottom centre, inside the title-safe area: over the rails, never over the header's menu.
      x: STAGE.w / 2,
      y: STAGE.h - SAFE.y,
      mountX: 0.5,
      mountY: 1,
      alpha: 0,
      rect: true,
      color: COLOR.live,
      flex: { paddingLeft: 32, paddingRight: 32, paddingTop: 12, paddingBottom: 12 },
      shader: { type: Lightning.shaders.RoundedRectangle, radius: 30 },
      Label: { text: { text: ' ', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text } },
    };
  }

  show(text: string, kind: 'error' | 'ok', autoHideMs?: number): void {
    setTestId(this, `banner-${kind}`);
    this.color = kind === 'error' ? COLOR.live : 0xff2e7d32;
    this.tag('Label').text.text = text;
    announce(text);
    this.setSmooth('alpha', 1, { duration: 0.3 });
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.hideTimer = autoHideMs ? setTimeout(() => this.hide(), autoHideMs) : null;
  }

  hide(): void {
    setTestId(this, 'banner-hidden');
    this.setSmooth('alpha', 0, { duration: 0.3 });
  }
}
