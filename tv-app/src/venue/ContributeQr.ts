// « Envoyez votre photo » with the QR code and the short address of the event's phone page,
// shown while the event's contribution window is open (nothing otherwise): on the venue screen
// (big) and on the TV's event page. The window is asked of the origin; qrcode-generator comes
// in its own chunk the first time a code is drawn.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT } from '../ui/theme.ts';
import { setTestId } from '../ui/test-id.ts';
import { t } from '../i18n/index.ts';
import { contributionWindow, phoneUrl } from './contributions-client.ts';
import { loadQrImage } from './venue-loader.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export interface QrLayout {
  /** The white square (code and quiet zone), px on the 1920×1080 stage. */
  size: number;
  callSize: number;
  urlSize: number;
  /** Text right of the code (venue) or under it (event page). */
  textBeside: boolean;
  /** Room for the text, px. */
  textWidth: number;
}

const REFRESH_MS = 60_000;

export class ContributeQr extends Lightning.Component<Loose> {
  private eventId = '';
  private layout: QrLayout = { size: 220, callSize: 26, urlSize: 26, textBeside: false, textWidth: 520 };
  private timer: ReturnType<typeof setInterval> | null = null;
  private shownUrl = '';

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      visible: false,
      // A dark plate under the whole block: readable over any picture (a poster, the live).
      Plate: {
        x: -24,
        y: -24,
        rect: true,
        color: 0xd9000000,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 20 },
      },
      Code: {
        rect: true,
        color: 0xffffffff,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 12 },
        Image: {},
      },
      Call: { text: { text: ' ', fontFace: FONT.bold, textColor: COLOR.text, wordWrapWidth: 700, maxLines: 2 } },
      Url: { text: { text: ' ', fontFace: FONT.semibold, textColor: 0xffffd54f, wordWrapWidth: 900, maxLines: 1 } },
    };
  }

  set qrLayout(layout: QrLayout) {
    this.layout = layout;
    const { size, callSize, urlSize, textBeside, textWidth } = layout;
    const textX = textBeside ? size + 32 : 0;
    this.patch({
      Plate: textBeside
        ? { w: size + 32 + textWidth + 48, h: size + 48 }
        : { w: Math.max(size, textWidth) + 48, h: size + 16 + callSize * 1.4 + urlSize * 1.3 + 48 },
      Code: { w: size, h: size, Image: { w: size, h: size } },
      Call: {
        x: textX,
        y: textBeside ? size / 2 - callSize * 2.4 : size + 16,
        text: { fontSize: callSize, lineHeight: Math.round(callSize * 1.2), wordWrapWidth: textWidth },
      },
      Url: {
        x: textX,
        y: textBeside ? size / 2 + callSize * 0.4 : size + 16 + callSize * 1.4,
        text: { fontSize: urlSize, wordWrapWidth: textWidth },
      },
    });
  }

  /** The event whose window decides; '' hides the code. */
  set event(eventId: string) {
    this.eventId = eventId;
    if (!eventId) this.visible = false;
    void this.refresh();
  }

  override _init(): void {
    setTestId(this, 'contribute-qr');
    // Under the code, the address goes under the call however many lines the call takes.
    const call = this.tag('Call');
    call.on('txLoaded', () => {
      const { urlSize, textBeside } = this.layout;
      if (textBeside) return;
      const url = this.tag('Url');
      url.y = call.y + call.renderHeight + 6;
      this.tag('Plate').h = url.y + urlSize * 1.3 + 48;
    });
  }

  override _attach(): void {
    // A window that opens (or closes) while the screen is up shows (or hides) the code.
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  override _detach(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh(): Promise<void> {
    const eventId = this.eventId;
    if (!eventId) return;
    const window = await contributionWindow(eventId);
    if (eventId !== this.eventId) return;
    if (!window?.open) {
      this.visible = false;
      return;
    }
    const url = phoneUrl(window, eventId);
    if (url !== this.shownUrl) {
      const { qrDataUrl } = await loadQrImage().catch(() => ({ qrDataUrl: null }));
      if (!qrDataUrl) return;
      this.tag('Code.Image').src = qrDataUrl(url, this.layout.size);
      this.tag('Call').text.text = t('venue.call');
      // The address without its scheme: what a spectator would type.
      this.tag('Url').text.text = url.replace(/^https?:\/\//, '');
      this.shownUrl = url;
      setTestId(this, `contribute-qr-${window.shortCode ?? eventId}`);
    }
    this.visible = true;
  }
}
