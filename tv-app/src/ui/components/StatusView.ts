// Loading placeholder and error screen of a page: a message and, on error, a
// focusable "Réessayer" button that calls the page back.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, SAFE, STAGE, TILE, TYPE } from '../theme.ts';
import { t } from '../../i18n/index.ts';
import { setTestId } from '../test-id.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export class Button extends Lightning.Component<Loose> {
  private labelText = '';

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      h: 80,
      w: 360,
      rect: true,
      color: COLOR.surfaceRaised,
      shader: { type: Lightning.shaders.RoundedRectangle, radius: 40 },
      Label: {
        x: 180,
        y: 42,
        mount: 0.5,
        text: { text: '', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text },
      },
    };
  }

  set label(text: string) {
    this.labelText = text;
    this.tag('Label').text.text = text;
    // The pill grows to its label once the text is measured (label widths differ per language).
    const fit = () => {
      const w = Math.max(240, this.tag('Label').renderWidth + 96);
      this.w = w;
      this.tag('Label').x = w / 2;
    };
    this.tag('Label').on('txLoaded', fit);
    fit();
  }

  get label(): string {
    return this.labelText;
  }

  set buttonId(id: string) {
    setTestId(this, `button-${id}`);
  }

  get announce(): string {
    return this.labelText;
  }

  override _focus(): void {
    this.patch({ color: COLOR.focus });
    this.tag('Label').text.textColor = 0xff000000;
    this.setSmooth('scale', 1.06, { duration: 0.15 });
  }

  override _unfocus(): void {
    this.patch({ color: COLOR.surfaceRaised });
    this.tag('Label').text.textColor = COLOR.text;
    this.setSmooth('scale', 1, { duration: 0.15 });
  }
}

export class StatusView extends Lightning.Component<Loose> {
  private onRetry: (() => void) | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w,
      h: STAGE.h,
      visible: false,
      // Loading placeholder: grey shapes where the hero and a rail will be, gently pulsing,
      // so the screen has its layout at once instead of a blank wait.
      Skeleton: {
        x: SAFE.x,
        y: 170,
        visible: false,
        Kicker: {
          w: 360,
          h: 40,
          rect: true,
          color: COLOR.surfaceRaised,
          shader: { type: Lightning.shaders.RoundedRectangle, radius: 6 },
        },
        Headline: {
          y: 70,
          w: 900,
          h: 64,
          rect: true,
          color: COLOR.surfaceRaised,
          shader: { type: Lightning.shaders.RoundedRectangle, radius: 8 },
        },
        Line: {
          y: 160,
          w: 700,
          h: 32,
          rect: true,
          color: COLOR.surface,
          shader: { type: Lightning.shaders.RoundedRectangle, radius: 8 },
        },
        Tiles: {
          y: 520,
          ...Object.fromEntries(
            [0, 1, 2, 3].map((i) => [
              `T${i}`,
              {
                x: i * (TILE.w + TILE.gap),
                w: TILE.w,
                h: TILE.h,
                rect: true,
                color: COLOR.surface,
                shader: { type: Lightning.shaders.RoundedRectangle, radius: 14 },
              },
            ]),
          ),
        },
      },
      Title: {
        x: STAGE.w / 2,
        y: 420,
        mountX: 0.5,
        text: { text: '', fontFace: FONT.bold, fontSize: TYPE.title, textColor: COLOR.text, textAlign: 'center' },
      },
      Body: {
        x: STAGE.w / 2,
        y: 500,
        mountX: 0.5,
        text: {
          text: '',
          fontFace: FONT.regular,
          fontSize: TYPE.body,
          textColor: COLOR.textDim,
          textAlign: 'center',
          wordWrapWidth: 1200,
        },
      },
      Retry: { type: Button, x: STAGE.w / 2, y: 600, mountX: 0.5, visible: false, buttonId: 'retry' },
    };
  }

  private pulse: Lightning.types.Animation | null = null;

  showLoading(): void {
    setTestId(this, 'status-loading');
    this.patch({ visible: true });
    const skeleton = this.tag('Skeleton');
    skeleton.visible = true;
    const pulse = (this.pulse ??= skeleton.animation({
      duration: 1.2,
      repeat: -1,
      actions: [{ p: 'alpha', v: { 0: 1, 0.5: 0.5, 1: 1 } }],
    }));
    pulse.start();
    // Read by voice guidance and tests; not drawn over the placeholder.
    this.tag('Title').patch({ visible: false });
    this.tag('Title').text.text = t('loading');
    this.tag('Body').text.text = '';
    this.tag('Retry').visible = false;
    this.onRetry = null;
  }

  showError(onRetry: () => void, title = t('error.title'), body = t('error.body')): void {
    setTestId(this, 'status-error');
    this.patch({ visible: true });
    this.stopSkeleton();
    this.tag('Title').visible = true;
    this.tag('Title').text.text = title;
    this.tag('Body').text.text = body;
    this.tag('Retry').patch({ visible: true, label: t('action.retry') });
    this.onRetry = onRetry;
  }

  /**
   * The placeholder stops pulsing where it is, still shown: while a page is drawn unseen behind
   * it, a pulse would redraw the whole screen every frame (on the CPU where the GPU is weak),
   * time taken from decoding the page's images.
   */
  holdStill(): void {
    this.pulse?.pause();
  }

  hide(): void {
    this.visible = false;
    this.onRetry = null;
    this.stopSkeleton();
  }

  private stopSkeleton(): void {
    this.pulse?.stop();
    this.tag('Skeleton').visible = false;
  }

  get hasError(): boolean {
    return this.onRetry !== null;
  }

  override _handleEnter(): void {
    this.onRetry?.();
  }

  override _getFocused(): Lightning.Component {
    return this.onRetry ? (this.tag('Retry') as Lightning.Component) : this;
  }
}
