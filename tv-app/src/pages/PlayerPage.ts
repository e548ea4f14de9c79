// Full-screen playback. The <video> shows through the transparent canvas; over it an
// overlay with the badge (DIRECT / EN DIFFÉRÉ / REPLAY), the title, the progress bar and
// times, fading while the picture plays and back at any key. Left/Right seek, Up returns
// to live, Down opens the audio and subtitle choices, OK pauses; errors offer Réessayer.
import { Lightning } from '@lightningjs/sdk';
import type { Playable } from '../../../shared/catalog/types.ts';
import { COLOR, FONT, SAFE, STAGE, TYPE, assetUrl } from '../ui/theme.ts';
import { catalog, player, preferences } from '../app/services.ts';
import { t } from '../i18n/index.ts';
import { setTestId } from '../ui/test-id.ts';
import { announce } from '../app/voice-guidance.ts';
import { ButtonRow } from '../ui/components/ButtonRow.ts';
import { FocusGrid } from '../navigation/focus-grid.ts';
import { PLAYER_DEFAULTS } from '../player/config.ts';
import { timeline } from '../player/timeline.ts';
import { audioOptions, subtitleOptions, type TrackOption } from '../player/tracks.ts';
import type { PlayerSnapshot } from '../player/hls-player.ts';
import type { Navigator } from '../app/routes.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

const BAR_W = STAGE.w - 2 * SAFE.x;

export function playbackOf(playable: Playable): { url: string; live: boolean; title: string; id: string; kind: Playable['kind'] } {
  switch (playable.kind) {
    case 'live':
      return { url: playable.event.playbackUrl ?? '', live: true, title: playable.event.title, id: playable.event.id, kind: 'live' };
    case 'replay':
      return { url: playable.replay.playbackUrl, live: false, title: playable.replay.title, id: playable.replay.id, kind: 'replay' };
    case 'highlight':
      return { url: playable.highlight.playbackUrl, live: false, title: playable.highlight.title, id: playable.highlight.id, kind: 'highlight' };
  }
}

export interface PlayerRoute {
  playable: Playable;
  startPosition?: number;
  /** Played next, in order, when this one ends and "lecture auto du résumé suivant" is on. */
  next?: Playable[];
}

type Mode = 'watch' | 'tracks' | 'error';

export class PlayerPage extends Lightning.Component<Loose> {
  /** The page shows the video: the App hides its opaque background under it. */
  readonly showsVideo = true;
  private playable: Playable | null = null;
  private queue: Playable[] = [];
  private unsubscribe: (() => void) | null = null;
  private hideTimer: ReturnType<typeof setTimeout> | null = null;
  private clockTimer: ReturnType<typeof setInterval> | null = null;
  private navigator!: Navigator;
  private mode: Mode = 'watch';
  private readonly trackGrid = new FocusGrid();
  private audio: TrackOption[] = [];
  private subtitles: TrackOption[] = [];

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w, h: STAGE.h,
      Overlay: {
        w: STAGE.w, h: STAGE.h,
        Top: { w: STAGE.w, h: 280, rect: true, colorTop: 0xcc000000, colorBottom: 0x00000000 },
        Bottom: { y: STAGE.h - 360, w: STAGE.w, h: 360, rect: true, colorTop: 0x00000000, colorBottom: 0xdd000000 },
        Badge: {
          x: SAFE.x, y: SAFE.y, rect: true, color: COLOR.live,
          flex: { paddingLeft: 14, paddingRight: 14, paddingTop: 4, paddingBottom: 4 },
          shader: { type: Lightning.shaders.RoundedRectangle, radius: 6 },
          Label: { text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.caption, textColor: COLOR.text } },
        },
        // The event's sponsor, discreet, top right (hidden during ad breaks).
        Sponsor: { x: STAGE.w - SAFE.x, y: SAFE.y, mountX: 1, w: 160, h: 90, alpha: 0.85, visible: false },
        Title: { x: SAFE.x, y: SAFE.y + 56, text: { text: '', fontFace: FONT.bold, fontSize: TYPE.title, textColor: COLOR.text, wordWrapWidth: BAR_W, maxLines: 1, textOverflow: 'ellipsis' } },
        State: { x: STAGE.w / 2, y: STAGE.h / 2, mount: 0.5, text: { text: ' ', fontFace: FONT.semibold, fontSize: TYPE.title, textColor: COLOR.text } },
        Progress: {
          x: SAFE.x, y: STAGE.h - SAFE.y - 150,
          Track: { w: BAR_W, h: 10, rect: true, color: 0x55ffffff, shader: { type: Lightning.shaders.RoundedRectangle, radius: 5 } },
          Bar: { w: 0, h: 10, rect: true, color: COLOR.live, shader: { type: Lightning.shaders.RoundedRectangle, radius: 5 } },
          Knob: { y: 5, w: 26, h: 26, mount: 0.5, rect: true, color: COLOR.text, shader: { type: Lightning.shaders.RoundedRectangle, radius: 13 } },
          Elapsed: { y: 28, text: { text: ' ', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text } },
          Total: { x: BAR_W, y: 28, mountX: 1, text: { text: ' ', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text } },
          Hints: { y: 86, text: { text: ' ', fontFace: FONT.regular, fontSize: TYPE.caption, textColor: COLOR.textDim } },
        },
      },
      Tracks: {
        x: SAFE.x, y: STAGE.h - SAFE.y - 330, visible: false,
        Panel: { x: -40, y: -30, w: BAR_W + 80, h: 330, rect: true, color: 0xe6101522, shader: { type: Lightning.shaders.RoundedRectangle, radius: 20 } },
        AudioLabel: { y: 16, text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
        Audio: { type: ButtonRow, x: 300, y: 0, rowId: 'audio' },
        SubtitlesLabel: { y: 136, text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
        Subtitles: { type: ButtonRow, x: 300, y: 120, rowId: 'subtitles' },
      },
      // Ad breaks: "Publicité · 12 s", always shown while a spot plays, whatever the overlay does.
      Ad: {
        x: STAGE.w - SAFE.x, y: SAFE.y, mountX: 1, rect: true, color: 0xe6f2b705, visible: false,
        flex: { paddingLeft: 18, paddingRight: 18, paddingTop: 6, paddingBottom: 6 },
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 8 },
        Label: { text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.body, textColor: 0xff101522 } },
      },
      Retry: { type: ButtonRow, x: STAGE.w / 2 - 130, y: STAGE.h / 2 + 70, rowId: 'player-error', visible: false },
    };
  }

  set nav(navigator: Navigator) {
    this.navigator = navigator;
  }

  set route({ playable, startPosition, next }: PlayerRoute) {
    this.queue = next ?? [];
    this.play(playable, startPosition);
  }

  private play(playable: Playable, startPosition?: number): void {
    this.playable = playable;
    const source = playbackOf(playable);
    this.tag('Title').text.text = source.title;
    setTestId(this.tag('Title'), 'player-title');
    void player.load({ url: source.url, live: source.live, contentId: source.id, startPosition });
    void this.showSponsor(playable);
    this.render();
  }

  /** The sponsor the staff chose for the event (a replay shows its event's). */
  private async showSponsor(playable: Playable): Promise<void> {
    const logo = this.tag('Overlay.Sponsor');
    logo.visible = false;
    try {
      const sponsorId = playable.kind === 'live' ? playable.event.sponsorId : playable.kind === 'replay' ? (await catalog.event(playable.replay.eventId)).sponsorId : undefined;
      const sponsor = sponsorId ? (await catalog.sponsors()).find((s) => s.id === sponsorId) : undefined;
      if (!sponsor?.logo || this.playable !== playable) return;
      logo.patch({ src: assetUrl(sponsor.logo), visible: true });
      setTestId(logo, `player-sponsor-${sponsor.id}`);
    } catch {
      // No sponsor logo is better than an error over the picture.
    }
  }

  override _init(): void {
    setTestId(this, 'player');
    this.tag('AudioLabel').text.text = t('player.audio');
    this.tag('SubtitlesLabel').text.text = t('player.subtitles');
    (this.tag('Retry') as ButtonRow).patch({ buttons: [{ id: 'player-retry', label: t('action.retry') }] });
  }

  override _attach(): void {
    this.unsubscribe = player.subscribe(() => this.render());
    // The clock and the progress bar move on their own while the overlay is up.
    this.clockTimer = setInterval(() => this.render(), 1000);
    this.render();
  }

  override _detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.hideTimer) clearTimeout(this.hideTimer);
    if (this.clockTimer) clearInterval(this.clockTimer);
  }

  private render(): void {
    const snap = player.snapshot();
    this.renderState(snap);
    this.renderTimeline(snap);
    this.renderTracks(snap);
    this.renderAd(snap);
    if (snap.state === 'ended') this.onEnded();
  }

  private lastState: PlayerSnapshot['state'] | null = null;

  private renderState(snap: PlayerSnapshot): void {
    const label: Record<PlayerSnapshot['state'], string> = {
      idle: '', loading: t('player.loading'), buffering: t('player.loading'), playing: '',
      paused: t('player.paused'), reconnecting: t('player.reconnecting'), ended: '', error: t('error.playback'),
    };
    const text = label[snap.state];
    this.tag('State').patch({ visible: text !== '', text: { text: text || ' ' } });
    // Tests read the state from the inspector mirror: player-state-playing, …-reconnecting.
    setTestId(this.tag('State'), `player-state-${snap.state}`);
    if (snap.state !== this.lastState) {
      this.lastState = snap.state;
      // Voice guidance says what the picture does not: paused, reconnecting, failed.
      if (snap.state === 'paused' || snap.state === 'reconnecting' || snap.state === 'error') announce(text);
      this.showOverlay();
      if (snap.state === 'error' && this.mode !== 'error') this.setMode('error');
      if (snap.state !== 'error' && this.mode === 'error') this.setMode('watch');
    }
  }

  private renderAd(snap: PlayerSnapshot): void {
    const ad = this.tag('Ad');
    const view = snap.ad;
    ad.visible = view !== null;
    this.tag('Overlay.Sponsor').alpha = view ? 0 : 0.85;
    if (!view) return;
    const seconds = view.remaining;
    ad.tag('Label').text.text = view.count > 1 ? t('player.adOf', { index: view.index, count: view.count, seconds }) : t('player.ad', { seconds });
    setTestId(ad, 'player-ad');
  }

  private renderTimeline(snap: PlayerSnapshot): void {
    const line = timeline(snap, t('badge.live'));
    const kind = this.playable?.kind;
    const badge = this.tag('Badge');
    const badgeText = snap.live ? (line.atLiveEdge ? t('badge.live') : t('badge.delayed')) : kind === 'highlight' ? t('badge.highlight') : t('badge.replay');
    badge.color = snap.live && line.atLiveEdge ? COLOR.live : 0xcc333a4d;
    badge.tag('Label').text.text = badgeText;
    setTestId(badge, 'player-badge');
    this.tag('Progress.Bar').w = BAR_W * line.progress;
    this.tag('Progress.Knob').x = BAR_W * line.progress;
    this.tag('Progress.Elapsed').text.text = line.elapsed || ' ';
    this.tag('Progress.Total').text.text = line.total || ' ';
    setTestId(this.tag('Progress.Elapsed'), 'player-elapsed');
    this.tag('Progress.Hints').text.text = snap.live ? t('player.hintsLive') : t('player.hintsVod');
  }

  private renderTracks(snap: PlayerSnapshot): void {
    this.audio = audioOptions(snap.audioTracks, snap.audioTrack);
    this.subtitles = subtitleOptions(snap.subtitleTracks, snap.subtitleTrack, t('player.subtitlesOff'));
    const label = (o: TrackOption) => (o.selected ? `✓ ${o.label}` : o.label);
    const audioRow = this.tag('Audio') as ButtonRow;
    const subsRow = this.tag('Subtitles') as ButtonRow;
    const audioButtons = this.audio.map((o) => ({ id: `audio-${o.index}`, label: label(o) }));
    const subButtons = this.subtitles.map((o) => ({ id: `subtitles-${o.index}`, label: label(o) }));
    // Rebuild only on change: the buttons are re-created otherwise every second.
    if (JSON.stringify(audioRow.buttons) !== JSON.stringify(audioButtons)) audioRow.patch({ buttons: audioButtons });
    if (JSON.stringify(subsRow.buttons) !== JSON.stringify(subButtons)) subsRow.patch({ buttons: subButtons });
    this.trackGrid.setRows([{ id: 'audio', length: this.audio.length }, { id: 'subtitles', length: this.subtitles.length }]);
    this.applyTrackFocus();
  }

  private applyTrackFocus(): void {
    const focus = this.trackGrid.focused;
    if (!focus) return;
    (this.tag(focus.rowId === 'audio' ? 'Audio' : 'Subtitles') as ButtonRow).setFocusIndex(focus.col);
    this._refocus();
  }

  /** A highlight that ends plays the next one when the viewer wants it; otherwise stay. */
  private onEnded(): void {
    const next = this.queue[0];
    if (!next || !preferences.get().autoplayNextHighlight || this.playable?.kind !== 'highlight') return;
    this.queue = this.queue.slice(1);
    this.play(next);
  }

  private setMode(mode: Mode): void {
    this.mode = mode;
    this.tag('Tracks').visible = mode === 'tracks';
    this.tag('Retry').visible = mode === 'error';
    this.tag('Progress').visible = mode === 'watch';
    if (mode === 'tracks') {
      // Open on the row's current choice.
      this.trackGrid.focus('audio', Math.max(0, this.audio.findIndex((o) => o.selected)));
      this.trackGrid.focus('subtitles', Math.max(0, this.subtitles.findIndex((o) => o.selected)));
      this.trackGrid.focus('audio');
      this.applyTrackFocus();
    }
    this.showOverlay();
    this._refocus();
  }

  private showOverlay(): void {
    const overlay = this.tag('Overlay');
    overlay.setSmooth('alpha', 1, { duration: 0.2 });
    if (this.hideTimer) clearTimeout(this.hideTimer);
    const sticky = this.mode !== 'watch' || player.state !== 'playing';
    this.hideTimer = sticky ? null : setTimeout(() => overlay.setSmooth('alpha', 0, { duration: 0.5 }), PLAYER_DEFAULTS.overlayHideMs);
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

  // ---- keys -------------------------------------------------------------------------

  override _handleEnter(): void {
    if (this.mode === 'error') {
      void player.retry();
      return;
    }
    if (this.mode === 'tracks') {
      const focus = this.trackGrid.focused;
      if (focus?.rowId === 'audio') player.setAudioTrack(this.audio[focus.col]?.index ?? 0);
      if (focus?.rowId === 'subtitles') player.setSubtitleTrack(this.subtitles[focus.col]?.index ?? -1);
      return;
    }
    player.togglePause();
    this.showOverlay();
  }
  _handlePlayPause(): void {
    player.togglePause();
    this.showOverlay();
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
    player.seekBy(PLAYER_DEFAULTS.fastSeekStep);
    this.showOverlay();
  }
  _handleRewind(): void {
    player.seekBy(-PLAYER_DEFAULTS.fastSeekStep);
    this.showOverlay();
  }
  override _handleLeft(): void {
    if (this.mode === 'tracks') return this.moveTrackFocus('left');
    if (this.mode === 'watch') player.seekBy(-PLAYER_DEFAULTS.seekStep);
    this.showOverlay();
  }
  override _handleRight(): void {
    if (this.mode === 'tracks') return this.moveTrackFocus('right');
    if (this.mode === 'watch') player.seekBy(PLAYER_DEFAULTS.seekStep);
    this.showOverlay();
  }
  override _handleUp(): void {
    if (this.mode === 'tracks') {
      if (!this.trackGrid.move('up')) this.setMode('watch');
      else this.applyTrackFocus();
      return;
    }
    if (this.mode === 'watch' && player.isLive) player.seekToLive();
    this.showOverlay();
  }
  override _handleDown(): void {
    if (this.mode === 'tracks') {
      this.trackGrid.move('down');
      this.applyTrackFocus();
      return;
    }
    if (this.mode === 'watch' && (this.audio.length > 1 || this.subtitles.length > 1)) this.setMode('tracks');
    this.showOverlay();
  }
  /** Back closes the track panel first; otherwise the App leaves the player. */
  override _handleBack(): boolean | void {
    if (this.mode === 'tracks') {
      this.setMode('watch');
      return;
    }
    return false;
  }

  private moveTrackFocus(direction: 'left' | 'right'): void {
    this.trackGrid.move(direction);
    this.applyTrackFocus();
  }

  override _getFocused(): Lightning.Component | undefined {
    if (this.mode === 'error') return this.tag('Retry') as ButtonRow;
    if (this.mode === 'tracks') {
      const focus = this.trackGrid.focused;
      return this.tag(focus?.rowId === 'subtitles' ? 'Subtitles' : 'Audio') as ButtonRow;
    }
    return this;
  }
}
