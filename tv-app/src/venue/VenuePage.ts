// The venue screen (`?venue=<eventId>`): what the PC or set-top box driving a 16:9 LED wall
// shows, with no remote. The event's live programme full screen (the app's one player, muted
// unless `&sound=1`: the venue has its own PA), the spectators' approved contributions over it
// on a big card (photo, first name, message; a fresh approval at once, then in rotation, pinned
// ones longer: venue-feed.ts), the QR code and short address of the phone page while the window
// is open, and the event's sponsor. Everything is sized to be read from the stands: names at
// 72 px, messages at 48 px on an opaque card. Its own chunk (venue-loader.ts).
import { Lightning } from '@lightningjs/sdk';
import type { LiveEvent, Sponsor } from '../../../shared/catalog/types.ts';
import { catalog, player } from '../app/services.ts';
import { t } from '../i18n/index.ts';
import { playbackOf } from '../player/playable.ts';
import { withoutToken } from '../player/access-renewal.ts';
import { renewedPlaybackUrl } from '../player/renew-playback.ts';
import { COLOR, FONT, SAFE, STAGE, assetUrl, posterUrl } from '../ui/theme.ts';
import { setTestId } from '../ui/test-id.ts';
import { ContributeQr } from './ContributeQr.ts';
import { ContributionStream } from './contribution-stream.ts';
import { MAX_MESSAGE, MAX_NAME, canDrawEmoji, screenText } from './screen-text.ts';
import { VenueFeed, type VenueItem } from './venue-feed.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

const CARD = { w: 680, x: STAGE.w - SAFE.x - 680, y: SAFE.y, pad: 32 } as const;
const PHOTO = { w: CARD.w - 2 * CARD.pad, h: 520 } as const;
const QR_SIZE = 300;
/** The card's rotation and fades are checked this often (a fresh approval shows within it). */
const TICK_MS = 250;
/** The event is read again this often: a live that starts, ends or changes its playlist. */
const EVENT_POLL_MS = 15_000;
/** After the player gave up (its own reconnection exhausted), it tries again this long after. */
const REPLAY_AFTER_MS = 10_000;

export class VenuePage extends Lightning.Component<Loose> {
  readonly showsVideo = true;
  private venueEvent = '';
  private event: LiveEvent | null = null;
  private playingUrl = '';
  private readonly feed = new VenueFeed();
  private stream: ContributionStream | null = null;
  private shownId: string | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly sound = new URLSearchParams(location.search).get('sound') === '1';

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w,
      h: STAGE.h,
      // Before the live (or between lives): the poster and a line, never a black wall.
      Waiting: {
        w: STAGE.w,
        h: STAGE.h,
        rect: true,
        color: COLOR.background,
        visible: false,
        Poster: { w: STAGE.w, h: STAGE.h, alpha: 0.5 },
        Title: {
          x: SAFE.x,
          y: STAGE.h / 2 - 160,
          text: {
            text: ' ',
            fontFace: FONT.bold,
            fontSize: 84,
            textColor: COLOR.text,
            wordWrapWidth: 1000,
            maxLines: 2,
            lineHeight: 100,
          },
        },
        Line: {
          x: SAFE.x,
          y: STAGE.h / 2 + 60,
          text: { text: ' ', fontFace: FONT.semibold, fontSize: 52, textColor: COLOR.textDim },
        },
      },
      Sponsor: {
        x: SAFE.x,
        y: SAFE.y,
        w: 400,
        h: 210,
        rect: true,
        color: 0xd9000000,
        visible: false,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 16 },
        Logo: { x: 80, y: 20, w: 240, h: 135 },
        Caption: {
          x: 15,
          y: 162,
          text: {
            text: ' ',
            fontFace: FONT.semibold,
            fontSize: 26,
            textColor: COLOR.text,
            wordWrapWidth: 370,
            textAlign: 'center',
            maxLines: 1,
            textOverflow: 'ellipsis',
          },
        },
      },
      Qr: {
        type: ContributeQr,
        x: SAFE.x,
        y: STAGE.h - SAFE.y - QR_SIZE,
        qrLayout: { size: QR_SIZE, callSize: 44, urlSize: 50, textBeside: true, textWidth: 660 },
      },
      Card: {
        x: CARD.x,
        y: CARD.y,
        w: CARD.w,
        h: 0,
        rect: true,
        color: 0xf20b0f1a,
        alpha: 0,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 24 },
        Photo: { x: CARD.pad, y: CARD.pad, w: PHOTO.w, h: PHOTO.h, rect: true, color: 0xff000000, Image: {} },
        Pinned: {
          x: CARD.pad + 16,
          y: CARD.pad + 16,
          rect: true,
          color: COLOR.live,
          visible: false,
          flex: { paddingLeft: 18, paddingRight: 18, paddingTop: 6, paddingBottom: 6 },
          shader: { type: Lightning.shaders.RoundedRectangle, radius: 8 },
          Label: { text: { text: ' ', fontFace: FONT.bold, fontSize: 34, textColor: COLOR.text } },
        },
        Name: {
          x: CARD.pad,
          y: CARD.pad + PHOTO.h + 20,
          text: {
            text: ' ',
            fontFace: FONT.bold,
            fontSize: 72,
            textColor: 0xffffd54f,
            wordWrapWidth: PHOTO.w,
            maxLines: 1,
            textOverflow: 'ellipsis',
          },
        },
        Message: {
          x: CARD.pad,
          y: CARD.pad + PHOTO.h + 116,
          text: {
            text: ' ',
            fontFace: FONT.semibold,
            fontSize: 48,
            textColor: COLOR.text,
            wordWrapWidth: PHOTO.w,
            maxLines: 4,
            lineHeight: 60,
            textOverflow: 'ellipsis',
          },
        },
      },
    };
  }

  set eventId(id: string) {
    this.venueEvent = id;
    setTestId(this, `venue-${id}`);
    (this.tag('Qr') as ContributeQr).event = id;
    this.stream = new ContributionStream(id, {
      replace: (items) => {
        this.feed.replace(items);
        this.renderCard();
      },
      change: (change) => {
        this.feed.apply(change);
        this.renderCard();
      },
    });
    this.stream.start();
    void this.loadEvent();
  }

  override _init(): void {
    // The card ends under the message as drawn (one to four lines).
    const message = this.tag('Card.Message');
    message.on('txLoaded', () => {
      this.tag('Card').h = CARD.pad + PHOTO.h + 116 + message.renderHeight + CARD.pad;
    });
  }

  override _attach(): void {
    this.timers.push(setInterval(() => this.renderCard(), TICK_MS));
    this.timers.push(setInterval(() => void this.loadEvent(), EVENT_POLL_MS));
    this.unsubscribe = player.subscribe(() => this.watchPlayer());
  }

  override _detach(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.unsubscribe?.();
    this.stream?.stop();
    player.stop();
  }

  /** No remote here: a stray key on the venue PC's keyboard does nothing (no quit dialog on the wall). */
  override _handleKey(): boolean {
    return true;
  }

  private async loadEvent(): Promise<void> {
    let event: LiveEvent;
    try {
      event = await catalog.event(this.venueEvent);
    } catch {
      return; // unknown or unreachable: try again at the next poll; what plays goes on
    }
    const first = !this.event;
    this.event = event;
    if (first) void this.loadSponsor(event);
    const url = playbackOf({ kind: 'live', event }).url;
    // A signed URL changes with each token the origin mints: the same stream, nothing to reload
    // (the player renews its own token, access-renewal.ts).
    if (url && withoutToken(url) !== withoutToken(this.playingUrl)) {
      this.playingUrl = url;
      this.play(url, event);
    } else if (url) {
      this.playingUrl = url;
    } else if (!url && this.playingUrl) {
      this.playingUrl = '';
      player.stop();
    }
    const waiting = this.tag('Waiting');
    waiting.visible = !url;
    if (!url) {
      waiting.tag('Poster').src = posterUrl(event.poster, 'hero');
      waiting.tag('Title').text.text = event.title;
      waiting.tag('Line').text.text = event.status === 'scheduled' ? t('venue.waiting') : event.venue;
    }
  }

  private play(url: string, event: LiveEvent): void {
    const renew = () => renewedPlaybackUrl(catalog, { kind: 'live', event });
    void player.load({ url, live: true, contentId: event.id, renew });
  }

  private async loadSponsor(event: LiveEvent): Promise<void> {
    if (!event.sponsorId) return;
    const sponsor: Sponsor | undefined = (await catalog.sponsors().catch(() => [])).find(
      (s) => s.id === event.sponsorId,
    );
    if (!sponsor?.logo) return;
    const tag = this.tag('Sponsor');
    tag.tag('Logo').src = assetUrl(sponsor.logo);
    tag.tag('Caption').text.text = t('player.sponsor', { name: sponsor.name });
    setTestId(tag, `venue-sponsor-${sponsor.id}`);
    tag.visible = true;
  }

  /** Remote-free: a player that gave up tries again on its own; the wall stays muted unless asked. */
  private watchPlayer(): void {
    const video = document.getElementById('player') as HTMLVideoElement | null;
    if (video && !this.sound && !video.muted) video.muted = true;
    if (player.snapshot().state !== 'error' || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      const url = this.playingUrl;
      if (url && this.event) this.play(url, this.event);
    }, REPLAY_AFTER_MS);
  }

  private renderCard(): void {
    const item = this.feed.showing(Date.now());
    if ((item?.id ?? null) === this.shownId) return;
    this.shownId = item?.id ?? null;
    const card = this.tag('Card');
    if (!item) {
      card.setSmooth('alpha', 0, { duration: 0.3 });
      setTestId(card, 'venue-card-none');
      return;
    }
    this.fill(card, item);
  }

  private fill(card: Lightning.Element, item: VenueItem): void {
    // The photo fits its box, centred, whatever its shape (portrait phones are the rule).
    const scale = Math.min(PHOTO.w / Math.max(1, item.width), PHOTO.h / Math.max(1, item.height));
    const w = Math.round(item.width * scale);
    const h = Math.round(item.height * scale);
    card.tag('Photo.Image').patch({ x: (PHOTO.w - w) / 2, y: (PHOTO.h - h) / 2, w, h, src: assetUrl(item.photo) });
    card.tag('Pinned').visible = item.pinned;
    card.tag('Pinned.Label').text.text = t('venue.pinned');
    card.tag('Name').text.text = screenText(item.firstName, MAX_NAME, canDrawEmoji()) || ' ';
    const message = screenText(item.message, MAX_MESSAGE, canDrawEmoji());
    card.tag('Message').text.text = message || ' ';
    setTestId(card, `venue-card-${item.id}`);
    card.alpha = 0;
    card.setSmooth('alpha', 1, { duration: 0.4 });
  }
}
