// Event details: title, date, venue, synopsis over the poster; the actions that make
// sense now (Regarder le direct / Reprendre / Depuis le début / Regarder / Voir le
// résumé); a countdown for an event still to come; related highlights.
import { Lightning } from '@lightningjs/sdk';
import type { Route } from '../app/routes.ts';
import type { Channel, Highlight, LiveEvent, Replay, Sponsor } from '../../../shared/catalog/types.ts';
import { COLOR, FONT, SAFE, STAGE, TYPE, argb, assetUrl, posterUrl } from '../ui/theme.ts';
import { RowsPage, type FocusRow } from '../ui/components/RowsPage.ts';
import { Rail } from '../ui/components/Rail.ts';
import { StatusView } from '../ui/components/StatusView.ts';
import { ButtonRow } from '../ui/components/ButtonRow.ts';
import {
  channelOf,
  countdownLabel,
  eventActions,
  findReplay,
  highlightTile,
  highlightsOfReplay,
  type EventActionId,
} from '../catalog/rails.ts';
import { countdown, isOnAir } from '../schedule/schedule.ts';
import { cachedHome, catalog, loadHome, preferences } from '../app/services.ts';
import { formatDate, formatTime, t, type MessageKey } from '../i18n/index.ts';
import { setTestId } from '../ui/test-id.ts';
import type { TileData } from '../ui/tile-data.ts';
import { tileRoute } from './open-tile.ts';
import { ContributeQr } from '../venue/ContributeQr.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

const ACTION_LABEL: Record<EventActionId, MessageKey> = {
  watchLive: 'action.watchLive',
  startOver: 'action.startOver',
  resume: 'action.resume',
  fromStart: 'action.fromStart',
  watch: 'action.watch',
  highlight: 'action.highlight',
};

export class EventPage extends RowsPage {
  private eventId = '';
  private event: LiveEvent | null = null;
  private channel: Channel | null = null;
  private replay: Replay | null = null;
  private highlights: Highlight[] = [];
  private actions: EventActionId[] = [];
  private related: TileData[] = [];
  private sponsor: Sponsor | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w,
      h: STAGE.h,
      Picture: {
        x: STAGE.w - 1280,
        y: 0,
        w: 1280,
        h: 720,
        alpha: 0.001,
        Image: { w: 1280, h: 720 },
        FadeLeft: { w: 700, h: 720, rect: true, colorLeft: COLOR.background, colorRight: 0x000b0f1a },
        FadeBottom: { y: 360, w: 1280, h: 360, rect: true, colorTop: 0x000b0f1a, colorBottom: COLOR.background },
      },
      Rows: {
        x: SAFE.x,
        y: SAFE.y,
        Channel: {
          rect: true,
          color: COLOR.surfaceRaised,
          flex: { paddingLeft: 14, paddingRight: 14, paddingTop: 4, paddingBottom: 4 },
          shader: { type: Lightning.shaders.RoundedRectangle, radius: 6 },
          Label: { text: { text: '', fontFace: FONT.bold, fontSize: TYPE.caption, textColor: COLOR.text } },
        },
        Title: {
          y: 60,
          text: {
            text: '',
            fontFace: FONT.bold,
            fontSize: TYPE.hero,
            textColor: COLOR.text,
            wordWrapWidth: 1100,
            maxLines: 2,
            lineHeight: 76,
          },
        },
        When: { y: 230, text: { text: '', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text } },
        Venue: { y: 276, text: { text: '', fontFace: FONT.regular, fontSize: TYPE.body, textColor: COLOR.textDim } },
        Synopsis: {
          y: 330,
          text: {
            text: '',
            fontFace: FONT.regular,
            fontSize: TYPE.body,
            textColor: COLOR.textDim,
            wordWrapWidth: 1000,
            maxLines: 4,
            lineHeight: 40,
          },
        },
        Actions: { type: ButtonRow, y: 510, rowId: 'event-actions' },
        Related: { type: Rail, y: 640, railId: 'related' },
      },
      // The event's sponsor, discreet, top right over the poster.
      Sponsor: {
        x: STAGE.w - SAFE.x - 160,
        y: SAFE.y,
        visible: false,
        Logo: { w: 160, h: 90, alpha: 0.9 },
        Caption: {
          y: 96,
          text: { text: ' ', fontFace: FONT.regular, fontSize: TYPE.caption, textColor: COLOR.textDim },
        },
      },
      // While the event's contribution window is open: the QR code of its phone page (issue #13).
      Qr: {
        type: ContributeQr,
        x: STAGE.w - SAFE.x - 520,
        y: 230,
        qrLayout: { size: 220, callSize: 26, urlSize: 28, textBeside: false, textWidth: 520 },
      },
      Status: { type: StatusView },
    };
  }

  set route({ eventId }: { eventId: string }) {
    this.eventId = eventId;
    setTestId(this, `page-event-${eventId}`);
    (this.tag('Qr') as ContributeQr).event = eventId;
    void this.load();
  }

  override _init(): void {
    this.rowsTop = SAFE.y;
    this.unscrolledRows = 2;
  }

  /** Loaded: `refresh()` redraws it when back from the player (the resume position may have changed the actions). */
  protected override get loaded(): boolean {
    return this.event !== null;
  }

  private load(): Promise<void> {
    return this.loadWith(async () => {
      const [event, home] = await Promise.all([catalog.event(this.eventId), cachedHome() ?? loadHome()]);
      this.event = event;
      this.channel = channelOf(home, event.channelId);
      this.replay = findReplay(home, event.replayId) ?? (event.replayId ? await catalog.replay(event.replayId) : null);
      this.highlights = highlightsOfReplay(home, event.replayId);
      // A sponsor that cannot be read is left out; the page still opens.
      this.sponsor = event.sponsorId
        ? ((await catalog.sponsors().catch(() => [])).find((s) => s.id === event.sponsorId) ?? null)
        : null;
    });
  }

  protected override render(): void {
    const event = this.event;
    if (!event) return;
    const now = new Date();
    const starts = new Date(event.startsAt);
    const ends = new Date(event.endsAt);
    const channel = this.channel;
    const sponsor = this.sponsor;
    const sponsorTag = this.tag('Sponsor');
    sponsorTag.visible = !!sponsor?.logo;
    if (sponsor?.logo) {
      sponsorTag.tag('Logo').src = assetUrl(sponsor.logo);
      sponsorTag.tag('Caption').text.text = t('player.sponsor', { name: sponsor.name });
      setTestId(sponsorTag, `event-sponsor-${sponsor.id}`);
    }
    const label = this.tag('Channel');
    label.color = isOnAir(event, now) ? COLOR.live : argb(channel?.color ?? '#333333');
    label.tag('Label').text.text = isOnAir(event, now)
      ? `● ${t('badge.live')} · ${channel?.name ?? ''}`
      : (channel?.name ?? '');
    const title = this.tag('Title');
    title.text.text = event.title;
    // A one-line title pulls the details up under it.
    title.on('txLoaded', () => {
      const shift = title.renderHeight > 90 ? 0 : -76;
      this.tag('When').y = 230 + shift;
      this.tag('Venue').y = 276 + shift;
      this.tag('Synopsis').y = 330 + shift;
    });
    const when = `${t('event.startsAt', { date: formatDate(starts), time: formatTime(starts) })} – ${formatTime(ends)}`;
    const upcoming = event.status === 'scheduled' && starts.getTime() > now.getTime();
    this.tag('When').text.text =
      event.status === 'cancelled'
        ? `${when} · ${t('event.cancelled')}`
        : upcoming
          ? `${when} · ${countdownLabel(countdown(starts, now))}`
          : when;
    this.tag('Venue').text.text = event.venue;
    this.tag('Synopsis').text.text = event.description;
    const picture = this.tag('Picture');
    this.tag('Picture.Image').on('txLoaded', () => picture.setSmooth('alpha', 1, { duration: 0.4 }));
    this.tag('Picture.Image').src = posterUrl(event.poster, 'hero');

    const resume = this.replay ? preferences.resumePosition(this.replay.id) : null;
    this.actions = eventActions(event, this.replay, this.highlights[0] ?? null, resume, now);
    (this.tag('Actions') as ButtonRow).patch({
      buttons: this.actions.map((id) => ({ id, label: t(ACTION_LABEL[id]) })),
    });
    this.related = channel ? this.highlights.map((h) => highlightTile(h, channel)) : [];
    const related = this.tag('Related') as Rail;
    related.patch({ visible: this.related.length > 0, title: t('event.related'), items: this.related });
    this.syncGrid();
  }

  protected override rows(): { id: string; row: FocusRow }[] {
    return [
      { id: 'actions', row: this.tag('Actions') as ButtonRow },
      { id: 'related', row: this.tag('Related') as Rail },
    ];
  }

  protected override routeAt(rowId: string, col: number): Route | null {
    const event = this.event;
    if (!event) return null;
    if (rowId === 'related') {
      const tile = this.related[col];
      return tile ? tileRoute(tile, this.related) : null;
    }
    const replay = this.replay;
    switch (this.actions[col]) {
      case 'watchLive':
        return { name: 'player', playable: { kind: 'live', event } };
      case 'startOver':
        return { name: 'player', playable: { kind: 'live', event }, startOver: true };
      case 'resume':
        return replay
          ? {
              name: 'player',
              playable: { kind: 'replay', replay },
              startPosition: preferences.resumePosition(replay.id) ?? 0,
            }
          : null;
      case 'fromStart':
      case 'watch':
        return replay ? { name: 'player', playable: { kind: 'replay', replay }, startPosition: 0 } : null;
      case 'highlight': {
        const highlight = this.highlights[0];
        if (!highlight) return null;
        const next = this.highlights.slice(1).map((h) => ({ kind: 'highlight' as const, highlight: h }));
        return { name: 'player', playable: { kind: 'highlight', highlight }, next };
      }
      default:
        return null;
    }
  }
}
