// The programme: 7 day tabs (Aujourd'hui, Demain, then weekdays) over the list of that
// day's events across the four channels, the ones on air marked. Left/Right on the tabs
// switch day at once; Down enters the list; OK opens an event.
import { Lightning } from '@lightningjs/sdk';
import type { Channel, LiveEvent } from '../../../shared/catalog/types.ts';
import { COLOR, FONT, SAFE, STAGE, TYPE, argb } from '../ui/theme.ts';
import { groupByDay, isOnAir, type ProgrammeDay } from '../schedule/schedule.ts';
import { scrollStart } from '../navigation/focus-grid.ts';
import { cachedHome, loadHome } from '../app/services.ts';
import { formatShortDay, formatTime, t } from '../i18n/index.ts';
import { setTestId } from '../ui/test-id.ts';
import { StatusView } from '../ui/components/StatusView.ts';
import type { Navigator } from '../app/routes.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

const TAB = { w: 236, h: 72, gap: 16 } as const;
const ROW = { h: 112, gap: 12 } as const;
const VISIBLE_ROWS = 6;

interface Slot {
  event: LiveEvent;
  channel: Channel;
}

class DayTab extends Lightning.Component<Loose> {
  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: TAB.w,
      h: TAB.h,
      rect: true,
      color: COLOR.surface,
      shader: { type: Lightning.shaders.RoundedRectangle, radius: 36 },
      Label: {
        x: TAB.w / 2,
        y: TAB.h / 2 + 2,
        mount: 0.5,
        text: { text: '', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text },
      },
    };
  }
  set label(text: string) {
    this.tag('Label').text.text = text;
  }
  set selected(on: boolean) {
    this.color = on ? COLOR.surfaceRaised : COLOR.surface;
  }
  get announce(): string {
    return this.tag('Label').text.text as string;
  }
  override _focus(): void {
    this.color = COLOR.focus;
    this.tag('Label').text.textColor = 0xff000000;
  }
  override _unfocus(): void {
    this.color = COLOR.surfaceRaised;
    this.tag('Label').text.textColor = COLOR.text;
  }
}

class ProgrammeRow extends Lightning.Component<Loose> {
  private slotTitle = '';
  static override _template(): Lightning.Component.Template<Loose> {
    const w = STAGE.w - 2 * SAFE.x;
    return {
      w,
      h: ROW.h,
      Outline: {
        x: -5,
        y: -5,
        w: w + 10,
        h: ROW.h + 10,
        rect: true,
        color: COLOR.focus,
        alpha: 0,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 16 },
      },
      Body: {
        w,
        h: ROW.h,
        rect: true,
        color: COLOR.surface,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 12 },
      },
      Accent: { w: 10, h: ROW.h, rect: true },
      Time: { x: 40, y: 22, text: { text: '', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
      Channel: {
        x: 40,
        y: 66,
        text: { text: '', fontFace: FONT.semibold, fontSize: TYPE.caption, textColor: COLOR.textDim },
      },
      Title: {
        x: 360,
        y: 22,
        text: {
          text: '',
          fontFace: FONT.semibold,
          fontSize: TYPE.heading,
          textColor: COLOR.text,
          wordWrapWidth: w - 620,
          maxLines: 1,
          textOverflow: 'ellipsis',
        },
      },
      Venue: {
        x: 360,
        y: 66,
        text: {
          text: '',
          fontFace: FONT.regular,
          fontSize: TYPE.caption,
          textColor: COLOR.textDim,
          wordWrapWidth: w - 620,
          maxLines: 1,
          textOverflow: 'ellipsis',
        },
      },
      Live: {
        x: w - 40,
        y: ROW.h / 2,
        mountX: 1,
        mountY: 0.5,
        rect: true,
        color: COLOR.live,
        visible: false,
        flex: { paddingLeft: 14, paddingRight: 14, paddingTop: 4, paddingBottom: 4 },
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 6 },
        Label: { text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.caption, textColor: COLOR.text } },
      },
    };
  }
  set slot({ event, channel }: Slot) {
    this.slotTitle = event.title;
    setTestId(this, `programme-${event.id}`);
    this.tag('Accent').color = argb(channel.color);
    this.tag('Time').text.text = `${formatTime(new Date(event.startsAt))} – ${formatTime(new Date(event.endsAt))}`;
    this.tag('Channel').text.text = channel.name;
    this.tag('Title').text.text = event.title;
    this.tag('Venue').text.text =
      event.status === 'cancelled' ? `${event.venue} · ${t('event.cancelled')}` : event.venue;
    this.tag('Live').visible = isOnAir(event, new Date());
    this.tag('Live.Label').text.text = t('badge.live');
  }
  get announce(): string {
    return this.slotTitle;
  }
  override _focus(): void {
    this.tag('Body').color = COLOR.surfaceRaised;
    this.tag('Outline').alpha = 1;
  }
  override _unfocus(): void {
    this.tag('Body').color = COLOR.surface;
    this.tag('Outline').alpha = 0;
  }
}

export class ProgrammePage extends Lightning.Component<Loose> {
  private navigator!: Navigator;
  private days: ProgrammeDay<Slot>[] = [];
  private day = 0;
  private row = 0;
  private start = 0;
  private inList = false;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w,
      h: STAGE.h,
      Title: {
        x: SAFE.x,
        y: SAFE.y,
        text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.title, textColor: COLOR.text },
      },
      Tabs: { x: SAFE.x, y: SAFE.y + 84 },
      List: {
        x: SAFE.x,
        y: SAFE.y + 196,
        w: STAGE.w - 2 * SAFE.x,
        h: VISIBLE_ROWS * (ROW.h + ROW.gap),
        clipping: true,
        Items: {},
      },
      Empty: {
        x: SAFE.x,
        y: SAFE.y + 220,
        text: { text: '', fontFace: FONT.regular, fontSize: TYPE.body, textColor: COLOR.textDim },
      },
      Status: { type: StatusView },
    };
  }

  set nav(navigator: Navigator) {
    this.navigator = navigator;
  }

  override _init(): void {
    setTestId(this, 'page-programme');
    this.tag('Title').text.text = t('programme.title');
    void this.load();
  }

  private async load(): Promise<void> {
    const status = this.tag('Status') as StatusView;
    status.showLoading();
    let home;
    try {
      home = cachedHome() ?? (await loadHome());
    } catch {
      status.showError(() => void this.load());
      this._refocus();
      return;
    }
    const now = new Date();
    const slots = home.channels.flatMap((rails) =>
      [rails.onAir, ...rails.upcoming]
        .filter((e): e is LiveEvent => e !== null)
        .map((event): Slot & { startsAt: string; endsAt: string } => ({
          event,
          channel: rails.channel,
          startsAt: event.startsAt,
          endsAt: event.endsAt,
        })),
    );
    this.days = groupByDay(slots, now, 7);
    status.hide();
    this.renderTabs();
    this.renderDay();
    this._refocus();
  }

  private renderTabs(): void {
    this.tag('Tabs').children = this.days.map((d, i) => ({
      type: DayTab,
      x: i * (TAB.w + TAB.gap),
      label: i === 0 ? t('programme.today') : i === 1 ? t('programme.tomorrow') : formatShortDay(d.day),
      selected: i === this.day,
    }));
    for (const [i, tab] of (this.tag('Tabs').children as Lightning.Element[]).entries()) setTestId(tab, `day-${i}`);
  }

  private renderDay(): void {
    const items = this.days[this.day]?.items ?? [];
    this.row = 0;
    this.start = 0;
    this.tag('List.Items').patch({ y: 0 });
    this.tag('List.Items').children = items.map((slot, i) => ({ type: ProgrammeRow, y: i * (ROW.h + ROW.gap), slot }));
    this.tag('Empty').text.text = items.length === 0 ? t('programme.nothing') : ' ';
    for (const [i, tab] of (this.tag('Tabs').children as Lightning.Element[]).entries()) {
      (tab as unknown as DayTab).selected = i === this.day;
    }
  }

  private get items(): Slot[] {
    return this.days[this.day]?.items ?? [];
  }

  override _handleLeft(): void {
    if (this.inList || this.day === 0) return;
    this.day--;
    this.renderDay();
    this._refocus();
  }
  override _handleRight(): void {
    if (this.inList || this.day >= this.days.length - 1) return;
    this.day++;
    this.renderDay();
    this._refocus();
  }
  override _handleDown(): void {
    if (!this.inList) {
      if (this.items.length > 0) this.inList = true;
    } else if (this.row < this.items.length - 1) {
      this.row++;
    }
    this.scroll();
    this._refocus();
  }
  override _handleUp(): void {
    if (!this.inList) return;
    if (this.row === 0) this.inList = false;
    else this.row--;
    this.scroll();
    this._refocus();
  }
  override _handleEnter(): void {
    const slot = this.items[this.row];
    if (this.inList && slot) this.navigator.open({ name: 'event', eventId: slot.event.id });
  }

  private scroll(): void {
    this.start = scrollStart(this.start, this.row, VISIBLE_ROWS, this.items.length);
    this.tag('List.Items').setSmooth('y', -this.start * (ROW.h + ROW.gap), { duration: 0.25 });
  }

  override _getFocused(): Lightning.Component | undefined {
    const status = this.tag('Status') as StatusView;
    if (status.hasError) return status;
    if (this.inList) return this.tag('List.Items').children[this.row] as Lightning.Component | undefined;
    return this.tag('Tabs').children[this.day] as Lightning.Component | undefined;
  }
}
