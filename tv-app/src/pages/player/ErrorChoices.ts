// The error screen's choices, centred under the overlay's « La lecture a échoué »: « Réessayer »
// (focused) restarts the programme where it was, « Retour » tells the page `leave`.
import { Lightning } from '@lightningjs/sdk';
import { STAGE } from '../../ui/theme.ts';
import { ButtonRow } from '../../ui/components/ButtonRow.ts';
import { player } from '../../app/services.ts';
import { t } from '../../i18n/index.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export class ErrorChoices extends Lightning.Component<Loose> {
  static override _template(): Lightning.Component.Template<Loose> {
    return {
      x: STAGE.w / 2,
      y: STAGE.h / 2 + 70,
      visible: false,
      Row: { type: ButtonRow, rowId: 'player-error', centred: true },
    };
  }

  override _init(): void {
    this.row.patch({
      buttons: [
        { id: 'player-retry', label: t('action.retry') },
        { id: 'player-back', label: t('action.back') },
      ],
    });
  }

  private get row(): ButtonRow {
    return this.tag('Row') as ButtonRow;
  }

  open(): void {
    this.visible = true;
    this.choose(0);
  }

  close(): void {
    this.visible = false;
  }

  /** 0 = « Réessayer », 1 = « Retour ». */
  private choose(index: number): void {
    this.row.setFocusIndex(index);
    this._refocus();
  }

  override _handleLeft(): void {
    this.choose(0);
  }
  override _handleRight(): void {
    this.choose(1);
  }
  override _handleEnter(): void {
    if (this.row.focusedButton?.id === 'player-back') this.signal('leave');
    else void player.retry();
  }

  override _getFocused(): Lightning.Component {
    return this.row;
  }
}
