// The overlay over the picture and the keys of plain watching. It draws the badge (DIRECT /
// EN DIFFÉRÉ / REPLAY…), the event's sponsor, the title, the chapter playing, the words over the
// picture (loading, pause, reconnecting, failure) with the spinner, and the progress bar with
// its chapter marks, times and key hints: all of it from overlayView(), for each snapshot the
// page hands it. Apart from it, the ad badge (« Publicité · 12 s »), shown whatever the overlay
// does. The overlay fades a while after the last key while the picture plays (never while
// something needs it: overlayStaysUp), and comes back at any key (the page calls wake()).
// Its keys, while the page is watching:
//   OK          pause / play
//   ◀ ▶ ⏪ ⏩    seek: the first press starts a scrub, which SeekPreview then owns (state Seeking)
//   ▲           live: back to the live edge; with chapters: `openChapters` to the page
//   ▼           `openTracks` to the page (it opens the panel when there is something to choose)
//   P+ / P−     next / previous chapter; without chapters they go up to the App (zap on a live)
import { Lightning } from '@lightningjs/sdk';
import type { Chapter, Playable } from '../../../../shared/catalog/types.ts';
import { COLOR, FONT, SAFE, STAGE, TYPE, assetUrl } from '../../ui/theme.ts';
import { Spinner } from '../../ui/components/Spinner.ts';
import { setTestId } from '../../ui/test-id.ts';
import { state } from '../../ui/state.ts';
import { catalog, player } from '../../app/services.ts';
import { announce } from '../../app/voice-guidance.ts';
import { t } from '../../i18n/index.ts';
import { PLAYER_DEFAULTS } from '../../player/config.ts';
import { playbackOf } from '../../player/playable.ts';
import { chapterJump, chapterMarks } from '../../player/chapters.ts';
import { sponsorOf, type PlaybackExtras } from '../../player/now-playing.ts';
import { overlayStaysUp, overlayView } from '../../player/overlay-view.ts';
import type { PlayerSnapshot } from '../../player/hls-player.ts';
import type { AdBreakView } from '../../player/ad-break.ts';
import { PREVIEW_TILE, SeekPreview } from './SeekPreview.ts';
import { BAR_W } from './layout.ts';
import { ContributeQr } from '../../venue/ContributeQr.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

/** The preview's half width: it stays over the bar, never past its ends. */
const PREVIEW_HALF = PREVIEW_TILE.w / 2 + 6;

export class PlayerOverlay extends Lightning.Component<Loose> {
  private kind: Playable['kind'] | null = null;
  private chapters: Chapter[] = [];
  private catalogDuration = 0;
  /** The duration the chapter marks were drawn for ('' : not drawn yet). */
  private marksKey = '';
  /** The programme shown: a late sponsor answer for the previous one is dropped. */
  private programme: Playable | null = null;
  /** A panel or screen is over the bar (tracks, chapters, error, end of the live). */
  private covered = false;
  private ended = false;
  private lastState: PlayerSnapshot['state'] | null = null;
  private hideTimer: ReturnType<typeof setTimeout> | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w,
      h: STAGE.h,
      // What fades: everything but the ad badge.
      Fade: {
        w: STAGE.w,
        h: STAGE.h,
        Top: { w: STAGE.w, h: 280, rect: true, colorTop: 0xcc000000, colorBottom: 0x00000000 },
        Bottom: { y: STAGE.h - 360, w: STAGE.w, h: 360, rect: true, colorTop: 0x00000000, colorBottom: 0xdd000000 },
        Badge: {
          x: SAFE.x,
          y: SAFE.y,
          rect: true,
          color: COLOR.live,
          flex: { paddingLeft: 14, paddingRight: 14, paddingTop: 4, paddingBottom: 4 },
          shader: { type: Lightning.shaders.RoundedRectangle, radius: 6 },
          Label: { text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.caption, textColor: COLOR.text } },
        },
        // The event's sponsor, discreet, top right (hidden during ad breaks).
        Sponsor: { x: STAGE.w - SAFE.x, y: SAFE.y, mountX: 1, w: 160, h: 90, alpha: 0.85, visible: false },
        // A live whose event takes contributions: the QR code of its phone page (issue #13).
        Contribute: {
          type: ContributeQr,
          x: STAGE.w - SAFE.x - 480,
          y: 190,
          qrLayout: { size: 200, callSize: 26, urlSize: 28, textBeside: false, textWidth: 480 },
        },
        Title: {
          x: SAFE.x,
          y: SAFE.y + 56,
          text: {
            text: '',
            fontFace: FONT.bold,
            fontSize: TYPE.title,
            textColor: COLOR.text,
            wordWrapWidth: BAR_W,
            maxLines: 1,
            textOverflow: 'ellipsis',
          },
        },
        Chapter: {
          x: SAFE.x,
          y: SAFE.y + 120,
          visible: false,
          text: {
            text: ' ',
            fontFace: FONT.semibold,
            fontSize: TYPE.body,
            textColor: COLOR.textDim,
            wordWrapWidth: BAR_W,
            maxLines: 1,
            textOverflow: 'ellipsis',
          },
        },
        Spinner: { type: Spinner, x: STAGE.w / 2, y: STAGE.h / 2 - 100, mount: 0.5 },
        State: {
          x: STAGE.w / 2,
          y: STAGE.h / 2,
          mount: 0.5,
          text: { text: ' ', fontFace: FONT.semibold, fontSize: TYPE.title, textColor: COLOR.text },
        },
        Progress: {
          x: SAFE.x,
          y: STAGE.h - SAFE.y - 150,
          Track: {
            w: BAR_W,
            h: 10,
            rect: true,
            color: 0x55ffffff,
            shader: { type: Lightning.shaders.RoundedRectangle, radius: 5 },
          },
          Bar: {
            w: 0,
            h: 10,
            rect: true,
            color: COLOR.live,
            shader: { type: Lightning.shaders.RoundedRectangle, radius: 5 },
          },
          // Chapter starts: short white ticks across the bar.
          Marks: {},
          Knob: {
            y: 5,
            w: 26,
            h: 26,
            mount: 0.5,
            rect: true,
            color: COLOR.text,
            shader: { type: Lightning.shaders.RoundedRectangle, radius: 13 },
          },
          Elapsed: { y: 28, text: { text: ' ', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text } },
          Total: {
            x: BAR_W,
            y: 28,
            mountX: 1,
            text: { text: ' ', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text },
          },
          Hints: {
            y: 86,
            text: { text: ' ', fontFace: FONT.regular, fontSize: TYPE.caption, textColor: COLOR.textDim },
          },
          Preview: { type: SeekPreview, y: -28, signals: { seekMoved: true, seekDone: true } },
        },
      },
      // Ad breaks: "Publicité · 12 s", always shown while a spot plays, whatever the overlay does.
      Ad: {
        x: STAGE.w - SAFE.x,
        y: SAFE.y,
        mountX: 1,
        rect: true,
        color: 0xe6f2b705,
        visible: false,
        flex: { paddingLeft: 18, paddingRight: 18, paddingTop: 6, paddingBottom: 6 },
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 8 },
        Label: { text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.body, textColor: 0xff101522 } },
      },
    };
  }

  /**
   * Seeking: the scrub has the keys (repeats, key up, OK, Back); the keys it leaves (▲ ▼ P+ P−)
   * come up to the overlay's own handlers, which drop the scrub when they act.
   */
  static override _states(): Lightning.Component.Constructor[] {
    return [
      state(
        'Seeking',
        class Seeking extends this {
          override _getFocused(): Lightning.Component {
            return this.preview;
          }
        },
      ),
    ];
  }

  override _init(): void {
    // Tests read the overlay's fading from the inspector mirror (the focus stays on the page's id).
    setTestId(this.tag('Fade'), 'player-overlay');
    setTestId(this.tag('Fade.Chapter'), 'player-chapter');
    setTestId(this.tag('Progress.Marks'), 'player-chapter-marks');
    setTestId(this.tag('Fade.Title'), 'player-title');
    setTestId(this.tag('Fade.Badge'), 'player-badge');
    setTestId(this.tag('Progress.Elapsed'), 'player-elapsed');
    setTestId(this.tag('Ad'), 'player-ad');
  }

  override _detach(): void {
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.hideTimer = null;
  }

  private get preview(): SeekPreview {
    return this.tag('Progress.Preview') as SeekPreview;
  }

  /** A new programme: its title, chapters, sponsor and thumbnail track; a seek in progress is dropped. */
  show(playable: Playable, extras: PlaybackExtras): void {
    this.programme = playable;
    this.kind = playable.kind;
    this.chapters = extras.chapters;
    this.catalogDuration = extras.duration;
    this.marksKey = '';
    this.ended = false;
    this.tag('Fade.Title').text.text = playbackOf(playable).title;
    this.preview.cancel();
    void this.preview.loadTrack(extras.thumbnails);
    void this.showSponsor(playable);
    (this.tag('Fade.Contribute') as ContributeQr).event = playable.kind === 'live' ? playable.event.id : '';
  }

  /** Leaving the player: no seek after it, the preview's sheets freed. */
  stop(): void {
    this.preview.cancel();
    this.preview.freeSheets();
  }

  /** A panel or screen goes over the bar (or leaves it): the bar hides, a seek in progress is dropped. */
  cover(covered: boolean): void {
    this.covered = covered;
    this.tag('Progress').visible = !covered;
    if (covered) this.preview.cancel();
    this.wake();
  }

  /** The live is over: the badge says TERMINÉ. */
  setEnded(ended: boolean): void {
    this.ended = ended;
    this.update();
  }

  /** The overlay comes up; it fades later only when nothing needs it. */
  wake(): void {
    const fade = this.tag('Fade');
    fade.setSmooth('alpha', 1, { duration: 0.2 });
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.hideTimer = null;
    if (overlayStaysUp({ covered: this.covered, seeking: this.preview.seeking, state: player.state })) return;
    this.hideTimer = setTimeout(() => fade.setSmooth('alpha', 0, { duration: 0.5 }), PLAYER_DEFAULTS.overlayHideMs);
  }

  /** Plays from the start of chapter `index` (the chapters list's OK, P+ / P−). */
  jumpToChapter(index: number | null): void {
    const chapter = index === null ? undefined : this.chapters[index];
    if (!chapter || player.inAd) return;
    this.preview.cancel();
    player.seekBy(chapter.start - player.currentTime);
    this.wake();
    this.update();
  }

  // ---- drawing ------------------------------------------------------------------------

  update(snap: PlayerSnapshot = player.snapshot()): void {
    const view = overlayView({
      snap,
      kind: this.kind,
      ended: this.ended,
      chapters: this.chapters,
      target: this.preview.target,
    });
    const badge = this.tag('Fade.Badge');
    badge.color = view.badge.live ? COLOR.live : 0xcc333a4d;
    badge.tag('Label').text.text = view.badge.text;
    const stateLabel = this.tag('Fade.State');
    stateLabel.patch({ visible: view.state.text !== '', text: { text: view.state.text || ' ' } });
    (this.tag('Fade.Spinner') as Spinner).spinning = view.state.spinning;
    // Tests read the state from the inspector mirror: player-state-playing, …-reconnecting.
    setTestId(stateLabel, `player-state-${snap.state}`);
    if (snap.state !== this.lastState) {
      this.lastState = snap.state;
      if (view.state.announce) announce(view.state.text);
      this.wake();
    }
    this.tag('Fade.Chapter').patch({ visible: view.chapter !== '', text: { text: view.chapter || ' ' } });
    this.tag('Progress.Bar').w = BAR_W * view.played;
    this.tag('Progress.Knob').x = BAR_W * view.knob;
    this.tag('Progress.Elapsed').text.text = view.elapsed || ' ';
    this.tag('Progress.Total').text.text = view.total || ' ';
    this.tag('Progress.Hints').text.text = view.hints;
    this.drawMarks(snap.duration > 0 ? snap.duration : this.catalogDuration);
    const preview = this.preview;
    if (view.preview) {
      preview.x = Math.max(PREVIEW_HALF, Math.min(BAR_W - PREVIEW_HALF, BAR_W * view.knob));
      preview.show(view.preview.time, view.preview.label, view.preview.chapter);
    } else {
      preview.hide();
    }
    this.drawAd(snap.ad);
  }

  /** The chapter marks, rebuilt only when the duration becomes known or changes (show() resets the key). */
  private drawMarks(duration: number): void {
    const key = String(duration);
    if (key === this.marksKey) return;
    this.marksKey = key;
    this.tag('Progress.Marks').children = chapterMarks(this.chapters, duration).map((f, i) => ({
      x: Math.round(BAR_W * f) - 2,
      y: -5,
      w: 4,
      h: 20,
      rect: true,
      color: 0xeeffffff,
      testId: `player-chapter-mark-${i + 1}`,
    }));
  }

  private drawAd(view: AdBreakView | null): void {
    const ad = this.tag('Ad');
    ad.visible = view !== null;
    this.tag('Fade.Sponsor').alpha = view ? 0 : 0.85;
    if (!view) return;
    const seconds = view.remaining;
    ad.tag('Label').text.text =
      view.count > 1
        ? t('player.adOf', { index: view.index, count: view.count, seconds })
        : t('player.ad', { seconds });
  }

  /** The sponsor the staff chose for the event (a replay shows its event's). */
  private async showSponsor(playable: Playable): Promise<void> {
    const logo = this.tag('Fade.Sponsor');
    logo.visible = false;
    try {
      const sponsor = await sponsorOf(playable, catalog);
      if (!sponsor?.logo || this.programme !== playable) return;
      logo.patch({ src: assetUrl(sponsor.logo), visible: true });
      setTestId(logo, `player-sponsor-${sponsor.id}`);
    } catch {
      // No sponsor logo is better than an error over the picture.
    }
  }

  // ---- the scrub's signals (SeekPreview) --------------------------------------------------

  seekMoved(): void {
    this.update();
    this.wake();
  }

  seekDone(): void {
    this._setState('');
    this.update();
    this.wake();
  }

  // ---- keys ---------------------------------------------------------------------------

  private startSeek(direction: 1 | -1, minStep = 0): void {
    if (this.preview.press(direction, minStep)) this._setState('Seeking');
  }

  override _handleEnter(): void {
    player.togglePause();
  }
  override _handleLeft(): void {
    this.startSeek(-1);
  }
  override _handleRight(): void {
    this.startSeek(1);
  }
  _handleRewind(): void {
    this.startSeek(-1, PLAYER_DEFAULTS.fastSeekStep);
  }
  _handleFastForward(): void {
    this.startSeek(1, PLAYER_DEFAULTS.fastSeekStep);
  }
  override _handleUp(): void {
    if (player.isLive) {
      this.preview.cancel();
      player.seekToLive();
    } else if (this.chapters.length > 0) {
      this.signal('openChapters');
    }
  }
  override _handleDown(): void {
    this.signal('openTracks');
  }
  /** P+ / P−: next / previous chapter of a replay; otherwise the App zaps between lives. */
  _handleChannelUp(): boolean | void {
    if (this.chapters.length === 0) return false;
    this.jumpToChapter(chapterJump(this.chapters, player.currentTime, 1));
  }
  _handleChannelDown(): boolean | void {
    if (this.chapters.length === 0) return false;
    this.jumpToChapter(chapterJump(this.chapters, player.currentTime, -1));
  }
}
