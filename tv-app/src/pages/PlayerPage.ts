// Full-screen playback. The <video> shows through the transparent canvas; over it an
// overlay with the badge (DIRECT / EN DIFFÉRÉ / REPLAY), the title, the current chapter, the
// progress bar (chapter marks on it) and times, fading while the picture plays and back at
// any key (never while seeking). OK pauses; errors offer Réessayer and Retour.
// Remote keys:
//   ◀ ▶        seek: a tap 10 s; held, growing steps on a preview (picture of the target time
//              from the thumbnail track, its time and chapter), one seek when released
//              (OK seeks at once, Back cancels). ⏪ ⏩ the same by 30 s.
//   ▲          live: back to the live edge. Replay with chapters: the chapters list
//              (◀ ▶ choose, OK jumps to its start, ▲ / ▼ / Back close it).
//   P+ / P−    replay with chapters: next / previous chapter (previous restarts the current
//              one when well into it). On a live, CH+/CH− zap (the App handles them).
//   ▼          the tracks panel: audio, subtitles and quality (« Auto » = hls.js's ABR, or a
//              height that caps it: « 480p » never plays above 480p). ▲ ▼ change row.
// A live being watched is polled for its end: « Le direct est terminé », then « Regarder le
// replay » / « Retour » once the replay is published.
import { Lightning } from '@lightningjs/sdk';
import type { Chapter, Playable } from '../../../shared/catalog/types.ts';
import { COLOR, FONT, SAFE, STAGE, TYPE, assetUrl } from '../ui/theme.ts';
import { catalog, player, preferences } from '../app/services.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/fr.ts';
import { setTestId } from '../ui/test-id.ts';
import { announce } from '../app/voice-guidance.ts';
import { ButtonRow } from '../ui/components/ButtonRow.ts';
import { Spinner } from '../ui/components/Spinner.ts';
import { FocusGrid } from '../navigation/focus-grid.ts';
import { PLAYER_DEFAULTS } from '../player/config.ts';
import { playbackOf } from '../player/playable.ts';
import { formatClock, timeline } from '../player/timeline.ts';
import { SeekScrubber } from '../player/seek-scrubber.ts';
import { chapterIndexAt, chapterJump, chapterMarks, orderedChapters } from '../player/chapters.ts';
import { loadThumbnailTrack } from '../player/thumbnail-track.ts';
import { LiveEndWatcher, type LiveEndPhase } from '../player/live-end.ts';
import { SeekPreview, PREVIEW_TILE } from '../ui/components/SeekPreview.ts';
import { LiveEndOffer } from '../ui/components/LiveEndOffer.ts';
import { audioOptions, qualityOptions, subtitleOptions, type TrackOption } from '../player/tracks.ts';
import type { PlayerSnapshot } from '../player/hls-player.ts';
import type { Navigator } from '../app/routes.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

const BAR_W = STAGE.w - 2 * SAFE.x;

export interface PlayerRoute {
  playable: Playable;
  startPosition?: number;
  /** A live from its event's start (« Depuis le début »), as far as the live window goes. */
  startOver?: boolean;
  /** Played next, in order, when this one ends and "lecture auto du résumé suivant" is on. */
  next?: Playable[];
}

type Mode = 'watch' | 'tracks' | 'chapters' | 'error' | 'ended';

/** The words over the picture for each player state (none while it simply plays). */
const STATE_LABEL: Record<PlayerSnapshot['state'], MessageKey | null> = {
  idle: null, loading: 'player.loading', buffering: 'player.loading', playing: null,
  paused: 'player.paused', reconnecting: 'player.reconnecting', ended: null, error: 'error.playback',
};

/** The tracks panel's rows (FocusGrid row ids) and the ButtonRow tag of each. */
const TRACK_ROW_TAG: Record<string, string> = { audio: 'Audio', subtitles: 'Subtitles', quality: 'Quality' };

/** The preview's half width: it stays over the bar, never past its ends. */
const PREVIEW_HALF = PREVIEW_TILE.w / 2 + 6;

/** The playable's chapters (replays only) and thumbnail track (replays and highlights). */
function extrasOf(playable: Playable): { chapters: Chapter[]; duration: number; thumbnails?: string } {
  if (playable.kind === 'replay') return { chapters: orderedChapters(playable.replay.chapters, playable.replay.duration || Infinity), duration: playable.replay.duration, thumbnails: playable.replay.thumbnails };
  if (playable.kind === 'highlight') return { chapters: [], duration: playable.highlight.duration, thumbnails: playable.highlight.thumbnails };
  return { chapters: [], duration: 0 };
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

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
  private quality: TrackOption[] = [];
  private readonly scrubber = new SeekScrubber();
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  private chapters: Chapter[] = [];
  private catalogDuration = 0;
  private marksKey = '';
  private chapterFocus = 0;
  private liveEnd: LiveEndWatcher | null = null;
  private liveEndPhase: LiveEndPhase = { phase: 'live' };

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
        Chapter: { x: SAFE.x, y: SAFE.y + 120, visible: false, text: { text: ' ', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.textDim, wordWrapWidth: BAR_W, maxLines: 1, textOverflow: 'ellipsis' } },
        Spinner: { type: Spinner, x: STAGE.w / 2, y: STAGE.h / 2 - 100, mount: 0.5 },
        State: { x: STAGE.w / 2, y: STAGE.h / 2, mount: 0.5, text: { text: ' ', fontFace: FONT.semibold, fontSize: TYPE.title, textColor: COLOR.text } },
        Progress: {
          x: SAFE.x, y: STAGE.h - SAFE.y - 150,
          Track: { w: BAR_W, h: 10, rect: true, color: 0x55ffffff, shader: { type: Lightning.shaders.RoundedRectangle, radius: 5 } },
          Bar: { w: 0, h: 10, rect: true, color: COLOR.live, shader: { type: Lightning.shaders.RoundedRectangle, radius: 5 } },
          // Chapter starts: short white ticks across the bar.
          Marks: {},
          Knob: { y: 5, w: 26, h: 26, mount: 0.5, rect: true, color: COLOR.text, shader: { type: Lightning.shaders.RoundedRectangle, radius: 13 } },
          Elapsed: { y: 28, text: { text: ' ', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text } },
          Total: { x: BAR_W, y: 28, mountX: 1, text: { text: ' ', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text } },
          Hints: { y: 86, text: { text: ' ', fontFace: FONT.regular, fontSize: TYPE.caption, textColor: COLOR.textDim } },
          Preview: { type: SeekPreview, y: -28 },
        },
      },
      Chapters: {
        x: SAFE.x, y: STAGE.h - SAFE.y - 230, visible: false,
        Panel: { x: -40, y: -30, w: BAR_W + 80, h: 230, rect: true, color: 0xe6101522, shader: { type: Lightning.shaders.RoundedRectangle, radius: 20 } },
        Label: { y: 0, text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
        // Clipped to the panel: a long list slides to keep the focused chapter in view.
        Viewport: { y: 64, w: BAR_W, h: 110, clipping: true, List: { type: ButtonRow, x: 10, y: 8, rowId: 'chapters' } },
      },
      LiveEnd: { type: LiveEndOffer },
      Tracks: {
        x: SAFE.x, y: STAGE.h - SAFE.y - 420, visible: false,
        Panel: { x: -40, y: -30, w: BAR_W + 80, h: 420, rect: true, color: 0xe6101522, shader: { type: Lightning.shaders.RoundedRectangle, radius: 20 } },
        AudioLabel: { y: 16, text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
        Audio: { type: ButtonRow, x: 300, y: 0, rowId: 'audio' },
        SubtitlesLabel: { y: 136, text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
        Subtitles: { type: ButtonRow, x: 300, y: 120, rowId: 'subtitles' },
        QualityLabel: { y: 256, text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
        Quality: { type: ButtonRow, x: 300, y: 240, rowId: 'quality' },
      },
      // Ad breaks: "Publicité · 12 s", always shown while a spot plays, whatever the overlay does.
      Ad: {
        x: STAGE.w - SAFE.x, y: SAFE.y, mountX: 1, rect: true, color: 0xe6f2b705, visible: false,
        flex: { paddingLeft: 18, paddingRight: 18, paddingTop: 6, paddingBottom: 6 },
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 8 },
        Label: { text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.body, textColor: 0xff101522 } },
      },
      // The error screen's choices, « Réessayer » (focused) and « Retour », centred under the message.
      Retry: { type: ButtonRow, x: STAGE.w / 2, y: STAGE.h / 2 + 70, rowId: 'player-error', centred: true, visible: false },
    };
  }

  set nav(navigator: Navigator) {
    this.navigator = navigator;
  }

  set route({ playable, startPosition, next, startOver }: PlayerRoute) {
    this.queue = next ?? [];
    // « Depuis le début »: the live from when the event started (the player maps the date).
    const startDate = startOver && playable.kind === 'live' ? new Date(playable.event.startedAt ?? playable.event.startsAt) : undefined;
    this.play(playable, startPosition, startDate);
  }

  private play(playable: Playable, startPosition?: number, startDate?: Date): void {
    this.playable = playable;
    const source = playbackOf(playable);
    this.tag('Title').text.text = source.title;
    setTestId(this.tag('Title'), 'player-title');
    this.cancelScrub();
    const extras = extrasOf(playable);
    this.chapters = extras.chapters;
    this.catalogDuration = extras.duration;
    this.marksKey = '';
    void player.load({ url: source.url, live: source.live, contentId: source.id, startPosition, startDate });
    void this.showSponsor(playable);
    void this.loadThumbnails(playable, extras.thumbnails);
    this.watchLiveEnd(playable);
    this.render();
  }

  /** The thumbnail track, fetched once as playback starts; the sheets only when seeking. */
  private async loadThumbnails(playable: Playable, url: string | undefined): Promise<void> {
    const preview = this.tag('Progress.Preview') as SeekPreview;
    preview.setCues([]);
    const cues = await loadThumbnailTrack(url, location.href, fetchText);
    if (this.playable === playable) preview.setCues(cues);
  }

  /** A live asks the catalog now and then whether it has ended and its replay is out. */
  private watchLiveEnd(playable: Playable): void {
    this.liveEnd?.stop();
    this.liveEnd = null;
    this.liveEndPhase = { phase: 'live' };
    if (playable.kind !== 'live') return;
    this.liveEnd = new LiveEndWatcher({
      eventId: playable.event.id,
      fetchEvent: (id) => catalog.event(id),
      onChange: (phase) => this.onLiveEnd(phase),
      intervalMs: PLAYER_DEFAULTS.liveEndPollMs,
    });
    this.liveEnd.start();
  }

  private onLiveEnd(phase: LiveEndPhase): void {
    this.liveEndPhase = phase;
    (this.tag('LiveEnd') as LiveEndOffer).show(phase);
    announce([t('player.liveEnded'), phase.phase === 'published' ? t('player.replayReady') : t('player.replaySoon')].join('. '));
    this.setMode('ended');
    this.render();
  }

  /** « Regarder le replay »: the replay replaces the live in the player (Back still goes where the live came from). */
  private async openReplay(): Promise<void> {
    const phase = this.liveEndPhase;
    if (phase.phase !== 'published') return;
    try {
      const replay = await catalog.replay(phase.replayId);
      if (this.liveEndPhase === phase) this.navigator.open({ name: 'player', playable: { kind: 'replay', replay } });
    } catch {
      // Not reachable right now: the offer stays, OK tries again.
    }
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
    this.tag('QualityLabel').text.text = t('player.quality');
    this.tag('Chapters.Label').text.text = t('player.chapters');
    setTestId(this.tag('Overlay'), 'player-overlay');
    setTestId(this.tag('Overlay.Chapter'), 'player-chapter');
    setTestId(this.tag('Progress.Marks'), 'player-chapter-marks');
    (this.tag('Retry') as ButtonRow).patch({ buttons: [{ id: 'player-retry', label: t('action.retry') }, { id: 'player-back', label: t('action.back') }] });
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
    this.cancelScrub();
    this.liveEnd?.stop();
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
    const key = STATE_LABEL[snap.state];
    const text = key ? t(key) : '';
    this.tag('State').patch({ visible: text !== '', text: { text: text || ' ' } });
    // Waiting for media (start, stall, reconnection): the spinner turns above the words.
    (this.tag('Spinner') as Spinner).spinning = snap.state === 'loading' || snap.state === 'buffering' || snap.state === 'reconnecting';
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
    // While seeking, the knob and the time show where the seek will land; the red bar keeps
    // showing what plays.
    const target = this.scrubber.target;
    const shown = target === null ? line : timeline({ ...snap, position: target }, t('badge.live'));
    const kind = this.playable?.kind;
    const badge = this.tag('Badge');
    const ended = this.liveEndPhase.phase !== 'live';
    // A live that failed is still a live: the playhead fell behind because the stream
    // stopped, not because the viewer chose to watch late, so not "EN DIFFÉRÉ".
    const delayed = snap.live && !line.atLiveEdge && snap.state !== 'error';
    const badgeText = ended ? t('badge.ended') : snap.live ? (delayed ? t('badge.delayed') : t('badge.live')) : kind === 'highlight' ? t('badge.highlight') : t('badge.replay');
    badge.color = snap.live && !delayed && !ended ? COLOR.live : 0xcc333a4d;
    badge.tag('Label').text.text = badgeText;
    setTestId(badge, 'player-badge');
    this.tag('Progress.Bar').w = BAR_W * line.progress;
    this.tag('Progress.Knob').x = BAR_W * shown.progress;
    this.tag('Progress.Elapsed').text.text = shown.elapsed || ' ';
    this.tag('Progress.Total').text.text = line.total || ' ';
    setTestId(this.tag('Progress.Elapsed'), 'player-elapsed');
    this.tag('Progress.Hints').text.text = snap.live ? t('player.hintsLive') : this.chapters.length > 0 ? t('player.hintsVodChapters') : t('player.hintsVod');
    this.renderChapters(snap);
    const preview = this.tag('Progress.Preview') as SeekPreview;
    if (target === null) {
      preview.hide();
      return;
    }
    preview.x = Math.max(PREVIEW_HALF, Math.min(BAR_W - PREVIEW_HALF, BAR_W * shown.progress));
    // The preview is narrow: the chapter's title alone.
    preview.show(target, shown.elapsed || t('badge.live'), this.chapters[chapterIndexAt(this.chapters, target)]?.title ?? '');
  }

  /** "Chapitre 2/4 · Première mi-temps" at `time`, or '' (no chapters, or before the first). */
  private chapterLabel(time: number): string {
    const index = chapterIndexAt(this.chapters, time);
    const chapter = this.chapters[index];
    return chapter ? t('player.chapter', { index: index + 1, count: this.chapters.length, title: chapter.title }) : '';
  }

  private renderChapters(snap: PlayerSnapshot): void {
    const label = this.chapterLabel(snap.position);
    this.tag('Overlay.Chapter').patch({ visible: label !== '', text: { text: label || ' ' } });
    // The marks, rebuilt only when the duration becomes known or changes (play() resets the
    // key with the chapters, so the duration alone tells).
    const duration = snap.duration > 0 ? snap.duration : this.catalogDuration;
    const key = String(duration);
    if (key === this.marksKey) return;
    this.marksKey = key;
    this.tag('Progress.Marks').children = chapterMarks(this.chapters, duration).map((f, i) => ({
      x: Math.round(BAR_W * f) - 2, y: -5, w: 4, h: 20, rect: true, color: 0xeeffffff, testId: `player-chapter-mark-${i + 1}`,
    }));
  }

  private renderTracks(snap: PlayerSnapshot): void {
    this.audio = audioOptions(snap.audioTracks, snap.audioTrack);
    this.subtitles = subtitleOptions(snap.subtitleTracks, snap.subtitleTrack, t('player.subtitlesOff'));
    this.quality = qualityOptions(snap.levels, snap.levelCap, t('player.qualityAuto'));
    const label = (o: TrackOption) => (o.selected ? `✓ ${o.label}` : o.label);
    const rows = [
      { id: 'audio', options: this.audio },
      { id: 'subtitles', options: this.subtitles },
      { id: 'quality', options: this.quality },
    ];
    let changed = false;
    for (const row of rows) {
      const buttonRow = this.tag(TRACK_ROW_TAG[row.id]!) as ButtonRow;
      const buttons = row.options.map((o) => ({ id: `${row.id}-${o.index}`, label: label(o) }));
      // Rebuild only on change: render() runs every second and the buttons would be re-created.
      if (JSON.stringify(buttonRow.buttons) === JSON.stringify(buttons)) continue;
      buttonRow.patch({ buttons });
      changed = true;
    }
    if (!changed) return;
    this.trackGrid.setRows(rows.map((row) => ({ id: row.id, length: row.options.length })));
    // The panel's buttons were re-created under the focus; elsewhere setMode('tracks') and the keys focus them.
    if (this.mode === 'tracks') this.applyTrackFocus();
  }

  private applyTrackFocus(): void {
    const focus = this.trackGrid.focused;
    if (!focus) return;
    (this.tag(TRACK_ROW_TAG[focus.rowId] ?? 'Audio') as ButtonRow).setFocusIndex(focus.col);
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
    // The end of a live is final: only the offer's own choices leave it.
    if (this.mode === 'ended' && mode !== 'ended' && this.liveEndPhase.phase !== 'live') return;
    this.mode = mode;
    // A panel or screen over the bar drops a seek in progress (its preview is hidden).
    if (mode !== 'watch') this.cancelScrub();
    if (mode === 'error') (this.tag('Retry') as ButtonRow).setFocusIndex(0);
    this.tag('Tracks').visible = mode === 'tracks';
    this.tag('Chapters').visible = mode === 'chapters';
    this.tag('Retry').visible = mode === 'error';
    this.tag('LiveEnd').visible = mode === 'ended';
    this.tag('Progress').visible = mode === 'watch';
    if (mode === 'chapters') this.openChapters();
    if (mode === 'tracks') {
      // Open on the row's current choice.
      this.trackGrid.focus('audio', Math.max(0, this.audio.findIndex((o) => o.selected)));
      this.trackGrid.focus('subtitles', Math.max(0, this.subtitles.findIndex((o) => o.selected)));
      this.trackGrid.focus('quality', Math.max(0, this.quality.findIndex((o) => o.selected)));
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
    const sticky = this.mode !== 'watch' || player.state !== 'playing' || this.scrubber.active;
    this.hideTimer = sticky ? null : setTimeout(() => overlay.setSmooth('alpha', 0, { duration: 0.5 }), PLAYER_DEFAULTS.overlayHideMs);
  }

  /** Stops playback and remembers where a replay stopped (for "Reprendre"). */
  stop(): void {
    this.cancelScrub();
    this.liveEnd?.stop();
    this.liveEnd = null;
    (this.tag('Progress.Preview') as SeekPreview).release();
    const duration = player.duration;
    const position = player.stop();
    const p = this.playable;
    if (p && p.kind !== 'live') {
      const id = p.kind === 'replay' ? p.replay.id : p.highlight.id;
      preferences.saveResume({ id, kind: p.kind, position, duration: duration || (p.kind === 'replay' ? p.replay.duration : p.highlight.duration) });
    }
  }

  // ---- seeking ----------------------------------------------------------------------

  /** A Left/Right (or ⏪/⏩) keydown: the preview moves; the seek waits for the keys to settle. */
  private scrub(direction: 1 | -1, minStep = 0): void {
    if (this.mode !== 'watch' || player.inAd) return;
    const snap = player.snapshot();
    if (!(snap.end > snap.start)) return;
    this.scrubber.press(direction, performance.now(), { position: snap.position, start: snap.start, end: snap.end }, minStep);
    this.scheduleSettle();
    this.showOverlay();
    this.render();
  }

  private releaseScrub(): void {
    this.scrubber.release(performance.now());
    this.scheduleSettle();
  }

  private scheduleSettle(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    const due = this.scrubber.dueIn(performance.now());
    if (due !== null) this.settleTimer = setTimeout(() => this.settle(false), due + 5);
  }

  /** Seeks to the preview once the keys are quiet (or at once with `now`: OK while seeking). */
  private settle(now: boolean): void {
    this.settleTimer = null;
    const target = now ? this.scrubber.target : this.scrubber.settle(performance.now());
    if (target === null) return this.scheduleSettle();
    this.scrubber.cancel();
    // The one seek of the whole scrub (seekBy keeps it inside the seekable range).
    player.seekBy(target - player.currentTime);
    this.showOverlay();
    this.render();
  }

  private cancelScrub(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    if (!this.scrubber.active) return;
    this.scrubber.cancel();
    this.render();
  }

  // ---- chapters ---------------------------------------------------------------------

  private openChapters(): void {
    const list = this.tag('Chapters.Viewport.List') as ButtonRow;
    const buttons = this.chapters.map((c, i) => ({ id: `chapter-${i + 1}`, label: `${formatClock(c.start)}  ${c.title}` }));
    if (JSON.stringify(list.buttons) !== JSON.stringify(buttons)) list.patch({ buttons });
    this.focusChapter(Math.max(0, chapterIndexAt(this.chapters, player.currentTime)));
  }

  private focusChapter(index: number): void {
    this.chapterFocus = Math.max(0, Math.min(this.chapters.length - 1, index));
    const list = this.tag('Chapters.Viewport.List') as ButtonRow;
    list.setFocusIndex(this.chapterFocus);
    this._refocus();
    // Slide the list so the focused chapter is inside the viewport (once laid out).
    const item = list.tag('Items').children[this.chapterFocus];
    if (item && item.finalW > 0) {
      const left = item.finalX + list.x;
      const right = left + item.finalW;
      if (right + list.tag('Items').x > BAR_W - 20) list.tag('Items').x = BAR_W - 20 - right;
      if (left + list.tag('Items').x < 10) list.tag('Items').x = 10 - left;
    }
  }

  /** Plays from the start of chapter `index` (the list's OK, P+ / P−). */
  private jumpToChapter(index: number | null): void {
    const chapter = index === null ? undefined : this.chapters[index];
    if (!chapter || player.inAd) return;
    this.cancelScrub();
    player.seekBy(chapter.start - player.currentTime);
    this.showOverlay();
    this.render();
  }

  // ---- keys -------------------------------------------------------------------------

  override _handleEnter(): void {
    if (this.mode === 'error') {
      if ((this.tag('Retry') as ButtonRow).focusedButton?.id === 'player-back') this.navigator.back();
      else void player.retry();
      return;
    }
    if (this.mode === 'ended') {
      if ((this.tag('LiveEnd') as LiveEndOffer).choice === 'watch-replay') void this.openReplay();
      else this.navigator.back();
      return;
    }
    if (this.mode === 'tracks') {
      const focus = this.trackGrid.focused;
      if (focus?.rowId === 'audio') player.setAudioTrack(this.audio[focus.col]?.index ?? 0);
      if (focus?.rowId === 'subtitles') player.setSubtitleTrack(this.subtitles[focus.col]?.index ?? -1);
      if (focus?.rowId === 'quality') player.setLevelCap(this.quality[focus.col]?.index ?? -1);
      return;
    }
    if (this.mode === 'chapters') {
      this.setMode('watch');
      this.jumpToChapter(this.chapterFocus);
      return;
    }
    // OK while seeking: go there now.
    if (this.scrubber.active) return this.settle(true);
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
    this.scrub(1, PLAYER_DEFAULTS.fastSeekStep);
  }
  _handleRewind(): void {
    this.scrub(-1, PLAYER_DEFAULTS.fastSeekStep);
  }
  _handleFastForwardRelease(): void {
    this.releaseScrub();
  }
  _handleRewindRelease(): void {
    this.releaseScrub();
  }
  /** P+ / P−: next / previous chapter of a replay; otherwise the App zaps between lives. */
  _handleChannelUp(): boolean | void {
    if (this.mode !== 'watch' || this.chapters.length === 0) return false;
    this.jumpToChapter(chapterJump(this.chapters, player.currentTime, 1));
  }
  _handleChannelDown(): boolean | void {
    if (this.mode !== 'watch' || this.chapters.length === 0) return false;
    this.jumpToChapter(chapterJump(this.chapters, player.currentTime, -1));
  }
  override _handleLeft(): void {
    if (this.mode === 'tracks') return this.moveTrackFocus('left');
    if (this.mode === 'chapters') return this.focusChapter(this.chapterFocus - 1);
    if (this.mode === 'error') return this.focusErrorAction(0);
    if (this.mode === 'watch') return this.scrub(-1);
    this.showOverlay();
  }
  override _handleRight(): void {
    if (this.mode === 'tracks') return this.moveTrackFocus('right');
    if (this.mode === 'chapters') return this.focusChapter(this.chapterFocus + 1);
    if (this.mode === 'error') return this.focusErrorAction(1);
    if (this.mode === 'watch') return this.scrub(1);
    this.showOverlay();
  }
  override _handleLeftRelease(): void {
    this.releaseScrub();
  }
  override _handleRightRelease(): void {
    this.releaseScrub();
  }
  override _handleUp(): void {
    if (this.mode === 'tracks') {
      if (!this.trackGrid.move('up')) this.setMode('watch');
      else this.applyTrackFocus();
      return;
    }
    if (this.mode === 'chapters') return this.setMode('watch');
    if (this.mode === 'watch' && player.isLive) {
      this.cancelScrub();
      player.seekToLive();
    } else if (this.mode === 'watch' && this.chapters.length > 0) {
      return this.setMode('chapters');
    }
    this.showOverlay();
  }
  override _handleDown(): void {
    if (this.mode === 'tracks') {
      this.trackGrid.move('down');
      this.applyTrackFocus();
      return;
    }
    if (this.mode === 'chapters') return this.setMode('watch');
    if (this.mode === 'watch' && (this.audio.length > 1 || this.subtitles.length > 1 || this.quality.length > 1)) this.setMode('tracks');
    this.showOverlay();
  }
  /** Back cancels a seek in progress, closes a panel; otherwise the App leaves the player. */
  override _handleBack(): boolean | void {
    if (this.scrubber.active) return this.cancelScrub();
    if (this.mode === 'tracks' || this.mode === 'chapters') {
      this.setMode('watch');
      return;
    }
    return false;
  }

  /** Error screen: 0 = « Réessayer », 1 = « Retour ». */
  private focusErrorAction(index: number): void {
    (this.tag('Retry') as ButtonRow).setFocusIndex(index);
    this._refocus();
    this.showOverlay();
  }

  private moveTrackFocus(direction: 'left' | 'right'): void {
    this.trackGrid.move(direction);
    this.applyTrackFocus();
  }

  override _getFocused(): Lightning.Component | undefined {
    if (this.mode === 'error') return this.tag('Retry') as ButtonRow;
    if (this.mode === 'ended') return this.tag('LiveEnd') as LiveEndOffer;
    if (this.mode === 'chapters') return this.tag('Chapters.Viewport.List') as ButtonRow;
    if (this.mode === 'tracks') {
      const focus = this.trackGrid.focused;
      return this.tag(TRACK_ROW_TAG[focus?.rowId ?? ''] ?? 'Audio') as ButtonRow;
    }
    return this;
  }
}
