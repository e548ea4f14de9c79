// Home: the four channels in their colours, and below them the rail of the
// selected channel (on air now, replays, highlights).
import { Lightning } from '@lightningjs/sdk';
import type { HomeResponse } from '../../../shared/catalog/types.ts';
import { COLOR, FONT, SAFE, STAGE, TYPE } from '../ui/theme.ts';
import { RowsPage, type FocusRow } from '../ui/components/RowsPage.ts';
import { ChannelRow, CHANNEL_TILE } from '../ui/components/ChannelTile.ts';
import { Rail } from '../ui/components/Rail.ts';
import { Clock } from '../ui/components/Clock.ts';
import { StatusView } from '../ui/components/StatusView.ts';
import { channelIsLive, channelRail } from '../catalog/rails.ts';
import { loadHome, preferences } from '../app/services.ts';
import { t } from '../i18n/index.ts';
import { setTestId } from '../ui/test-id.ts';
import type { TileData } from '../ui/tile-data.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export class HomePage extends RowsPage {
  private home: HomeResponse | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w, h: STAGE.h,
      Header: {
        x: SAFE.x, y: SAFE.y,
        Brand: { text: { text: t('app.name'), fontFace: FONT.bold, fontSize: TYPE.title, textColor: COLOR.text } },
        Clock: { type: Clock, x: STAGE.w - 2 * SAFE.x },
      },
      Rows: {
        x: SAFE.x, y: 150,
        Channels: { type: ChannelRow, y: 0 },
        Rail: { type: Rail, y: CHANNEL_TILE.h + 60 },
      },
      Status: { type: StatusView },
    };
  }

  override _init(): void {
    setTestId(this, 'page-home');
    void this.load();
  }

  private async load(): Promise<void> {
    const status = this.tag('Status') as StatusView;
    status.showLoading();
    this.tag('Rows').visible = false;
    try {
      this.home = await loadHome();
      status.hide();
      this.tag('Rows').visible = true;
      this.render();
    } catch {
      status.showError(() => void this.load());
    }
    this._refocus();
  }

  private render(): void {
    const home = this.home;
    if (!home) return;
    const now = new Date();
    (this.tag('Channels') as ChannelRow).patch({
      entries: home.channels.map((rails) => ({ channel: rails.channel, live: channelIsLive(rails, now) })),
    });
    this.syncGrid();
    this.renderRail();
  }

  /** The rail follows the channel focused in the strip. */
  private renderRail(): void {
    const home = this.home;
    if (!home) return;
    const channelIndex = this.grid.colOf('channels');
    const rails = home.channels[channelIndex];
    if (!rails) return;
    const rail = this.tag('Rail') as Rail;
    const tiles = channelRail(rails, new Date(), preferences.resumePoints());
    rail.patch({ railId: `channel-${rails.channel.id}`, title: rails.channel.name, items: tiles });
    this.syncGrid();
  }

  protected override rows(): { id: string; row: FocusRow }[] {
    return [
      { id: 'channels', row: this.tag('Channels') as ChannelRow },
      { id: 'rail', row: this.tag('Rail') as Rail },
    ];
  }

  protected override focusMoved(rowId: string): void {
    if (rowId === 'channels') {
      // A new channel: its rail starts at its first tile (the live event when on air).
      this.grid.focus('rail', 0);
      this.grid.focus('channels');
      this.renderRail();
    }
  }

  protected override activate(rowId: string, col: number): void {
    if (rowId === 'channels') {
      this.grid.move('down');
      this.applyFocus(true);
      return;
    }
    const tile: TileData | undefined = (this.tag('Rail') as Rail).items[col];
    if (!tile) return;
    if (tile.action.kind === 'play') {
      this.navigator.open({ name: 'player', playable: tile.action.playable, startPosition: tile.action.startPosition });
    }
  }

  override _getFocused(): Lightning.Component | undefined {
    const status = this.tag('Status') as StatusView;
    if (status.hasError) return status;
    return super._getFocused();
  }
}
