// Home: a hero (on air now, or next), the four channels in their colours, then the
// rails En direct, Continuer à regarder, À venir, Replays, Résumés. The header's menu
// leads to the programme, search and settings.
import type { Lightning } from '@lightningjs/sdk';
import type { Route } from '../app/routes.ts';
import type { HomeResponse } from '../../../shared/catalog/types.ts';
import { COLOR, FONT, SAFE, STAGE, TYPE } from '../ui/theme.ts';
import { FIRST_SCREEN_TILES } from '../startup/first-screen.ts';
import { RowsPage, type FocusRow } from '../ui/components/RowsPage.ts';
import { ChannelRow } from '../ui/components/ChannelTile.ts';
import { Rail, RAIL_HEIGHT } from '../ui/components/Rail.ts';
import { Clock } from '../ui/components/Clock.ts';
import { StatusView } from '../ui/components/StatusView.ts';
import { ButtonRow } from '../ui/components/ButtonRow.ts';
import { Hero, HERO_HEIGHT, type HeroData } from '../ui/components/Hero.ts';
import { channelIsLive, countdownLabel, heroFor, homeRails, type HeroChoice, type HomeRail } from '../catalog/rails.ts';
import { countdown } from '../schedule/schedule.ts';
import { loadHome, preferences } from '../app/services.ts';
import { formatDate, formatTime, t } from '../i18n/index.ts';
import { setTestId } from '../ui/test-id.ts';
import { railRef, tileRoute } from './open-tile.ts';
import { texturesLoaded } from '../ui/textures-loaded.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

const CHANNELS_Y = HERO_HEIGHT + 20;
const RAILS_Y = CHANNELS_Y + 280;
/** The home re-reads the catalog this often so "on air" and countdowns stay true. */
const REFRESH_MS = 60_000;
/**
 * The home waits this long at most, once its data is in, for the images of its first screen
 * before it is shown (the placeholder stays meanwhile): shown once and complete, not tile by
 * tile; past it, what is missing fades in when it comes.
 */
const FIRST_SCREEN_IMAGES_WAIT_MS = 800;

export class HomePage extends RowsPage {
  private home: HomeResponse | null = null;
  private hero: HeroChoice | null = null;
  private rails: HomeRail[] = [];
  private refreshTimer: ReturnType<typeof setInterval> | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w,
      h: STAGE.h,
      Rows: {
        x: SAFE.x,
        y: 130,
        Hero: { type: Hero, y: 0 },
        Channels: { type: ChannelRow, y: CHANNELS_Y },
        Rails: { y: RAILS_Y },
      },
      Header: {
        w: STAGE.w,
        h: 140,
        // Rails scrolled up pass under the header: an opaque band, then a short fade.
        Shade: { w: STAGE.w, h: 128, rect: true, color: COLOR.background },
        Fade: { y: 128, w: STAGE.w, h: 40, rect: true, colorTop: COLOR.background, colorBottom: 0x000b0f1a },
        Brand: {
          x: SAFE.x,
          y: SAFE.y,
          text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.title, textColor: COLOR.text },
        },
        Menu: { type: ButtonRow, x: 520, y: SAFE.y - 12, rowId: 'menu' },
        Clock: { type: Clock, x: STAGE.w - SAFE.x, y: SAFE.y },
      },
      Status: { type: StatusView },
    };
  }

  override _init(): void {
    setTestId(this, 'page-home');
    // Texts are set here, not in the template: Lightning compiles a template once per class,
    // so a text read there would keep the language of the first page ever created.
    this.tag('Brand').text.text = t('app.name');
    this.rowsTop = 130;
    this.unscrolledRows = 3; // menu, hero, channels
    this.scrollMargin = 40;
    this.renderMenu();
    void this.load();
    this.refreshTimer = setInterval(() => void this.load(true), REFRESH_MS);
  }

  override _detach(): void {
    // Detached only when the app closes: pages below the top stay attached (hidden).
    if (this.refreshTimer) clearInterval(this.refreshTimer);
  }

  protected override get loaded(): boolean {
    return this.home !== null;
  }

  private load(background = false): Promise<void> {
    return this.loadWith(async () => {
      this.home = await loadHome();
    }, background);
  }

  /** The images on screen when the home opens: the hero's picture, the channels' logos, the first rail's posters. */
  protected override firstScreenReady(): Promise<void> {
    const firstRail = this.rails[0] ? (this.tag('Rails').tag(railRef(this.rails[0].id)) as Rail) : null;
    return texturesLoaded(
      [
        ...(this.hero ? [(this.tag('Hero') as Hero).image] : []),
        ...(this.tag('Channels') as ChannelRow).logos,
        ...(firstRail?.posters(FIRST_SCREEN_TILES) ?? []),
      ],
      FIRST_SCREEN_IMAGES_WAIT_MS,
    );
  }

  /** The header's menu (its labels follow the language setting). */
  private renderMenu(): void {
    (this.tag('Menu') as ButtonRow).patch({
      buttons: [
        { id: 'programme', label: t('nav.programme') },
        { id: 'search', label: t('nav.search') },
        { id: 'settings', label: t('nav.settings') },
      ],
    });
  }

  protected override render(): void {
    const home = this.home;
    if (!home) return;
    this.renderMenu();
    const now = new Date();
    this.hero = heroFor(home, now);
    const hero = this.tag('Hero') as Hero;
    hero.visible = this.hero !== null;
    if (this.hero) hero.patch({ data: this.heroData(this.hero, now) });
    (this.tag('Channels') as ChannelRow).patch({
      title: t('rail.channels'),
      entries: home.channels.map((rails) => ({
        channel: rails.channel,
        onAir: channelIsLive(rails, now) ? rails.onAir!.title : null,
      })),
    });
    this.rails = homeRails(home, now, preferences.resumePoints());
    const container = this.tag('Rails');
    // Rails are rebuilt only when their set changes; otherwise updated in place (keeps focus and scroll).
    const sameSet =
      container.children.length === this.rails.length &&
      this.rails.every((r, i) => (container.children[i] as unknown as { ref: string }).ref === railRef(r.id));
    if (!sameSet) {
      container.children = this.rails.map((rail, i) => ({
        type: Rail,
        ref: railRef(rail.id),
        y: i * RAIL_HEIGHT,
        railId: rail.id,
      }));
    }
    for (const rail of this.rails)
      (container.tag(railRef(rail.id)) as Rail).patch({ title: rail.title, items: rail.tiles });
    this.syncGrid();
  }

  private heroData(choice: HeroChoice, now: Date): HeroData {
    const { event, channel } = choice;
    const starts = new Date(event.startsAt);
    const ends = new Date(event.endsAt);
    return {
      kicker:
        choice.kind === 'live'
          ? `${t('home.onAirNow').toUpperCase()} · ${channel.name}`
          : `${t('home.next').toUpperCase()} · ${countdownLabel(countdown(starts, now))}`,
      color: channel.color,
      live: choice.kind === 'live',
      title: event.title,
      meta: `${channel.name} · ${event.venue} · ${formatDate(starts)}, ${formatTime(starts)} – ${formatTime(ends)}`,
      description: event.description,
      poster: event.poster,
      buttons:
        choice.kind === 'live'
          ? [
              { id: 'watch-live', label: t('action.watchLive') },
              { id: 'details', label: t('action.details') },
            ]
          : [{ id: 'details', label: t('action.details') }],
    };
  }

  protected override rows(): { id: string; row: FocusRow }[] {
    const rows: { id: string; row: FocusRow }[] = [
      { id: 'menu', row: this.tag('Menu') as ButtonRow },
      { id: 'hero', row: this.tag('Hero') as Hero },
      { id: 'channels', row: this.tag('Channels') as ChannelRow },
    ];
    const container = this.tag('Rails');
    for (const rail of this.rails) rows.push({ id: rail.id, row: container.tag(railRef(rail.id)) as Rail });
    return rows;
  }

  protected override syncGrid(): void {
    const first = this.grid.isEmpty;
    super.syncGrid();
    // First render: focus starts on the hero's main action (or the channels when no hero).
    if (first) this.grid.focus(this.hero ? 'hero' : 'channels');
    this.applyFocus(false);
  }

  protected override routeAt(rowId: string, col: number): Route | null {
    const home = this.home;
    if (!home) return null;
    if (rowId === 'menu') {
      const id = (this.tag('Menu') as ButtonRow).buttons[col]?.id;
      return id === 'programme' || id === 'search' || id === 'settings' ? { name: id } : null;
    }
    if (rowId === 'hero' && this.hero) {
      const id = (this.tag('Hero') as Hero).actions.buttons[col]?.id;
      return id === 'watch-live'
        ? { name: 'player', playable: { kind: 'live', event: this.hero.event } }
        : { name: 'event', eventId: this.hero.event.id };
    }
    if (rowId === 'channels') {
      const channel = home.channels[col]?.channel;
      return channel ? { name: 'channel', channelId: channel.id } : null;
    }
    const rail = this.rails.find((r) => r.id === rowId);
    const tile = rail?.tiles[col];
    return tile ? tileRoute(tile, rail.tiles) : null;
  }
}
