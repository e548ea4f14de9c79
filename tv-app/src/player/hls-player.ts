// The player: one typed module around hls.js and the page's <video>. hls.js is imported
// only when playback first starts (most of the app's weight, README: Benchmarks; the home screen does not need it).
// It owns the state machine, live detection, audio/subtitle tracks, the quality cap, CMCD (session id) and
// reconnection after network failures; the player page only renders `snapshot()`. Ad breaks are
// played by hls.js; which spot plays and its tracking are ad-break.ts's (AdBreakPlayback), fed
// from here.
import type HlsType from 'hls.js';
import type { ErrorData, LevelUpdatedData } from 'hls.js';
import { PlayerStateMachine, advancedByPlayback, type PlayerState } from './player-state.ts';
import { hlsConfig, PLAYER_DEFAULTS } from './config.ts';
import { ReconnectPolicy } from './reconnect.ts';
import { LiveReturnWatch } from './live-return.ts';
import { createSessionId } from './session.ts';
import type { LevelInfo, MediaTrackInfo } from './tracks.ts';
import { seekTarget } from './timeline.ts';
import { buffersAt, slidPast, startOverPosition } from './start-over.ts';
import type { ManifestPreloader } from './manifest-preload.ts';
import { preloadedPlaylistLoader } from './preloaded-loader.ts';
import { AdBreakPlayback, type AdBreakView } from './ad-break.ts';
import { latencyChoice, liveTargetLatency, shouldResync, type PlaybackCapabilities } from './latency.ts';
import type { DebugFigures } from './debug-view.ts';
import { ACCESS_REFUSED, AccessRenewal } from './access-renewal.ts';

export interface PlaySource {
  /** Playlist URL, relative to the edge the app was loaded from. */
  url: string;
  /** What the catalog says; the playlist has the last word (`details.live`). */
  live: boolean;
  /** CMCD content id (event, replay or highlight id). */
  contentId: string;
  /** Seconds; live streams start near the live edge when absent. */
  startPosition?: number;
  /**
   * A live started from this instant (« Depuis le début »): mapped through the playlist's
   * PROGRAM-DATE-TIME to a media time; when older than the window, a few target durations
   * into the window (startAtDate).
   */
  startDate?: Date;
  /**
   * Asks the catalog again for what plays and answers its playback URL now (null: no answer).
   * Given, a signed URL is renewed before it expires and after a 403 (access-renewal.ts).
   */
  renew?: () => Promise<string | null>;
}

export interface PlayerSnapshot {
  state: PlayerState;
  error: string | null;
  live: boolean;
  position: number;
  /** Seekable range: the live window, or 0..duration. */
  start: number;
  end: number;
  duration: number;
  audioTracks: MediaTrackInfo[];
  audioTrack: number;
  subtitleTracks: MediaTrackInfo[];
  /** -1 when subtitles are off. */
  subtitleTrack: number;
  /** Video renditions (hls.js levels, lowest first); none without hls.js (native HLS). */
  levels: LevelInfo[];
  /** Highest level ABR may choose (`autoLevelCapping`), -1 when uncapped (« Auto »). */
  levelCap: number;
  /** An ad break is playing (HLS Interstitials): the overlay says "Publicité" and counts down. */
  ad: AdBreakView | null;
}

export interface PlayerOptions {
  /** Subtitles on by default (the viewer's setting), and in which language. */
  subtitles: () => { enabled: boolean; language: string };
  /** Master playlists fetched while the focus rested on a tile: hls.js takes them from here. */
  manifests?: ManifestPreloader;
}

let hlsModule: Promise<typeof HlsType> | null = null;
function loadHls(): Promise<typeof HlsType> {
  // Legacy build: an IIFE cannot split chunks, so hls.js's own ES5 build is copied next to
  // the app and added as a script on first play (the home screen never pays for it).
  hlsModule ??= __LEGACY_BUILD__
    ? loadScript('hls.min.js').then(() => (window as unknown as { Hls: typeof HlsType }).Hls)
    : import('hls.js').then((m) => m.default);
  return hlsModule;
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(script);
  });
}

function videoElement(): HTMLVideoElement {
  let video = document.getElementById('player') as HTMLVideoElement | null;
  if (!video) {
    video = document.createElement('video');
    video.id = 'player';
    video.setAttribute('playsinline', '');
    document.body.appendChild(video);
  }
  return video;
}

/** What this device can do for low latency (latency.ts decides from it). */
/** Subtitles on screen (hls.js selects a track from the viewer's preference at load). */
const subtitlesShown = (hls: HlsType): boolean => hls.subtitleDisplay && hls.subtitleTrack >= 0;

function capabilities(Hls: typeof HlsType, video: HTMLVideoElement): PlaybackCapabilities {
  const cores =
    typeof navigator.hardwareConcurrency === 'number' && navigator.hardwareConcurrency > 0
      ? navigator.hardwareConcurrency
      : undefined;
  return {
    mse: Hls.isSupported(),
    cores,
    preservesPitch: 'preservesPitch' in video || 'webkitPreservesPitch' in video,
  };
}

/** Seconds of media buffered ahead of `time` (the range that holds it). */
function bufferedAhead(video: HTMLVideoElement, time: number): number {
  const ranges = video.buffered;
  for (let i = 0; i < ranges.length; i++) {
    if (ranges.start(i) <= time + 0.1 && time < ranges.end(i)) return ranges.end(i) - time;
  }
  return 0;
}

const tracksOf = (list: { name: string; lang?: string }[]): MediaTrackInfo[] =>
  list.map((t) => ({ name: t.name, lang: t.lang }));

export class HlsPlayer {
  readonly machine = new PlayerStateMachine();
  /** One per app run: every media request of this viewer carries it (CMCD sid). */
  readonly sessionId = createSessionId();
  private hls: HlsType | null = null;
  private Hls: typeof HlsType | null = null;
  private video: HTMLVideoElement | null = null;
  private source: PlaySource | null = null;
  private liveFromPlaylist: boolean | null = null;
  private readonly reconnect = new ReconnectPolicy();
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** A live given up on (error screen) restarts by itself once its stream answers again. */
  private readonly liveReturn = new LiveReturnWatch(
    () => this.liveIsBack(),
    () => void this.retry(),
    PLAYER_DEFAULTS.liveReturnProbeMs,
  );
  private mediaRecoveries = 0;
  private readonly detach: (() => void)[] = [];
  private readonly listeners = new Set<() => void>();
  /** The ad break playing (HLS Interstitials), its countdown and its tracking. */
  private readonly ads = new AdBreakPlayback({ onChange: () => this.emit() });
  /** The viewer paused (OK): switching between programme and spots must not resume. */
  private userPaused = false;
  /**
   * The viewer follows the live edge (no seek back, pause or « Depuis le début » since the start
   * or ▲): a live that falls behind by stalls jumps back then (shouldResync), and only then.
   */
  private followingLive = true;
  private lastResyncAt = -Infinity;
  /** The target latency last given to hls.js (liveTargetLatency). */
  private appliedTargetLatency: number | null = null;
  /** A signed stream's token renewals (null: open stream, or nobody to ask). */
  private access: AccessRenewal | null = null;
  private accessTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: PlayerOptions) {
    this.machine.subscribe(() => this.emit());
  }

  get state(): PlayerState {
    return this.machine.state;
  }

  get currentTime(): number {
    return this.video?.currentTime ?? 0;
  }

  get duration(): number {
    const d = this.video?.duration ?? 0;
    return Number.isFinite(d) ? d : 0;
  }

  get isLive(): boolean {
    return this.liveFromPlaylist ?? this.source?.live ?? false;
  }

  snapshot(): PlayerSnapshot {
    const video = this.video;
    const seekable = video?.seekable;
    const hasRange = !!seekable && seekable.length > 0;
    return {
      state: this.machine.state,
      error: this.machine.error,
      live: this.isLive,
      position: this.currentTime,
      start: hasRange ? seekable!.start(0) : 0,
      end: hasRange ? seekable!.end(seekable!.length - 1) : this.duration,
      duration: this.duration,
      audioTracks: this.hls ? tracksOf(this.hls.audioTracks) : [],
      audioTrack: this.hls?.audioTrack ?? -1,
      subtitleTracks: this.hls ? tracksOf(this.hls.subtitleTracks) : [],
      subtitleTrack: this.hls?.subtitleTrack ?? -1,
      levels: this.hls ? this.hls.levels.map((l) => ({ height: l.height })) : [],
      levelCap: this.hls?.autoLevelCapping ?? -1,
      ad: this.ads.view(),
    };
  }

  /**
   * What the debug overlay shows (debug-view.ts words it): latency, buffer, rendition, dropped
   * frames, read now from hls.js and the element. Null when nothing plays through hls.js.
   */
  debugFigures(): DebugFigures | null {
    const hls = this.hls;
    const video = this.video;
    if (!hls || !video) return null;
    const live = this.isLive;
    const details = hls.latestLevelDetails;
    const level = hls.levels[hls.currentLevel];
    const quality = typeof video.getVideoPlaybackQuality === 'function' ? video.getVideoPlaybackQuality() : null;
    const playingDate = hls.playingDate;
    return {
      live,
      lowLatencyMode: hls.lowLatencyMode,
      parts: !!details && details.partTarget > 0,
      clockLatencyS: live && playingDate ? (Date.now() - playingDate.getTime()) / 1000 : null,
      latencyS: live && details ? hls.latency : null,
      targetLatencyS: live ? hls.targetLatency : null,
      playbackRate: video.playbackRate,
      bufferS: bufferedAhead(video, video.currentTime),
      bitrate: level ? level.bitrate : null,
      height: level ? level.height : null,
      level: level ? hls.currentLevel + 1 : null,
      levels: hls.levels.length,
      droppedFrames: quality ? quality.droppedVideoFrames : null,
      totalFrames: quality ? quality.totalVideoFrames : null,
    };
  }

  /** Called on every state or track change (the page also polls the clock while shown). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  load(source: PlaySource): Promise<void> {
    this.access = source.renew ? new AccessRenewal(source.url, Date.now()) : null;
    return this.start(source, false);
  }

  /** Plays `source` (`paused`: and leaves it paused, as the viewer had it). */
  private async start(source: PlaySource, paused: boolean): Promise<void> {
    this.teardown();
    this.source = source;
    this.liveFromPlaylist = null;
    this.reconnect.reset();
    this.mediaRecoveries = 0;
    this.userPaused = paused;
    this.followingLive = !source.startDate;
    this.planRenewal();
    this.lastResyncAt = -Infinity;
    this.machine.send({ type: 'load' });
    const video = (this.video = videoElement());
    video.style.display = 'block';
    this.listen(video);
    try {
      const Hls = (this.Hls = await loadHls());
      if (this.source !== source) return; // stopped or replaced while hls.js was loading
      if (Hls.isSupported()) {
        this.attachHls(Hls, source, video);
      } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
        video.src = source.url;
        if (source.startPosition) video.currentTime = source.startPosition;
      } else {
        this.machine.send({ type: 'error', fatal: true, message: 'unsupported' });
        return;
      }
      if (paused) this.machine.send({ type: 'pause' });
      else await video.play().catch(() => undefined); // an autoplay refusal surfaces as 'paused'
    } catch (error) {
      this.machine.send({ type: 'error', fatal: true, message: (error as Error).message });
    }
  }

  private attachHls(Hls: typeof HlsType, source: PlaySource, video: HTMLVideoElement): void {
    const subtitles = this.options.subtitles();
    const manifests = this.options.manifests;
    const latency = latencyChoice(source.live, capabilities(Hls, video));
    this.appliedTargetLatency = null;
    const hls = new Hls({
      ...hlsConfig({
        live: source.live,
        latency,
        startPosition: source.startPosition,
        sessionId: this.sessionId,
        contentId: source.contentId,
        subtitleLanguage: subtitles.enabled ? subtitles.language : undefined,
      }),
      ...(manifests ? { pLoader: preloadedPlaylistLoader(Hls, manifests) } : {}),
      // A renewed token goes onto requests hls.js still makes with the old one (access-renewal.ts).
      xhrSetup: (xhr: XMLHttpRequest, url: string) => {
        const renewed = this.access?.rewrite(url) ?? url;
        if (renewed !== url) xhr.open('GET', renewed, true);
      },
    });
    // hls.js names its playback session with a fresh id per instance and sends it to the ad
    // server as `_HLS_primary_id`; use the app's session id (the CMCD sid) instead, so frequency
    // caps follow the viewer across channels, not one playback.
    (hls as unknown as { _sessionId?: string })._sessionId = this.sessionId;
    this.hls = hls;
    hls.on(Hls.Events.LEVEL_LOADED, (_e, data) => {
      if (this.liveFromPlaylist !== data.details.live) {
        this.liveFromPlaylist = data.details.live;
        this.emit();
      }
    });
    // The target latency for this playlist (parts or whole segments). LEVEL_UPDATED comes
    // inside hls.js's own LEVEL_LOADED handling, before it picks the first fragment of a live.
    hls.on(Hls.Events.LEVEL_UPDATED, (_e, { details }) => {
      if (!details.live) return;
      const target = liveTargetLatency(details, latency, undefined, subtitlesShown(hls));
      if (target !== this.appliedTargetLatency) {
        this.appliedTargetLatency = target;
        hls.targetLatency = target;
      }
      this.resyncIfBehind(hls, details.targetduration);
    });
    if (source.startDate) this.startAtDate(Hls, hls, source.startDate);
    for (const event of [
      Hls.Events.SUBTITLE_TRACKS_UPDATED,
      Hls.Events.AUDIO_TRACKS_UPDATED,
      Hls.Events.AUDIO_TRACK_SWITCHED,
      Hls.Events.SUBTITLE_TRACK_SWITCH,
      Hls.Events.MANIFEST_PARSED,
    ]) {
      hls.on(event, () => this.emit());
    }
    hls.on(Hls.Events.ERROR, (_e, data) => this.onError(Hls, data));
    // Media buffered again is what ends an outage (the clock moving does not: a live reload
    // jumps the playhead with nothing to play there).
    hls.on(Hls.Events.FRAG_BUFFERED, (_e, data) => {
      if (data.frag.type === 'subtitle') return;
      this.reconnect.reset();
      this.access?.mediaFlowing();
    });
    this.followAdBreaks(Hls, hls);
    // Playlist requests only after the media is attached: hls.js's CMCD starts then, and the
    // master playlist must carry the session id too.
    hls.once(Hls.Events.MEDIA_ATTACHED, () => hls.loadSource(source.url));
    hls.attachMedia(video);
  }

  /**
   * « Depuis le début »: once the first media playlist is there (its dates), hls.js is told to
   * (re)start loading at the media time of `date`, or near the window's start when the live
   * began before what the window holds (start-over.ts), and the playhead is put there, instead of
   * at hls.js's live sync point (keepStartOver corrects a start made elsewhere). Until the
   * picture is there, each playlist is checked: a window that slid past that point with nothing
   * buffered there (its first segment too slow to come: hls.js drops it when it arrives, and
   * waits for good) gets a start further in. Without dates in the playlist, playback stays at
   * the live edge.
   */
  private startAtDate(Hls: typeof HlsType, hls: HlsType, date: Date): void {
    let start: number | null = null;
    let attempt = 0;
    const onLevel = (_e: unknown, { details }: LevelUpdatedData) => {
      const video = this.video;
      const done = () => hls.off(Hls.Events.LEVEL_UPDATED, onLevel);
      if (this.hls !== hls || !details.live || !video) return done();
      if (start === null) {
        start = startOverPosition(details, date.getTime());
        if (start === null) return done();
        this.keepStartOver(() => start ?? video.currentTime, details.targetduration);
      } else if (video.readyState >= video.HAVE_CURRENT_DATA) {
        return done(); // the picture is there: hls.js follows the window from here
      } else if (slidPast(details, start) && !buffersAt(video, start)) {
        start = startOverPosition(details, date.getTime(), ++attempt);
        if (start === null) return done();
      } else return;
      hls.startLoad(start);
      // The playhead too: hls.js's ad-break controller may have put it at the live edge already,
      // nothing buffered yet (seen: the video buffered at `start`, the playhead left at the live
      // edge with nothing to show, for good).
      video.currentTime = start;
    };
    hls.on(Hls.Events.LEVEL_UPDATED, onLevel);
  }

  /**
   * hls.js's ad-break controller (HLS Interstitials) may have started the primary at the live
   * edge already (seen in low-latency mode, where the first playlist comes from a blocking
   * reload): if the picture starts far from `start`, one seek puts it there.
   */
  private keepStartOver(start: () => number, targetduration: number): void {
    const video = this.video;
    if (!video) return;
    const onPlaying = () => {
      video.removeEventListener('playing', onPlaying);
      const at = start();
      if (Math.abs(video.currentTime - at) > 2 * targetduration) video.currentTime = at;
    };
    video.addEventListener('playing', onPlaying);
    this.detach.push(() => video.removeEventListener('playing', onPlaying));
  }

  /**
   * Ad breaks: hls.js plays the spots (X-RESTRICT keeps the viewer from seeking in them or
   * jumping over them); AdBreakPlayback follows which spot plays and reports it.
   */
  private followAdBreaks(Hls: typeof HlsType, hls: HlsType): void {
    hls.on(Hls.Events.INTERSTITIAL_ASSET_STARTED, (_e, data) => {
      const player = data.player;
      this.ads.spotStarted({
        breakId: data.event.identifier,
        index: data.assetListIndex,
        assetList: data.event.assetListResponse,
        position: () => player.currentTime,
      });
      this.keepPlaying();
    });
    hls.on(Hls.Events.INTERSTITIAL_ASSET_ENDED, () => this.ads.spotEnded());
    hls.on(Hls.Events.INTERSTITIAL_ENDED, () => this.ads.breakEnded());
    hls.on(Hls.Events.INTERSTITIALS_PRIMARY_RESUMED, () => {
      this.ads.breakEnded();
      this.keepPlaying();
    });
  }

  /**
   * A spot played in its own MediaSource (a pre-roll, a replay's break) swaps the element's
   * source, which leaves it paused: play on unless the viewer paused.
   */
  private keepPlaying(): void {
    const video = this.video;
    if (video?.paused && !this.userPaused) void video.play().catch(() => undefined);
  }

  /** True while an ad plays: the remote's seek keys do nothing then. */
  get inAd(): boolean {
    return this.ads.playing;
  }

  /**
   * Network failures are retried (hls.js first retries each request itself; when it gives
   * up, the player reloads on its own schedule, showing "Reconnexion…", within a budget of
   * time: ReconnectPolicy); a media error gets one hls.js recovery; anything else, or an
   * outage past the budget, is the error screen.
   */
  private onError(Hls: typeof HlsType, data: ErrorData): void {
    if (data.response?.code === 403 && this.onRefused(data)) return;
    const network = data.type === Hls.ErrorTypes.NETWORK_ERROR;
    // An outage starts with the first media request that fails (subtitles do not count: the
    // picture plays on without them).
    if (network && data.frag && data.frag.type !== 'subtitle') this.reconnect.failed(Date.now());
    if (!data.fatal) {
      // Requests failing while the buffer is empty: say so rather than "loading" forever.
      if (network && (this.state === 'buffering' || this.state === 'loading')) this.machine.send({ type: 'reconnect' });
      return;
    }
    if (network) {
      const delay = this.reconnect.next(Date.now());
      if (delay === null) {
        this.machine.send({ type: 'error', fatal: true, message: data.details });
        if (this.isLive) this.liveReturn.start();
        return;
      }
      this.machine.send({ type: 'reconnect' });
      this.reconnectTimer = setTimeout(() => this.resumeLoading(), delay);
      return;
    }
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && this.mediaRecoveries < 2) {
      this.mediaRecoveries++;
      this.hls?.recoverMediaError();
      return;
    }
    this.machine.send({ type: 'error', fatal: true, message: data.details });
  }

  /**
   * A 403 on a signed stream: its token expired (or was never good). hls.js would try the other
   * renditions (more 403s) then give up: stop it, ask the catalog for a fresh URL and reload
   * there, where the viewer was. False when this is no access matter (the usual handling).
   */
  private onRefused(data: ErrorData): boolean {
    const access = this.access;
    const url = data.url ?? data.context?.url ?? data.part?.url ?? data.frag?.url;
    if (!access || !url) return false;
    const decision = access.refused(url);
    // 'wait': a renewal is on its way; until it lands, hls.js and the reconnection go on as usual
    // (a renewal ahead swaps the token under them; one after a 403 reloads).
    if (decision === 'ignore' || decision === 'wait') return false;
    this.hls?.stopLoad();
    if (decision === 'give-up') this.machine.send({ type: 'error', fatal: true, message: ACCESS_REFUSED });
    else if (decision === 'renew') {
      this.machine.send({ type: 'reconnect' });
      void this.renewAccess(access);
    }
    return true;
  }

  /** The next renewal ahead of the token's expiry, on a timer (none for an open stream). */
  private planRenewal(): void {
    if (this.accessTimer) clearTimeout(this.accessTimer);
    this.accessTimer = null;
    const access = this.access;
    const at = access?.renewAt;
    if (!access || at === null || at === undefined) return;
    this.accessTimer = setTimeout(
      () => {
        this.accessTimer = null;
        if (access !== this.access) return;
        if (access.dueAhead(Date.now())) void this.renewAccess(access);
        // Timers and Date.now() are different clocks: one may fire a moment early. Not due yet is
        // "wait a little more", never "no renewal" (the token would expire under the viewer).
        else if (!access.busy) this.planRenewal();
      },
      Math.max(0, at - Date.now()),
    );
  }

  /** Asks the catalog (the source's `renew`) and acts on access-renewal.ts's verdict. */
  private async renewAccess(access: AccessRenewal): Promise<void> {
    const renew = this.source?.renew;
    const url = renew ? await renew().catch(() => null) : null;
    const source = this.source;
    if (access !== this.access || !source) return; // stopped or replaced meanwhile
    const outcome = access.renewed(url, Date.now());
    if (outcome === 'give-up') {
      this.machine.send({ type: 'error', fatal: true, message: ACCESS_REFUSED });
      return;
    }
    if (outcome === 'reload') {
      await this.start(this.resumePoint({ ...source, url: access.currentUrl }), this.userPaused);
      return;
    }
    if (outcome === 'swap') this.source = { ...source, url: access.currentUrl };
    this.planRenewal();
  }

  /**
   * `source` resumed where the viewer is: a replay at the same position; a live followed at its
   * edge; a live watched behind (start-over, pause, seek back) at the same programme date.
   */
  private resumePoint(source: PlaySource): PlaySource {
    const resumed = { ...source, startPosition: undefined, startDate: undefined };
    if (!source.live) return { ...resumed, startPosition: this.currentTime || source.startPosition };
    const date = this.followingLive ? null : this.hls?.playingDate;
    return date ? { ...resumed, startDate: date } : resumed;
  }

  private resumeLoading(): void {
    this.reconnectTimer = null;
    const hls = this.hls;
    const source = this.source;
    if (!hls || !source) return;
    // Without a loaded playlist there is nothing to resume: load it again.
    if (hls.levels.length === 0) hls.loadSource(source.url);
    else hls.startLoad(this.isLive ? -1 : this.currentTime);
    void this.video?.play().catch(() => undefined);
  }

  /** A followed live that stalls its way behind jumps back to its target (see shouldResync). */
  private resyncIfBehind(hls: HlsType, targetduration: number): void {
    const video = this.video;
    const target = hls.targetLatency;
    const position = hls.liveSyncPosition;
    if (!video || target === null || position === null || !Number.isFinite(position)) return;
    const now = Date.now();
    const behind = shouldResync(
      {
        followingLive: this.followingLive,
        latency: hls.latency,
        targetLatency: target,
        targetduration,
        paused: video.paused,
        inAd: this.inAd,
        sinceLastResyncMs: now - this.lastResyncAt,
      },
      PLAYER_DEFAULTS.lowLatency.resyncCooldownMs,
    );
    if (!behind) return;
    this.lastResyncAt = now;
    video.currentTime = position;
  }

  togglePause(): void {
    const video = this.video;
    if (!video) return;
    // Paused on a live, the viewer chose to be behind: no jump back to the edge on resuming.
    if (!video.paused) this.followingLive = false;
    this.userPaused = !video.paused;
    if (video.paused) void video.play().catch(() => undefined);
    else video.pause();
  }

  /** Relative seek in seconds, inside what is seekable (the live window included). */
  seekBy(seconds: number): void {
    const video = this.video;
    if (!video || video.seekable.length === 0 || this.inAd) return;
    const start = video.seekable.start(0);
    const end = video.seekable.end(video.seekable.length - 1);
    video.currentTime = seekTarget(video.currentTime, seconds, start, end);
    this.followingLive = false;
    this.emit();
  }

  /** Back to the live edge (hls.js's sync point, a few segments behind the newest). */
  seekToLive(): void {
    const video = this.video;
    if (this.inAd) return;
    const target = this.hls?.liveSyncPosition;
    if (video && typeof target === 'number' && Number.isFinite(target)) video.currentTime = target;
    if (video?.paused) void video.play().catch(() => undefined);
    this.followingLive = true;
    this.emit();
  }

  setAudioTrack(index: number): void {
    if (this.hls && index >= 0 && index < this.hls.audioTracks.length) this.hls.audioTrack = index;
    this.emit();
  }

  /** -1 turns subtitles off. */
  setSubtitleTrack(index: number): void {
    const hls = this.hls;
    if (!hls) return;
    hls.subtitleDisplay = index >= 0;
    hls.subtitleTrack = index;
    this.holdForSubtitles(hls);
    this.emit();
  }

  /**
   * Subtitles turned on during a followed low-latency live: the whole-segment latency at once
   * (latency.ts), back to where their cues are (a jump of a few seconds); hls.js would not slow
   * down to get there. Turned off, the catch-up brings the picture forward again by itself.
   */
  private holdForSubtitles(hls: HlsType): void {
    const details = hls.latestLevelDetails;
    if (!this.isLive || !details?.live || !this.followingLive) return;
    const latency = latencyChoice(true, capabilities(this.Hls!, this.video!));
    const target = liveTargetLatency(details, latency, undefined, subtitlesShown(hls));
    if (target === this.appliedTargetLatency) return;
    this.appliedTargetLatency = target;
    hls.targetLatency = target;
    const position = hls.liveSyncPosition;
    if (this.video && position !== null && this.video.currentTime > position + 1) this.video.currentTime = position;
  }

  /**
   * Caps ABR at level `index` (-1: no cap, « Auto »). ABR stays on below the cap. When the
   * level playing is above it, the next fragments switch down at once (hls.js's nextLevel
   * flushes what is buffered ahead at the higher level) and ABR takes over again from there.
   */
  setLevelCap(index: number): void {
    const hls = this.hls;
    if (!hls) return;
    const cap = index >= 0 && index < hls.levels.length ? index : -1;
    hls.autoLevelCapping = cap;
    if (cap >= 0 && Math.max(hls.currentLevel, hls.loadLevel) > cap) {
      hls.nextLevel = cap; // a manual switch, so it happens now…
      hls.loadLevel = -1; // …then back to ABR (manual level off), which the cap now bounds
    }
    this.emit();
  }

  /**
   * Whether the live given up on can play again: its media playlist answers, and so does the
   * newest segment it lists (a playlist alone may come from a cache while segments still fail).
   */
  private async liveIsBack(): Promise<boolean> {
    const hls = this.hls;
    const playlistUrl = hls?.levels[Math.max(0, hls.currentLevel)]?.uri ?? this.source?.url;
    if (!playlistUrl) return false;
    const playlist = await fetch(playlistUrl, { cache: 'no-store' });
    if (!playlist.ok) return false;
    const newest = (await playlist.text())
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .pop();
    if (!newest) return false;
    const segment = await fetch(new URL(newest, playlist.url || playlistUrl).href, { cache: 'no-store' });
    void segment.body?.cancel().catch(() => undefined);
    return segment.ok;
  }

  /** Restarts the current source from where it was (the "Réessayer" of the error screen). */
  retry(): Promise<void> {
    const source = this.source;
    if (!source) return Promise.resolve();
    return this.load({ ...source, startPosition: source.live ? undefined : this.currentTime || source.startPosition });
  }

  /** Stops playback, hides the video and returns where it stopped (seconds). */
  stop(): number {
    const position = this.currentTime;
    this.teardown();
    this.source = null;
    this.access = null;
    this.machine.send({ type: 'stop' });
    return position;
  }

  private listen(video: HTMLVideoElement): void {
    const on = (name: string, handler: () => void) => {
      video.addEventListener(name, handler);
      this.detach.push(() => video.removeEventListener(name, handler));
    };
    on('playing', () => this.machine.send({ type: 'playing' }));
    // 'playing' does not always follow a recovered stall (the element may never have paused
    // its clock): the clock advancing by playback is playing. Not a jump: hls.js reloading a
    // live seeks to the live edge, which moves the clock over a frozen picture (the viewer
    // must go on seeing "Reconnexion…" then).
    let lastTime = 0;
    on('timeupdate', () => {
      const step = video.currentTime - lastTime;
      lastTime = video.currentTime;
      if (!advancedByPlayback(video, step, PLAYER_DEFAULTS.maxPlaybackStepS)) return;
      if (this.state === 'buffering' || this.state === 'reconnecting' || this.state === 'loading')
        this.machine.send({ type: 'playing' });
    });
    // hls.js swaps the element's source between programme and spots (pre-roll, replay breaks):
    // each new source starts paused, so play on once it can, unless the viewer paused.
    on('canplay', () => this.keepPlaying());
    on('pause', () => this.machine.send({ type: 'pause' }));
    on('waiting', () => this.machine.send({ type: 'waiting' }));
    on('ended', () => this.machine.send({ type: 'ended' }));
    on('error', () => {
      // With hls.js attached, its ERROR event is the one to act on (it may recover).
      if (!this.hls) this.machine.send({ type: 'error', fatal: true, message: video.error?.message || 'media error' });
    });
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  private teardown(): void {
    this.liveReturn.stop();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.accessTimer) clearTimeout(this.accessTimer);
    this.accessTimer = null;
    for (const off of this.detach.splice(0)) off();
    this.ads.breakEnded();
    this.hls?.destroy();
    this.hls = null;
    const video = this.video;
    if (video) {
      video.pause();
      video.removeAttribute('src');
      video.load();
      video.style.display = 'none';
    }
  }
}

export { PLAYER_DEFAULTS };
