// The root component: a stack of pages (Back pops one and the page below gets its
// focus back exactly where it was; Back on Home asks to quit), the opaque background
// hidden under the player, the key-repeat gate, the keys that work everywhere
// (digits → channels, colour keys → sections), the network banner and the Announcer.
import { Accessibility, Lightning } from '@lightningjs/sdk';
import { COLOR, STAGE } from '../ui/theme.ts';
import { createKeyRepeatGate } from '../navigation/key-repeat.ts';
import { DIGIT_TO_CHANNEL_INDEX, nextLiveChannel, type KeyName } from '../navigation/key-map.ts';
import type { Navigator, Route } from './routes.ts';
import { HomePage } from '../pages/HomePage.ts';
import { PlayerHost, preloadPlayerPage } from '../pages/PlayerHost.ts';
import { ChannelPage } from '../pages/ChannelPage.ts';
import { EventPage } from '../pages/EventPage.ts';
import { ProgrammePage } from '../pages/ProgrammePage.ts';
import { SearchPage } from '../pages/SearchPage.ts';
import { SettingsPage } from '../pages/SettingsPage.ts';
import { Dialog } from '../ui/components/Dialog.ts';
import { Banner } from '../ui/components/Banner.ts';
import { cachedHome, catalog, connectivity, manifests, preferences } from './services.ts';
import { playbackOf } from '../player/playable.ts';
import { parseDeepLink, platformLaunchParams, venueEventOf, type DeepLink } from './deep-link.ts';
import { VenueHost } from '../venue/VenueHost.ts';
import { setLanguage, t } from '../i18n/index.ts';
import { setVoiceGuidance } from './voice-guidance.ts';
import { CHANNEL_IDS } from '../../../shared/catalog/types.ts';
import { itemAt } from '../../../shared/lang/item-at.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

interface StackEntry {
  route: Route;
  page: Lightning.Component;
}

/** The player page is its own chunk: fetched this long after start-up, once the home is up. */
const PLAYER_PRELOAD_MS = 3_000;

/** While offline, the API is probed this often until it answers. */
const RECONNECT_PROBE_MS = 5_000;

export class App extends Lightning.Component<Loose> implements Navigator {
  private readonly stack: StackEntry[] = [];
  private readonly keyGate = createKeyRepeatGate(120);
  private probeTimer: ReturnType<typeof setInterval> | null = null;

  static getFonts(): { family: string; url: string }[] {
    return __FONTS__.map(([family, file]) => ({ family, url: `fonts/${file}` }));
  }

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w,
      h: STAGE.h,
      Background: { w: STAGE.w, h: STAGE.h, rect: true, colorTop: COLOR.background, colorBottom: 0xff05070d },
      Pages: {},
      Dialog: { type: Dialog },
      Banner: { type: Banner },
    };
  }

  override _init(): void {
    // Saved preferences (the SDK's Storage is ready once Launch has run): French by default.
    const prefs = preferences.get();
    setLanguage(prefs.language);
    setVoiceGuidance(prefs.voiceGuidance);
    // A venue's big screen: that page alone, no home, no player preload, no network banner.
    const venue = venueEventOf(location.search, platformLaunchParams());
    if (venue) {
      this.open({ name: 'venue', eventId: venue });
      return;
    }
    this.open({ name: 'home' });
    void this.followDeepLink(parseDeepLink(location.search, platformLaunchParams()));
    this.watchConnectivity();
    setTimeout(() => void preloadPlayerPage().catch(() => undefined), PLAYER_PRELOAD_MS);
  }

  // ---- navigation -------------------------------------------------------------------

  open(route: Route): void {
    // OK came before the focus had rested: no preload now (one already sent is still used).
    manifests.cancel();
    const previous = this.stack[this.stack.length - 1];
    // A new player replaces the one on top (zapping) instead of stacking players; the old one
    // stops before the new one starts loading (they share the one <video>).
    if (previous && route.name === 'player' && previous.page instanceof PlayerHost) {
      this.stack.pop();
      previous.page.stop();
      this.tag('Pages').childList.remove(previous.page);
    } else if (previous) {
      // The page below stays alive (its focus memory is in it) but invisible: its
      // textures are no longer drawn and the texture manager may free them.
      previous.page.visible = false;
    }
    const page = this.createPage(route);
    this.stack.push({ route, page });
    this.updateBackground();
    this._refocus();
  }

  back(): void {
    if (this.stack.length <= 1) return;
    const top = this.stack.pop()!;
    if (top.page instanceof PlayerHost) top.page.stop();
    this.tag('Pages').childList.remove(top.page);
    const below = itemAt(this.stack, this.stack.length - 1);
    below.page.visible = true;
    (below.page as { refresh?: () => void }).refresh?.();
    this.updateBackground();
    this._refocus();
    // The left page's textures go now, not at the next memory pressure.
    this.stage.gc(true);
  }

  private createPage(route: Route): Lightning.Component {
    const pages = this.tag('Pages');
    const add = (spec: Record<string, unknown>) => pages.childList.a({ nav: this, ...spec }) as Lightning.Component;
    switch (route.name) {
      case 'home':
        return add({ type: HomePage });
      case 'player':
        return add({ type: PlayerHost, route });
      case 'channel':
        return add({ type: ChannelPage, route });
      case 'event':
        return add({ type: EventPage, route });
      case 'programme':
        return add({ type: ProgrammePage });
      case 'search':
        return add({ type: SearchPage });
      case 'settings':
        return add({ type: SettingsPage });
      case 'venue':
        return add({ type: VenueHost, eventId: route.eventId });
    }
  }

  private updateBackground(): void {
    const top = this.stack[this.stack.length - 1];
    this.tag('Background').visible = !(top && (top.page as { showsVideo?: boolean }).showsVideo);
  }

  private async followDeepLink(link: DeepLink | null): Promise<void> {
    if (!link) return;
    try {
      if (link.kind === 'event') this.open({ name: 'event', eventId: link.id });
      else if (link.kind === 'channel') this.open({ name: 'channel', channelId: link.id });
      else {
        const replay = await catalog.replay(link.id);
        this.open({
          name: 'player',
          playable: { kind: 'replay', replay },
          startPosition: preferences.resumePosition(replay.id) ?? undefined,
        });
      }
    } catch {
      // Unknown id or network down: the home (already open) is the right place to be.
    }
  }

  private askToQuit(): void {
    (this.tag('Dialog') as Dialog).open(
      t('quit.title'),
      [
        { id: 'cancel', label: t('action.cancel') },
        { id: 'quit', label: t('action.quit') },
      ],
      (choice) => {
        if (choice === 'quit') (this.application as unknown as { closeApp(): void }).closeApp();
        this._refocus();
      },
    );
    this._refocus();
  }

  // ---- connectivity -----------------------------------------------------------------

  private watchConnectivity(): void {
    window.addEventListener('offline', () => connectivity.report(false));
    window.addEventListener('online', () => void this.probe());
    const banner = this.tag('Banner') as Banner;
    connectivity.subscribe((state) => {
      if (state === 'offline') {
        banner.show(t('network.lost'), 'error');
        this.probeTimer ??= setInterval(() => void this.probe(), RECONNECT_PROBE_MS);
      } else {
        banner.show(t('network.back'), 'ok', 3000);
        if (this.probeTimer) clearInterval(this.probeTimer);
        this.probeTimer = null;
        // The page on top reloads what it could not get.
        (this.stack[this.stack.length - 1]?.page as { refresh?: () => void } | undefined)?.refresh?.();
      }
    });
  }

  private async probe(): Promise<void> {
    try {
      await catalog.home();
    } catch {
      // Still offline: the monitor already knows, the banner stays.
    }
  }

  // ---- keys -------------------------------------------------------------------------

  /** Drops key repeats beyond one per 120 ms (no queue of moves after a long press). */
  override _captureKey(event: KeyboardEvent): boolean {
    const accepted = this.keyGate.accept(String(event.keyCode), event.repeat, performance.now());
    return !accepted; // true = consumed (dropped), false = let it through
  }

  override _captureKeyRelease(event: KeyboardEvent): boolean {
    this.keyGate.release(String(event.keyCode));
    return false;
  }

  override _handleBack(): boolean | void {
    if (this.stack.length > 1) this.back();
    else this.askToQuit();
  }

  override _handleExit(): void {
    (this.application as unknown as { closeApp(): void }).closeApp();
  }

  /** Digits 1–4 zap to the channels' live streams (or their page when nothing is on air). */
  private zap(key: KeyName): void {
    const index = DIGIT_TO_CHANNEL_INDEX[key];
    const channelId = index === undefined ? undefined : CHANNEL_IDS[index];
    if (!channelId) return;
    const rails = cachedHome()?.channels.find((r) => r.channel.id === channelId);
    if (rails?.onAir?.playbackUrl) this.open({ name: 'player', playable: { kind: 'live', event: rails.onAir } });
    else this.open({ name: 'channel', channelId });
  }

  /** CH+ / CH− in the player: the next (or previous) channel with something on air. */
  private zapBy(step: 1 | -1): void {
    const route = this.stack[this.stack.length - 1]?.route;
    const home = cachedHome();
    if (!home || route?.name !== 'player' || route.playable.kind !== 'live') return;
    const channelId = route.playable.event.channelId;
    const current = home.channels.findIndex((r) => r.channel.id === channelId);
    const index = nextLiveChannel(home.channels, current, step, (r) => !!r.onAir?.playbackUrl);
    const onAir = index === null ? null : itemAt(home.channels, index).onAir;
    if (onAir) this.open({ name: 'player', playable: { kind: 'live', event: onAir } });
  }

  _handleChannelUp(): void {
    this.zapBy(1);
  }
  _handleChannelDown(): void {
    this.zapBy(-1);
  }
  _handleDigit1(): void {
    this.zap('Digit1');
  }
  _handleDigit2(): void {
    this.zap('Digit2');
  }
  _handleDigit3(): void {
    this.zap('Digit3');
  }
  _handleDigit4(): void {
    this.zap('Digit4');
  }
  /** Colour keys: red = programme, green = search, yellow = settings, blue = home. */
  _handleRed(): void {
    this.open({ name: 'programme' });
  }
  _handleGreen(): void {
    this.open({ name: 'search' });
  }
  _handleYellow(): void {
    this.open({ name: 'settings' });
  }
  _handleBlue(): void {
    while (this.stack.length > 1) this.back();
  }
  _handleSearch(): void {
    this.open({ name: 'search' });
  }

  /** A page's focus settled where OK would open `route`: a playback's playlist is preloaded. */
  $focusLeadsTo(route: Route | null): void {
    manifests.focus(route?.name === 'player' ? playbackOf(route.playable).url || null : null);
  }

  /** Voice guidance: the SDK Announcer reads the newly focused item. */
  override _focusChange(): void {
    if (Accessibility.Announcer.enabled) Accessibility.Announcer.onFocusChange(this.application.focusPath ?? []);
  }

  override _getFocused(): Lightning.Component | undefined {
    const dialog = this.tag('Dialog') as Dialog;
    if (dialog.isOpen) return dialog;
    return this.stack[this.stack.length - 1]?.page;
  }
}
