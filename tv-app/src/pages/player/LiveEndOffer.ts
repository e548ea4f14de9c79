// Over the player when the live being watched is over: « Le direct est terminé », and once the
// staff have published the replay, « Regarder le replay » (focused) and « Retour ». Until then
// only « Retour », with a word that the replay is coming.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, STAGE, TYPE } from '../theme.ts';
import { t } from '../../i18n/index.ts';
import { setTestId } from '../test-id.ts';
import { ButtonRow } from './ButtonRow.ts';
import type { LiveEndPhase } from '../../player/live-end.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export type LiveEndChoice = 'watch-replay' | 'live-ended-back';

const W = 1000;

export class LiveEndOffer extends Lightning.Component<Loose> {
  private replayReady = false;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      x: STAGE.w / 2, y: STAGE.h / 2, mount: 0.5, w: W, h: 330, visible: false,
      Panel: { w: W, h: 330, rect: true, color: 0xf0101522, shader: { type: Lightning.shaders.RoundedRectangle, radius: 24 } },
      Title: { x: W / 2, y: 48, mountX: 0.5, text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.title, textColor: COLOR.text } },
      Body: { x: W / 2, y: 118, mountX: 0.5, text: { text: ' ', fontFace: FONT.regular, fontSize: TYPE.body, textColor: COLOR.textDim } },
      Buttons: { type: ButtonRow, x: W / 2, y: 196, rowId: 'live-ended', centred: true },
    };
  }

  override _init(): void {
    setTestId(this, 'player-live-ended');
    this.tag('Title').text.text = t('player.liveEnded');
  }

  /** The phase to show ('live' hides the offer). */
  show(phase: LiveEndPhase): void {
    this.visible = phase.phase !== 'live';
    this.replayReady = phase.phase === 'published';
    this.tag('Body').text.text = this.replayReady ? t('player.replayReady') : t('player.replaySoon');
    const row = this.tag('Buttons') as ButtonRow;
    row.patch({
      buttons: [
        ...(this.replayReady ? [{ id: 'watch-replay', label: t('action.watchReplay') }] : []),
        { id: 'live-ended-back', label: t('action.back') },
      ],
    });
    row.setFocusIndex(0);
  }

  get choice(): LiveEndChoice {
    return ((this.tag('Buttons') as ButtonRow).focusedButton?.id ?? 'live-ended-back') as LiveEndChoice;
  }

  override _handleLeft(): void {
    (this.tag('Buttons') as ButtonRow).setFocusIndex(0);
    this._refocus();
  }

  override _handleRight(): void {
    const row = this.tag('Buttons') as ButtonRow;
    row.setFocusIndex(Math.max(0, row.length - 1));
    this._refocus();
  }

  override _getFocused(): Lightning.Component | undefined {
    return this.tag('Buttons') as ButtonRow;
  }
}
