// A 16:9 poster tile with title and subtitle. Focus scales it up and draws a white
// outline (visible from across the room); the channel colour fills in until the
// poster has loaded, or if it never does (a poster already in the cache shows at once).
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, TILE, TYPE, argb, posterUrl } from '../theme.ts';
import { t } from '../../i18n/index.ts';
import type { TileData } from '../tile-data.ts';
import { setTestId } from '../test-id.ts';
import { revealWhenLoaded } from '../image-reveal.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export class Tile extends Lightning.Component<Loose> {
  private data: TileData | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    const { w, h, outline } = TILE;
    return {
      w,
      h: h + 96,
      Outline: {
        x: -outline,
        y: -outline,
        w: w + 2 * outline,
        h: h + 2 * outline,
        rect: true,
        color: COLOR.focus,
        alpha: 0,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 14 + outline },
      },
      Frame: {
        w,
        h,
        rect: true,
        color: COLOR.surfaceRaised,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 14 },
        Initials: {
          x: 24,
          y: h - 24,
          mountY: 1,
          text: {
            text: '',
            fontFace: FONT.bold,
            fontSize: TYPE.heading,
            textColor: 0x66ffffff,
            wordWrapWidth: w - 48,
            maxLines: 2,
          },
        },
        Poster: { w, h, alpha: 0.001 },
        Badge: {
          // Flex sizes the badge to its label (DIRECT / REPLAY / RÉSUMÉ differ in width).
          x: TILE.w - 16,
          y: 16,
          mountX: 1,
          rect: true,
          color: COLOR.live,
          flex: { paddingLeft: 12, paddingRight: 12, paddingTop: 4, paddingBottom: 4 },
          shader: { type: Lightning.shaders.RoundedRectangle, radius: 6 },
          Label: { text: { text: '', fontFace: FONT.bold, fontSize: 24, textColor: COLOR.text } },
        },
        ProgressTrack: {
          x: 0,
          y: h - 8,
          w,
          h: 8,
          rect: true,
          color: 0x66ffffff,
          visible: false,
          Bar: { h: 8, w: 0, rect: true, color: COLOR.live },
        },
      },
      Title: {
        y: h + 16,
        text: {
          text: '',
          fontFace: FONT.semibold,
          fontSize: TYPE.body,
          textColor: COLOR.text,
          wordWrapWidth: w,
          maxLines: 1,
          textOverflow: 'ellipsis',
        },
      },
      Subtitle: {
        y: h + 56,
        text: {
          text: '',
          fontFace: FONT.regular,
          fontSize: TYPE.caption,
          textColor: COLOR.textDim,
          wordWrapWidth: w,
          maxLines: 1,
          textOverflow: 'ellipsis',
        },
      },
    };
  }

  set item(data: TileData) {
    this.data = data;
    setTestId(this, `tile-${data.id}`);
    const { w } = TILE;
    this.tag('Frame').color = argb(data.color, 1);
    this.tag('Initials').text.text = data.channelName;
    const poster = this.tag('Poster');
    revealWhenLoaded(poster, poster, posterUrl(data.poster, 'card'), 0.2);
    this.tag('Title').text.text = data.title;
    this.tag('Subtitle').text.text = data.subtitle;
    const badge = this.tag('Badge');
    const label = data.badge === null ? '' : t(`badge.${data.badge === 'upcoming' ? 'live' : data.badge}`);
    badge.visible = data.badge === 'live' || data.badge === 'replay' || data.badge === 'highlight';
    badge.color = data.badge === 'live' ? COLOR.live : 0xcc000000;
    badge.tag('Label').text.text = label;
    const track = this.tag('ProgressTrack');
    track.visible = data.progress !== null;
    track.tag('Bar').w = w * (data.progress ?? 0);
  }

  get item(): TileData | null {
    return this.data;
  }

  /** The Announcer reads this when voice guidance is on. */
  get announce(): string {
    return this.data ? `${this.data.title}, ${this.data.subtitle}` : '';
  }

  override _focus(): void {
    this.setSmooth('scale', TILE.focusScale, { duration: 0.15 });
    this.tag('Outline').setSmooth('alpha', 1, { duration: 0.15 });
    this.zIndex = 2;
  }

  override _unfocus(): void {
    this.setSmooth('scale', 1, { duration: 0.15 });
    this.tag('Outline').setSmooth('alpha', 0, { duration: 0.15 });
    this.zIndex = 0;
  }
}
