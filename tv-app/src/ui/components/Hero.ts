// The top of the home screen: what is on air now (or next), big, over its poster,
// with its actions. The poster fades into the background on the left so the text reads.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, STAGE, TYPE, SAFE, argb, posterUrl } from '../theme.ts';
import { ButtonRow, type ButtonSpec } from './ButtonRow.ts';
import { revealWhenLoaded } from '../image-reveal.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export const HERO_HEIGHT = 520;

export interface HeroData {
  kicker: string;
  /** Channel colour of the kicker. */
  color: string;
  live: boolean;
  title: string;
  meta: string;
  description: string;
  poster: string;
  buttons: ButtonSpec[];
}

export class Hero extends Lightning.Component<Loose> {
  static override _template(): Lightning.Component.Template<Loose> {
    const pw = 1280;
    const ph = 720;
    return {
      h: HERO_HEIGHT,
      // Picture sits to the right, bleeding off the top and right edges of the screen.
      Picture: {
        x: STAGE.w - SAFE.x - pw + SAFE.x,
        y: -130,
        w: pw,
        h: ph,
        alpha: 0.001,
        Image: { w: pw, h: ph },
        FadeLeft: { w: 640, h: ph, rect: true, colorLeft: COLOR.background, colorRight: 0x000b0f1a },
        FadeBottom: { y: ph - 330, w: pw, h: 330, rect: true, colorTop: 0x000b0f1a, colorBottom: COLOR.background },
      },
      Kicker: {
        y: 40,
        rect: true,
        color: COLOR.live,
        flex: { paddingLeft: 14, paddingRight: 14, paddingTop: 4, paddingBottom: 4 },
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 6 },
        Label: { text: { text: '', fontFace: FONT.bold, fontSize: TYPE.caption, textColor: COLOR.text } },
      },
      Title: {
        y: 96,
        text: {
          text: '',
          fontFace: FONT.bold,
          fontSize: TYPE.hero,
          textColor: COLOR.text,
          wordWrapWidth: 1000,
          maxLines: 2,
          lineHeight: 76,
        },
      },
      Meta: { y: 262, text: { text: '', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text } },
      Description: {
        y: 308,
        text: {
          text: '',
          fontFace: FONT.regular,
          fontSize: TYPE.body,
          textColor: COLOR.textDim,
          wordWrapWidth: 960,
          maxLines: 2,
          lineHeight: 40,
          textOverflow: 'ellipsis',
        },
      },
      Actions: { type: ButtonRow, y: 410, rowId: 'hero' },
    };
  }

  set data(d: HeroData) {
    this.tag('Kicker').color = d.live ? COLOR.live : argb(d.color);
    this.tag('Kicker.Label').text.text = d.kicker;
    // One-line titles pull the details up; two-line ones push them down.
    const title = this.tag('Title');
    title.text.text = d.title;
    title.on('txLoaded', () => {
      const shift = title.renderHeight > 90 ? 0 : -76;
      this.tag('Meta').y = 262 + shift;
      this.tag('Description').y = 308 + shift;
    });
    this.tag('Meta').text.text = d.meta;
    this.tag('Description').text.text = d.description;
    revealWhenLoaded(this.tag('Picture.Image'), this.tag('Picture'), posterUrl(d.poster, 'hero'), 0.4);
    (this.tag('Actions') as ButtonRow).patch({ buttons: d.buttons });
  }

  /** The picture's element (its texture is the poster). */
  get image(): Lightning.Element {
    return this.tag('Picture.Image');
  }

  get actions(): ButtonRow {
    return this.tag('Actions') as ButtonRow;
  }

  // The hero is a row of the page's focus grid through its action buttons.
  get length(): number {
    return this.actions.length;
  }

  setFocusIndex(index: number): void {
    this.actions.setFocusIndex(index);
  }

  override _getFocused(): Lightning.Component {
    return this.actions;
  }
}
