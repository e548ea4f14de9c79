// A modal question with buttons (the quit confirmation): the page behind is dimmed,
// focus stays inside until a choice or Back.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, STAGE, TYPE } from '../theme.ts';
import { ButtonRow, type ButtonSpec } from './ButtonRow.ts';
import { setTestId } from '../test-id.ts';
import { announce } from '../../app/voice-guidance.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export class Dialog extends Lightning.Component<Loose> {
  private onChoice: ((id: string | null) => void) | null = null;
  private index = 0;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w,
      h: STAGE.h,
      visible: false,
      Scrim: { w: STAGE.w, h: STAGE.h, rect: true, color: COLOR.scrim },
      Box: {
        x: STAGE.w / 2,
        y: STAGE.h / 2,
        mount: 0.5,
        w: 900,
        h: 340,
        rect: true,
        color: COLOR.surface,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 24 },
        Title: {
          x: 450,
          y: 70,
          mountX: 0.5,
          text: { text: '', fontFace: FONT.bold, fontSize: TYPE.title, textColor: COLOR.text },
        },
        Buttons: { type: ButtonRow, x: 140, y: 190, rowId: 'dialog' },
      },
    };
  }

  get isOpen(): boolean {
    return this.onChoice !== null;
  }

  open(title: string, buttons: ButtonSpec[], onChoice: (id: string | null) => void): void {
    setTestId(this, 'dialog');
    this.tag('Title').text.text = title;
    (this.tag('Buttons') as ButtonRow).patch({ buttons });
    this.index = 0;
    (this.tag('Buttons') as ButtonRow).setFocusIndex(0);
    this.onChoice = onChoice;
    this.visible = true;
    announce(title);
  }

  private close(choice: string | null): void {
    const callback = this.onChoice;
    this.onChoice = null;
    this.visible = false;
    callback?.(choice);
  }

  override _handleLeft(): void {
    this.index = Math.max(0, this.index - 1);
    (this.tag('Buttons') as ButtonRow).setFocusIndex(this.index);
    this._refocus();
  }
  override _handleRight(): void {
    const row = this.tag('Buttons') as ButtonRow;
    this.index = Math.min(row.length - 1, this.index + 1);
    row.setFocusIndex(this.index);
    this._refocus();
  }
  override _handleUp(): void {}
  override _handleDown(): void {}
  override _handleEnter(): void {
    this.close((this.tag('Buttons') as ButtonRow).focusedButton?.id ?? null);
  }
  override _handleBack(): void {
    this.close(null);
  }

  override _getFocused(): Lightning.Component {
    return this.tag('Buttons') as ButtonRow;
  }
}
