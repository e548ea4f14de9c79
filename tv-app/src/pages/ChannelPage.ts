// A channel's page: its colour band and name, "Regarder le direct" when on air, then
// its upcoming events, replays and highlights.
import type { Lightning } from '@lightningjs/sdk';
import type { Route } from '../app/routes.ts';
import type { ChannelId, ChannelRails } from '../../../shared/catalog/types.ts';
import { COLOR, FONT, SAFE, STAGE, TYPE, argb, assetUrl } from '../ui/theme.ts';
import { RowsPage, type FocusRow } from '../ui/components/RowsPage.ts';
import { Rail, RAIL_HEIGHT } from '../ui/components/Rail.ts';
import { StatusView } from '../ui/components/StatusView.ts';
import { ButtonRow } from '../ui/components/ButtonRow.ts';
import { channelIsLive, channelPageRails, type HomeRail } from '../catalog/rails.ts';
import { catalog, preferences } from '../app/services.ts';
import { t } from '../i18n/index.ts';
import { setTestId } from '../ui/test-id.ts';
import { railRef, tileRoute } from './open-tile.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export class ChannelPage extends RowsPage {
  private channelId: ChannelId | null = null;
  private data: ChannelRails | null = null;
  private rails: HomeRail[] = [];

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w,
      h: STAGE.h,
      Band: { w: STAGE.w, h: 420, rect: true, colorTop: COLOR.surface, colorBottom: COLOR.background },
      Rows: {
        x: SAFE.x,
        y: SAFE.y,
        Logo: { w: 240, h: 135 },
        Name: { x: 270, y: 10, text: { text: '', fontFace: FONT.bold, fontSize: TYPE.hero, textColor: COLOR.text } },
        OnAir: {
          x: 270,
          y: 96,
          text: {
            text: '',
            fontFace: FONT.semibold,
            fontSize: TYPE.body,
            textColor: COLOR.text,
            wordWrapWidth: 1400,
            maxLines: 1,
            textOverflow: 'ellipsis',
          },
        },
        Description: {
          y: 170,
          text: {
            text: '',
            fontFace: FONT.regular,
            fontSize: TYPE.body,
            textColor: COLOR.textDim,
            wordWrapWidth: 1500,
            maxLines: 2,
            lineHeight: 40,
          },
        },
        Actions: { type: ButtonRow, y: 270, rowId: 'channel-actions' },
        Rails: { y: 400 },
      },
      Status: { type: StatusView },
    };
  }

  set route({ channelId }: { channelId: ChannelId }) {
    this.channelId = channelId;
    setTestId(this, `page-channel-${channelId}`);
    void this.load();
  }

  override _init(): void {
    this.rowsTop = SAFE.y;
    this.unscrolledRows = 2;
  }

  protected override get loaded(): boolean {
    return this.data !== null;
  }

  private load(): Promise<void> {
    const channelId = this.channelId;
    if (!channelId) return Promise.resolve();
    return this.loadWith(async () => {
      this.data = await catalog.channel(channelId);
    });
  }

  protected override render(): void {
    const data = this.data;
    if (!data) return;
    const now = new Date();
    const live = channelIsLive(data, now);
    this.tag('Band').colorTop = argb(data.channel.color, 0.9);
    this.tag('Logo').src = assetUrl(data.channel.logo);
    this.tag('Name').text.text = data.channel.name;
    this.tag('OnAir').text.text = live && data.onAir ? `● ${t('badge.live')} · ${data.onAir.title}` : '';
    this.tag('Description').text.text = data.channel.description;
    (this.tag('Actions') as ButtonRow).patch({
      buttons: live ? [{ id: 'watch-live', label: t('action.watchLive') }] : [],
    });
    this.rails = channelPageRails(data, now, preferences.resumePoints());
    const container = this.tag('Rails');
    container.children = this.rails.map((rail, i) => ({
      type: Rail,
      ref: railRef(rail.id),
      y: i * RAIL_HEIGHT,
      railId: `${data.channel.id}-${rail.id}`,
      title: rail.title,
      items: rail.tiles,
    }));
    this.syncGrid();
  }

  protected override rows(): { id: string; row: FocusRow }[] {
    const container = this.tag('Rails');
    return [
      { id: 'actions', row: this.tag('Actions') as ButtonRow },
      ...this.rails.map((rail) => ({ id: rail.id, row: container.tag(railRef(rail.id)) as Rail })),
    ];
  }

  protected override routeAt(rowId: string, col: number): Route | null {
    const data = this.data;
    if (!data) return null;
    if (rowId === 'actions')
      return data.onAir ? { name: 'player', playable: { kind: 'live', event: data.onAir } } : null;
    const rail = this.rails.find((r) => r.id === rowId);
    const tile = rail?.tiles[col];
    return tile ? tileRoute(tile, rail.tiles) : null;
  }
}
