// Search: an on-screen keyboard driven by the arrows, the query above it, results
// (accent-insensitive, as you type) in a rail below. Down from the keyboard's last row
// reaches the results; Up from the results returns to the key you left.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, SAFE, STAGE, TYPE } from '../ui/theme.ts';
import { Rail } from '../ui/components/Rail.ts';
import { KeyboardModel, applyKey, type KeyCap } from '../search/keyboard-layout.ts';
import { search } from '../search/search.ts';
import { searchEntries, type SearchEntry } from '../catalog/searchable.ts';
import { cachedHome, loadHome } from '../app/services.ts';
import { t } from '../i18n/index.ts';
import { setTestId } from '../ui/test-id.ts';
import type { Navigator } from '../app/routes.ts';
import type { TileData } from '../ui/tile-data.ts';
import { openTile } from './open-tile.ts';
import type { Direction } from '../navigation/focus-grid.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

const KEY = { w: 96, h: 76, gap: 12 } as const;

class Key extends Lightning.Component<Loose> {
  private cap: KeyCap | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: KEY.w,
      h: KEY.h,
      rect: true,
      color: COLOR.surfaceRaised,
      shader: { type: Lightning.shaders.RoundedRectangle, radius: 10 },
      Label: {
        x: KEY.w / 2,
        y: KEY.h / 2 + 2,
        mount: 0.5,
        text: { text: '', fontFace: FONT.semibold, fontSize: TYPE.body, textColor: COLOR.text },
      },
    };
  }

  set keyCap(cap: KeyCap) {
    this.cap = cap;
    const label =
      cap.kind === 'char' ? cap.char.toUpperCase() : cap.kind === 'space' ? t('search.space') : t('search.delete');
    setTestId(this, cap.kind === 'char' ? `key-${cap.char}` : `key-${cap.kind}`);
    this.tag('Label').text.text = label;
    if (cap.kind !== 'char') {
      this.w = 3 * KEY.w + 2 * KEY.gap;
      this.tag('Label').x = this.w / 2;
    }
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

  get capValue(): KeyCap | null {
    return this.cap;
  }
}

export class SearchPage extends Lightning.Component<Loose> {
  private navigator!: Navigator;
  private readonly keyboard = new KeyboardModel();
  private query = '';
  private entries: SearchEntry[] = [];
  private results: TileData[] = [];
  private resultIndex = 0;
  private inResults = false;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w,
      h: STAGE.h,
      Title: {
        x: SAFE.x,
        y: SAFE.y,
        text: { text: ' ', fontFace: FONT.bold, fontSize: TYPE.title, textColor: COLOR.text },
      },
      Query: {
        x: SAFE.x + 840,
        y: SAFE.y + 96,
        w: STAGE.w - 2 * SAFE.x - 840,
        h: 84,
        rect: true,
        color: COLOR.surface,
        shader: { type: Lightning.shaders.RoundedRectangle, radius: 12 },
        Text: {
          x: 28,
          y: 20,
          text: {
            text: '',
            fontFace: FONT.semibold,
            fontSize: TYPE.title,
            textColor: COLOR.text,
            wordWrapWidth: 840,
            maxLines: 1,
          },
        },
      },
      Count: {
        x: SAFE.x + 840,
        y: SAFE.y + 220,
        text: { text: '', fontFace: FONT.regular, fontSize: TYPE.body, textColor: COLOR.textDim },
      },
      Keyboard: { x: SAFE.x, y: SAFE.y + 96 },
      // Results to the right of the keyboard, under the query: Right (or Down) reaches them.
      Results: {
        type: Rail,
        x: SAFE.x + 840,
        y: SAFE.y + 220,
        railId: 'search-results',
        visibleTiles: 2,
        clipping: false,
      },
    };
  }

  set nav(navigator: Navigator) {
    this.navigator = navigator;
  }

  override _init(): void {
    setTestId(this, 'page-search');
    this.tag('Title').text.text = t('search.title');
    this.tag('Keyboard').children = this.keyboard.rows.flatMap((row, r) =>
      row.map((cap, c) => ({
        type: Key,
        ref: `K${r}_${c}`,
        x: c * (KEY.w + KEY.gap) * (cap.kind === 'char' ? 1 : 3),
        y: r * (KEY.h + KEY.gap),
        keyCap: cap,
      })),
    );
    void this.prepare();
    this.update();
  }

  private async prepare(): Promise<void> {
    try {
      const home = cachedHome() ?? (await loadHome());
      this.entries = searchEntries(home, new Date());
      this.update();
    } catch {
      // Offline: the banner says so; typing still works and finds nothing.
    }
  }

  private update(): void {
    this.tag('Query.Text').text.text = this.query === '' ? t('search.placeholder') : this.query;
    this.tag('Query.Text').text.textColor = this.query === '' ? COLOR.textDim : COLOR.text;
    this.results = search(this.entries, this.query).map((e) => e.tile);
    this.tag('Count').text.text = this.query.trim() !== '' && this.results.length === 0 ? t('search.noResult') : ' ';
    this.resultIndex = 0;
    (this.tag('Results') as Rail).patch({
      title: t('search.results', { n: this.results.length }),
      items: this.results,
      visible: this.results.length > 0,
    });
    if (this.results.length === 0) this.inResults = false;
  }

  private move(direction: Direction): void {
    if (this.inResults) {
      const rail = this.tag('Results') as Rail;
      if (direction === 'up' || (direction === 'left' && this.resultIndex === 0)) this.inResults = false;
      else if (direction === 'left') rail.setFocusIndex(--this.resultIndex);
      else if (direction === 'right' && this.resultIndex < this.results.length - 1)
        rail.setFocusIndex(++this.resultIndex);
    } else if (
      !this.keyboard.move(direction) &&
      (direction === 'down' || direction === 'right') &&
      this.results.length > 0
    ) {
      this.inResults = true;
      (this.tag('Results') as Rail).setFocusIndex(this.resultIndex);
    }
    this._refocus();
  }

  override _handleLeft(): void {
    this.move('left');
  }
  override _handleRight(): void {
    this.move('right');
  }
  override _handleUp(): void {
    this.move('up');
  }
  override _handleDown(): void {
    this.move('down');
  }

  override _handleEnter(): void {
    if (this.inResults) {
      const tile = this.results[this.resultIndex];
      if (tile) openTile(this.navigator, tile);
      return;
    }
    this.query = applyKey(this.query, this.keyboard.key);
    this.update();
  }

  override _getFocused(): Lightning.Component | undefined {
    if (this.inResults) return this.tag('Results') as Rail;
    return this.tag('Keyboard').tag(`K${this.keyboard.row}_${this.keyboard.col}`) as Lightning.Component | undefined;
  }
}
