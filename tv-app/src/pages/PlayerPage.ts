// Full-screen playback: the <video> shows through the transparent canvas; an overlay
// with the title and the player state fades out while the picture plays.
import { Lightning } from '@lightningjs/sdk';
import type { Playable } from '../../../shared/catalog/types.ts';
import { COLOR, FONT, SAFE, STAGE, TYPE } from '../ui/theme.ts';
import { player, preferences } from '../app/services.ts';
import { t } from '../i18n/index.ts';
import { setTestId } from '../ui/test-id.ts';
import type { PlayerSnapshot } from '../player/player-state.ts';
import type { Navigator } from '../app/routes.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export function playbackOf(playable: Playable): { url: string; live: boolean; title: string; id: string } {
  switch (playable.kind) {
    case 'live':
      return { url: playable.event.playbackUrl ?? '', live: true, title: playable.event.title, id: playable.event.id };
    case 'replay':
      return { url: playable.replay.playbackUrl, live: false, title: playable.replay.title, id: playable.replay.id };
    case 'highlight':
      return { url: playable.highlight.playbackUrl, live: false, title: playable.highlight.title, id: playable.highlight.id };
  }
}

export class PlayerPage extends Lightning.Component<Loose> {
  /** The page shows the video: the App hides its opaque background under it. */
  readonly showsVideo = true;
  private playable: Playable | null = null;
  private unsubscribe: (() => void) | null = null;
  private hideTimer: ReturnType<typeof setTimeout> | null = null;
  private navigator!: Navigator;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w, h: STAGE.h,
      Overlay: {
        w: STAGE.w, h: STAGE.h,
        Top: {
          w: STAGE.w, h: 260, rect: true,
          colorTop: 0xcc000000, colorBottom: 0x00000000,
        },
        Badge: {
          x: SAFE.x, y: SAFE.y, h: 44, w: 130, rect: true, color: COLOR.live, visible: false,
          shader: { type: Lightning.shaders.RoundedRectangle, radius: 6 },
          Label: { x: 65, y: 24, mount: 0.5, text: { text: t('badge.live'), fontFace: FONT.bold, fontSize: 26, textColor: COLOR.text } },
        },
        Title: { x: SAFE.x, y: SAFE.y + 60, text: { text: '', fontFace: FONT.bold, fontSize: TYPE.title, textColor: COLOR.text, wordWrapWidth: STAGE.w - 2 * SAFE.x, maxLines: 1, textOverflow: 'ellipsis' } },
        State: { x: STAGE.w / 2, y: STAGE.h / 2, mount: 0.5, text: { text: '', fontFace: FONT.semibold, fontSize: TYPE.title, textColor: COLOR.text } },
      },
    };
  }

  set nav(navigator: Navigator) {
    this.navigator = navigator;
  }

  set route({ playable, startPosition }: { playable: Playable; startPosition?: number }) {
    this.playable = playable;
    const source = playbackOf(playable);
    this.tag('Title').text.text = source.title;
    this.tag('Badge').visible = source.live;
    void player.load({ url: source.url, live: source.live, startPosition });
  }

  override _init(): void {
    setTestId(this, 'player');
  }

  override _attach(): void {
    this.unsubscribe = player.machine.subscribe((s) => this.render(s));
    this.render({ state: player.state, error: player.machine.error });
  }

  override _detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.hideTimer) clearTimeout(this.hideTimer);
  }

  private render(snapshot: PlayerSnapshot): void {
    const label: Record<PlayerSnapshot['state'], string> = {
      idle: '', loading: t('player.loading'), buffering: t('player.loading'), playing: '',
      paused: t('player.paused'), ended: '', error: t('error.playback'),
    };
    const text = label[snapshot.state];
    this.tag('State').patch({ visible: text !== '', text: { text: text || ' ' } });
    // Tests read the state from the inspector mirror: player-playing, player-error…
    setTestId(this.tag('State'), `player-state-${snapshot.state}`);
    this.showOverlay(snapshot.state !== 'playing');
  }

  private showOverlay(sticky: boolean): void {
    const overlay = this.tag('Overlay');
    overlay.setSmooth('alpha', 1, { duration: 0.2 });
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.hideTimer = sticky ? null : setTimeout(() => overlay.setSmooth('alpha', 0, { duration: 0.5 }), 4000);
  }

  /** Stops playback and remembers where a replay stopped (for "Reprendre"). */
  stop(): void {
    const duration = player.duration;
    const position = player.stop();
    const p = this.playable;
    if (p && p.kind !== 'live') {
      const id = p.kind === 'replay' ? p.replay.id : p.highlight.id;
      preferences.saveResume({ id, kind: p.kind, position, duration: duration || (p.kind === 'replay' ? p.replay.duration : p.highlight.duration) });
    }
  }

  override _handleEnter(): void {
    if (player.state === 'error') void player.retry();
    else player.togglePause();
    this.showOverlay(false);
  }
  _handlePlayPause(): void {
    player.togglePause();
  }
  _handlePlay(): void {
    if (player.state === 'paused') player.togglePause();
  }
  _handlePause(): void {
    if (player.state === 'playing') player.togglePause();
  }
  _handleStop(): void {
    this.navigator.back();
  }
  _handleFastForward(): void {
    if (!player.isLive) player.seekBy(30);
    this.showOverlay(false);
  }
  _handleRewind(): void {
    player.seekBy(-10);
    this.showOverlay(false);
  }
  override _handleLeft(): void {
    this._handleRewind();
  }
  override _handleRight(): void {
    this._handleFastForward();
  }
  override _handleUp(): void {
    this.showOverlay(false);
  }
  override _handleDown(): void {
    this.showOverlay(false);
  }
}
