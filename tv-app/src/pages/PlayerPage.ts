// Full-screen playback. The <video> shows through the transparent canvas; over it the page
// composes the player's parts, each owning what it shows and its keys (pages/player/):
//   PlayerOverlay   badge, title, chapter, words over the picture, the bar; the keys of watching
//                   (OK pause, ◀ ▶ ⏪ ⏩ seek, ▲ live edge or chapters, ▼ tracks, P+ / P− chapters)
//     SeekPreview   a held ◀ ▶: the preview of the target time, one seek when the keys settle
//                   (OK seeks at once, Back cancels)
//   TracksPanel     ▼: audio, subtitles, quality
//   ChaptersPanel   ▲ on a replay with chapters: the list, OK plays from a chapter
//   ErrorChoices    a failure: « Réessayer » / « Retour »
//   LiveEndOffer    a live that ends: « Le direct est terminé », then « Regarder le replay »
//   DebugOverlay    hidden; a code on the remote (0 5 7 9) shows latency, buffer, bitrate and
//                   dropped frames over whatever is open (it never takes the focus: the page
//                   hands it every key)
// The parts act on the player themselves (pause, seek, tracks, retry); what changes the screen
// (open, close, the end of a live, leaving) they signal to the page. The page's own part is
// which of them has the keys: one Lightning state each (Watching, Tracks, Chapters, Failed,
// Ended), switched by those signals and the player's state. It also holds the programme and
// its queue, keeps the overlay up at any key, and takes the media keys (play/pause, stop),
// which act whatever is open.
import { Lightning } from '@lightningjs/sdk';
import type { Playable, Replay } from '../../../shared/catalog/types.ts';
import { STAGE } from '../ui/theme.ts';
import { setTestId } from '../ui/test-id.ts';
import { state } from '../ui/state.ts';
import { catalog, player, preferences } from '../app/services.ts';
import type { Navigator } from '../app/routes.ts';
import { playbackOf } from '../player/playable.ts';
import { renewedPlaybackUrl } from '../player/renew-playback.ts';
import { autoplayNext, playbackExtras, resumePointOf } from '../player/now-playing.ts';
import { PlayerOverlay } from './player/PlayerOverlay.ts';
import { TracksPanel } from './player/TracksPanel.ts';
import { ChaptersPanel } from './player/ChaptersPanel.ts';
import { ErrorChoices } from './player/ErrorChoices.ts';
import { LiveEndOffer } from './player/LiveEndOffer.ts';
import { DebugOverlay } from './player/DebugOverlay.ts';
import { keyNameOf } from '../platform/platform.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export interface PlayerRoute {
  playable: Playable;
  startPosition?: number;
  /** A live from its event's start (« Depuis le début »), as far as the live window goes. */
  startOver?: boolean;
  /** Played next, in order, when this one ends and "lecture auto du résumé suivant" is on. */
  next?: Playable[];
}

export class PlayerPage extends Lightning.Component<Loose> {
  /** The page shows the video: the App hides its opaque background under it. */
  readonly showsVideo = true;
  private navigator!: Navigator;
  private playable: Playable | null = null;
  private queue: Playable[] = [];
  private unsubscribe: (() => void) | null = null;
  private clockTimer: ReturnType<typeof setInterval> | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    // Drawn in this order: the panels and screens over the overlay.
    return {
      w: STAGE.w,
      h: STAGE.h,
      Overlay: { type: PlayerOverlay, signals: { openChapters: true, openTracks: true } },
      Chapters: { type: ChaptersPanel, signals: { chapterChosen: true, closed: 'closePanel' } },
      LiveEnd: { type: LiveEndOffer, signals: { liveEnded: true, playReplay: true, leave: true } },
      Tracks: { type: TracksPanel, signals: { closed: 'closePanel' } },
      Error: { type: ErrorChoices, signals: { leave: true } },
      Debug: { type: DebugOverlay },
    };
  }

  /** Which part has the keys. A panel or screen over the bar covers it (the overlay stays up). */
  static override _states(): Lightning.Component.Constructor[] {
    return [
      state(
        'Watching',
        class Watching extends this {
          override $enter(): void {
            this.overlay.cover(false);
          }
          override _getFocused(): Lightning.Component {
            return this.overlay;
          }
        },
      ),
      state(
        'Tracks',
        class Tracks extends this {
          override $enter(): void {
            this.overlay.cover(true);
            this.tracks.open();
          }
          override $exit(): void {
            this.tracks.close();
          }
          override _getFocused(): Lightning.Component {
            return this.tracks;
          }
        },
      ),
      state(
        'Chapters',
        class Chapters extends this {
          override $enter(): void {
            this.overlay.cover(true);
            this.chapters.open(player.currentTime);
          }
          override $exit(): void {
            this.chapters.close();
          }
          override _getFocused(): Lightning.Component {
            return this.chapters;
          }
        },
      ),
      state(
        'Failed',
        class Failed extends this {
          override $enter(): void {
            this.overlay.cover(true);
            this.errorChoices.open();
          }
          override $exit(): void {
            this.errorChoices.close();
          }
          override _getFocused(): Lightning.Component {
            return this.errorChoices;
          }
          override playerFailed(): void {}
          /** Réessayer worked (or the player recovered on its own): back to the picture. */
          override playerRecovered(): void {
            this._setState('Watching');
          }
        },
      ),
      state(
        'Ended',
        class Ended extends this {
          override $enter(): void {
            this.overlay.cover(true);
            this.overlay.setEnded(true);
          }
          override $exit(): void {
            this.overlay.setEnded(false);
          }
          override _getFocused(): Lightning.Component {
            return this.liveEnd;
          }
          /** The end of a live is final: the stream failing as it stops does not replace the offer. */
          override playerFailed(): void {}
        },
      ),
    ];
  }

  set nav(navigator: Navigator) {
    this.navigator = navigator;
  }

  set route({ playable, startPosition, next, startOver }: PlayerRoute) {
    this.queue = next ?? [];
    // « Depuis le début »: the live from when the event started (the player maps the date).
    const startDate =
      startOver && playable.kind === 'live' ? new Date(playable.event.startedAt ?? playable.event.startsAt) : undefined;
    this.play(playable, startPosition, startDate);
  }

  private get overlay(): PlayerOverlay {
    return this.tag('Overlay') as PlayerOverlay;
  }
  private get tracks(): TracksPanel {
    return this.tag('Tracks') as TracksPanel;
  }
  private get chapters(): ChaptersPanel {
    return this.tag('Chapters') as ChaptersPanel;
  }
  private get errorChoices(): ErrorChoices {
    return this.tag('Error') as ErrorChoices;
  }
  private get liveEnd(): LiveEndOffer {
    return this.tag('LiveEnd') as LiveEndOffer;
  }

  private play(playable: Playable, startPosition?: number, startDate?: Date): void {
    this.playable = playable;
    const source = playbackOf(playable);
    const extras = playbackExtras(playable);
    this.overlay.show(playable, extras);
    this.chapters.setChapters(extras.chapters);
    this.liveEnd.watch(playable);
    this._setState('Watching');
    void player.load({
      url: source.url,
      live: source.live,
      contentId: source.id,
      startPosition,
      startDate,
      // A signed URL expires: the catalog signs a fresh one for the same item (access-renewal.ts).
      renew: () => renewedPlaybackUrl(catalog, playable),
    });
    this.render();
  }

  /** Stops playback and remembers where a replay stopped (for "Reprendre"). */
  stop(): void {
    this.overlay.stop();
    this.liveEnd.stop();
    const duration = player.duration;
    const position = player.stop();
    const resume = this.playable && resumePointOf(this.playable, position, duration);
    if (resume) preferences.saveResume(resume);
  }

  override _init(): void {
    setTestId(this, 'player');
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
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.clockTimer = null;
  }

  private render(): void {
    const snap = player.snapshot();
    this.overlay.update(snap);
    this.tracks.update(snap);
    if (snap.state === 'error') this.playerFailed();
    else this.playerRecovered();
    if (snap.state === 'ended') this.playNext();
  }

  /** A highlight that ends plays the next one when the viewer wants it; otherwise stay. */
  private playNext(): void {
    const next = this.playable && autoplayNext(this.playable, this.queue, preferences.get().autoplayNextHighlight);
    if (!next) return;
    this.queue = next.rest;
    this.play(next.next);
  }

  // ---- what switches the state (overridden where a state knows better) -----------------

  /** The player gave up: its error screen, whatever was open. */
  playerFailed(): void {
    this._setState('Failed');
  }

  playerRecovered(): void {}

  openChapters(): void {
    this._setState('Chapters');
  }

  openTracks(): void {
    if (this.tracks.hasChoices) this._setState('Tracks');
  }

  closePanel(): void {
    this._setState('Watching');
  }

  chapterChosen(index: number): void {
    this._setState('Watching');
    this.overlay.jumpToChapter(index);
  }

  liveEnded(): void {
    this._setState('Ended');
  }

  /** « Regarder le replay »: the replay replaces the live in the player (Back still goes where the live came from). */
  playReplay(replay: Replay): void {
    this.navigator.open({ name: 'player', playable: { kind: 'replay', replay } });
  }

  leave(): void {
    this.navigator.back();
  }

  // ---- keys -------------------------------------------------------------------------

  /**
   * Any key brings the overlay back (the part that has the focus then acts on it), and goes to
   * the debug overlay, which watches for its code.
   */
  override _captureKey(event: KeyboardEvent): boolean {
    (this.tag('Debug') as DebugOverlay).keyTyped(keyNameOf(event.keyCode));
    this.overlay.wake();
    return false;
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
}
