// The player page's stand-in in the App's page stack: the player page (overlay, seek preview,
// chapters, live-end offer) is its own chunk, fetched on first play alongside hls.js, so the
// home screen's initial JS does not carry it. The host is what the App stacks, stops and
// focuses; the page appears inside it once loaded (at once on later plays: the chunk is cached,
// and on legacy TVs it is in the one bundle anyway).
import { Lightning } from '@lightningjs/sdk';
import { STAGE } from '../ui/theme.ts';
import type { Navigator } from '../app/routes.ts';
import type { PlayerPage, PlayerRoute } from './PlayerPage.ts';
import { loadPlayerPage } from './player-page-loader.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

let pageModule: ReturnType<typeof loadPlayerPage> | null = null;

/** Starts fetching the player page (idempotent): call it when playback is likely soon. */
export function preloadPlayerPage(): ReturnType<typeof loadPlayerPage> {
  pageModule ??= loadPlayerPage();
  return pageModule;
}

export class PlayerHost extends Lightning.Component<Loose> {
  /** The page shows the video: the App hides its opaque background under it. */
  readonly showsVideo = true;
  private navigator!: Navigator;
  private page: PlayerPage | null = null;
  private stopped = false;

  static override _template(): Lightning.Component.Template<Loose> {
    return { w: STAGE.w, h: STAGE.h };
  }

  set nav(navigator: Navigator) {
    this.navigator = navigator;
  }

  set route(route: PlayerRoute) {
    void this.attachPage(route);
  }

  private async attachPage(route: PlayerRoute): Promise<void> {
    try {
      const { PlayerPage } = await preloadPlayerPage();
      if (this.stopped) return; // left (Back, another zap) while the chunk was loading
      this.page = this.childList.a({ type: PlayerPage, nav: this.navigator, route }) as PlayerPage;
      this._refocus();
    } catch {
      // The chunk could not be fetched (network down): nothing to play, leave.
      pageModule = null;
      if (!this.stopped) this.navigator.back();
    }
  }

  /** Stops playback (and remembers a replay's position); see PlayerPage.stop. */
  stop(): void {
    this.stopped = true;
    this.page?.stop();
  }

  override _getFocused(): Lightning.Component | undefined {
    return this.page ?? this;
  }
}
