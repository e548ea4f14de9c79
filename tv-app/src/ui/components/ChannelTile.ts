// One of the four channels in its brand colour, with a "live" dot when it is on air.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, TYPE, argb, assetUrl } from '../theme.ts';
import type { Channel } from '../../../../shared/catalog/types.ts';
import { setTestId } from '../test-id.ts';
import { t } from '../../i18n/index.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export const CHANNEL_TILE = { w: 396, h: 150, gap: 48 } as const;

export class ChannelTile extends Lightning.Component<Loose> {
  private data: Channel | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    const { w, h } = CHANNEL_TILE;
    return {
      w,
      h,
      Outline: {
        x: -6,
        y: -6,
        w: w + 12,
        h: h + 12,
        rect: true,
        color: COLOR.focus,
        alpha: 0,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 22 },
      },
      Body: {
        w,
        h,
        rect: true,
        color: COLOR.surface,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 16 },
        // The logo carries the name; the text name is the fallback until (or unless) it loads.
        Logo: { x: 20, y: 18, w: 160, h: 90 },
        Name: {
          x: 20,
          y: 40,
          text: {
            text: '',
            fontFace: FONT.bold,
            fontSize: TYPE.heading,
            textColor: COLOR.text,
            wordWrapWidth: 170,
            maxLines: 1,
            textOverflow: 'ellipsis',
          },
        },
        Status: {
          x: 200,
          y: 46,
          text: { text: '', fontFace: FONT.bold, fontSize: TYPE.caption, textColor: COLOR.text },
        },
        Now: {
          x: 20,
          y: 112,
          text: {
            text: '',
            fontFace: FONT.semibold,
            fontSize: TYPE.caption,
            textColor: COLOR.text,
            wordWrapWidth: w - 40,
            maxLines: 1,
            textOverflow: 'ellipsis',
          },
        },
      },
    };
  }

  set channel(channel: Channel) {
    this.data = channel;
    setTestId(this, `channel-${channel.id}`);
    this.tag('Body').color = argb(channel.color);
    this.tag('Name').text.text = channel.name;
    const logo = this.tag('Logo');
    logo.on('txLoaded', () => {
      this.tag('Name').visible = false;
    });
    logo.src = assetUrl(channel.logo);
  }

  get channel(): Channel | null {
    return this.data;
  }

  /** The title on air now, or null: shown under the logo with a live dot. */
  set onAir(title: string | null) {
    this.tag('Status').text.text = title ? `● ${t('badge.live')}` : ' ';
    this.tag('Now').text.text = title ?? ' ';
  }

  get announce(): string {
    return this.data?.name ?? '';
  }

  override _focus(): void {
    this.setSmooth('scale', 1.06, { duration: 0.15 });
    this.tag('Outline').setSmooth('alpha', 1, { duration: 0.15 });
    this.zIndex = 2;
  }

  override _unfocus(): void {
    this.setSmooth('scale', 1, { duration: 0.15 });
    this.tag('Outline').setSmooth('alpha', 0, { duration: 0.15 });
    this.zIndex = 0;
  }
}

/** The four channels side by side, as a row of the page's focus grid. */
export class ChannelRow extends Lightning.Component<Loose> {
  private channels: { channel: Channel; onAir: string | null }[] = [];
  private index = 0;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      h: CHANNEL_TILE.h + 110,
      Title: { text: { text: '', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
      Items: { y: 64 },
    };
  }

  set title(text: string) {
    this.tag('Title').text.text = text;
  }

  set entries(entries: { channel: Channel; onAir: string | null }[]) {
    this.channels = entries;
    setTestId(this, 'rail-channels');
    this.tag('Items').children = entries.map((e, i) => ({
      type: ChannelTile,
      x: i * (CHANNEL_TILE.w + CHANNEL_TILE.gap),
      channel: e.channel,
      onAir: e.onAir,
    }));
  }

  get length(): number {
    return this.channels.length;
  }

  /** The channels' logo elements (their textures are the logos). */
  get logos(): Lightning.Element[] {
    return this.tag('Items').children.map((tile: Lightning.Element) => tile.tag('Logo'));
  }

  get focusedChannel(): Channel | null {
    return this.channels[this.index]?.channel ?? null;
  }

  setFocusIndex(index: number): void {
    this.index = index;
  }

  override _getFocused(): Lightning.Component | undefined {
    return this.tag('Items').children[this.index] as Lightning.Component | undefined;
  }
}
