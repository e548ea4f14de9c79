// One typed player around hls.js and the page's <video>: hls.js is imported only when
// playback first starts (it is ~180 KB gzipped and the home screen does not need it);
// where MSE is missing but the browser plays HLS natively, the <video> plays the URL itself.
import type HlsType from 'hls.js';
import { PlayerStateMachine, type PlayerState } from './player-state.ts';

export interface PlaySource {
  /** Playlist URL, relative to the edge the app was loaded from. */
  url: string;
  live: boolean;
  /** Seconds; live streams start at the live edge when absent. */
  startPosition?: number;
}

let hlsModule: Promise<typeof HlsType> | null = null;
function loadHls(): Promise<typeof HlsType> {
  // Legacy build: an IIFE cannot split chunks, so hls.js's own ES5 build is copied next to
  // the app and added as a script on first play (the home screen never pays for it).
  hlsModule ??= __LEGACY_BUILD__ ? loadScript('hls.min.js').then(() => (window as unknown as { Hls: typeof HlsType }).Hls) : import('hls.js').then((m) => m.default);
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

export class HlsPlayer {
  readonly machine = new PlayerStateMachine();
  private hls: HlsType | null = null;
  private video: HTMLVideoElement | null = null;
  private source: PlaySource | null = null;
  private readonly detach: (() => void)[] = [];

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
    return this.source?.live ?? false;
  }

  async load(source: PlaySource): Promise<void> {
    this.teardown();
    this.source = source;
    this.machine.send({ type: 'load' });
    const video = (this.video = videoElement());
    video.style.display = 'block';
    this.listen(video);
    try {
      const Hls = await loadHls();
      if (this.source !== source) return; // stopped or replaced while hls.js was loading
      if (Hls.isSupported()) {
        const hls = new Hls({
          startPosition: source.startPosition ?? -1,
          // Live: stay a few segments behind the edge so a slow TV does not stall at the edge.
          liveSyncDurationCount: 3,
          backBufferLength: source.live ? 30 : 60,
          enableWorker: true,
        });
        this.hls = hls;
        hls.on(Hls.Events.ERROR, (_event, data) => {
          this.machine.send({ type: 'error', fatal: data.fatal, message: data.details });
        });
        hls.attachMedia(video);
        hls.loadSource(source.url);
      } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
        video.src = source.url;
        if (source.startPosition) video.currentTime = source.startPosition;
      } else {
        this.machine.send({ type: 'error', fatal: true, message: 'unsupported' });
        return;
      }
      await video.play().catch(() => undefined); // autoplay refusal surfaces as 'paused'
    } catch (error) {
      this.machine.send({ type: 'error', fatal: true, message: (error as Error).message });
    }
  }

  togglePause(): void {
    const video = this.video;
    if (!video) return;
    if (video.paused) void video.play().catch(() => undefined);
    else video.pause();
  }

  /** Relative seek in seconds, clamped to what is seekable. */
  seekBy(seconds: number): void {
    const video = this.video;
    if (!video || video.seekable.length === 0) return;
    const start = video.seekable.start(0);
    const end = video.seekable.end(video.seekable.length - 1);
    video.currentTime = Math.max(start, Math.min(end - 1, video.currentTime + seconds));
  }

  /** Restarts the current source (the "Réessayer" of the error state). */
  retry(): Promise<void> {
    const source = this.source;
    return source ? this.load({ ...source, startPosition: this.currentTime || source.startPosition }) : Promise.resolve();
  }

  /** Stops playback, hides the video and returns where it stopped (seconds). */
  stop(): number {
    const position = this.currentTime;
    this.teardown();
    this.source = null;
    this.machine.send({ type: 'stop' });
    return position;
  }

  private listen(video: HTMLVideoElement): void {
    const on = (name: string, handler: () => void) => {
      video.addEventListener(name, handler);
      this.detach.push(() => video.removeEventListener(name, handler));
    };
    on('playing', () => this.machine.send({ type: 'playing' }));
    on('pause', () => this.machine.send({ type: 'pause' }));
    on('waiting', () => this.machine.send({ type: 'waiting' }));
    on('ended', () => this.machine.send({ type: 'ended' }));
    on('error', () => this.machine.send({ type: 'error', fatal: true, message: video.error?.message || 'media error' }));
  }

  private teardown(): void {
    for (const off of this.detach.splice(0)) off();
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
