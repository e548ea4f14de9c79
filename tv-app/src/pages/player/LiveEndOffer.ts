// The end of the live being watched. While a live plays this asks the catalog now and then
// whether the event is over (LiveEndWatcher); when it is, it tells the page `liveEnded` and
// shows « Le direct est terminé » over the player, and once the staff have published the
// replay, « Regarder le replay » (focused) and « Retour ». Until then only « Retour », with a
// word that the replay is coming. OK on « Regarder le replay » hands the page the replay to
// play (`playReplay`); on « Retour », `leave`.
import { Lightning } from '@lightningjs/sdk';
import type { Playable, Replay } from '../../../../shared/catalog/types.ts';
import { COLOR, FONT, STAGE, TYPE } from '../../ui/theme.ts';
import { setTestId } from '../../ui/test-id.ts';
import { ButtonRow } from '../../ui/components/ButtonRow.ts';
import { catalog } from '../../app/services.ts';
import { announce } from '../../app/voice-guidance.ts';
import { t } from '../../i18n/index.ts';
import { PLAYER_DEFAULTS } from '../../player/config.ts';
import { LiveEndWatcher, type LiveEndPhase } from '../../player/live-end.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

const W = 1000;

export class LiveEndOffer extends Lightning.Component<Loose> {
  private watcher: LiveEndWatcher | null = null;
  private phase: LiveEndPhase = { phase: 'live' };

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      x: STAGE.w / 2,
      y: STAGE.h / 2,
      mount: 0.5,
      w: W,
      h: 330,
      visible: false,
      Panel: {
        w: W,
        h: 330,
        rect: true,
        color: 0xf0101522,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 24 },
      },
      Title: {
        x: W / 2,
        y: 48,
        mountX: 0.5,
        text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.title, textColor: COLOR.text },
      },
      Body: {
        x: W / 2,
        y: 118,
        mountX: 0.5,
        text: { text: ' ', fontFace: FONT.regular, fontSize: TYPE.body, textColor: COLOR.textDim },
      },
      Buttons: { type: ButtonRow, x: W / 2, y: 196, rowId: 'live-ended', centred: true },
    };
  }

  override _init(): void {
    setTestId(this, 'player-live-ended');
    this.tag('Title').text.text = t('player.liveEnded');
  }

  override _detach(): void {
    this.stop();
  }

  private get buttons(): ButtonRow {
    return this.tag('Buttons') as ButtonRow;
  }

  /** What plays now: a live is watched for its end; anything else is not. */
  watch(playable: Playable): void {
    this.stop();
    this.phase = { phase: 'live' };
    this.visible = false;
    if (playable.kind !== 'live') return;
    this.watcher = new LiveEndWatcher({
      eventId: playable.event.id,
      fetchEvent: (id) => catalog.event(id),
      onChange: (phase) => this.show(phase),
      intervalMs: PLAYER_DEFAULTS.liveEndPollMs,
    });
    this.watcher.start();
  }

  stop(): void {
    this.watcher?.stop();
    this.watcher = null;
  }

  private show(phase: LiveEndPhase): void {
    this.phase = phase;
    const replayReady = phase.phase === 'published';
    this.tag('Body').text.text = replayReady ? t('player.replayReady') : t('player.replaySoon');
    this.buttons.patch({
      buttons: [
        ...(replayReady ? [{ id: 'watch-replay', label: t('action.watchReplay') }] : []),
        { id: 'live-ended-back', label: t('action.back') },
      ],
    });
    // The first button has the focus: « Regarder le replay » once it is out.
    this.buttons.setFocusIndex(0);
    this.visible = true;
    announce([t('player.liveEnded'), replayReady ? t('player.replayReady') : t('player.replaySoon')].join('. '));
    this.signal('liveEnded');
    // Already the page's focus when the replay comes out: its buttons were re-created under it.
    this._refocus();
  }

  /** « Regarder le replay »: the page plays it (Back still goes where the live came from). */
  private async openReplay(): Promise<void> {
    const phase = this.phase;
    if (phase.phase !== 'published') return;
    let replay: Replay;
    try {
      replay = await catalog.replay(phase.replayId);
    } catch {
      return; // Not reachable right now: the offer stays, OK tries again.
    }
    if (this.phase === phase) this.signal('playReplay', replay);
  }

  override _handleLeft(): void {
    this.buttons.setFocusIndex(0);
    this._refocus();
  }

  override _handleRight(): void {
    this.buttons.setFocusIndex(Math.max(0, this.buttons.length - 1));
    this._refocus();
  }

  override _handleEnter(): void {
    if (this.buttons.focusedButton?.id === 'watch-replay') void this.openReplay();
    else this.signal('leave');
  }

  override _getFocused(): Lightning.Component {
    return this.buttons;
  }
}
