// A titled horizontal rail of tiles. The page's FocusGrid says which tile is focused;
// the rail scrolls only when focus would leave the visible window, with a smooth
// transition, so the focused tile is always in view.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, SAFE, STAGE, TILE, TYPE } from '../theme.ts';
import { scrollStart } from '../../navigation/focus-grid.ts';
import type { TileData } from '../tile-data.ts';
import { Tile } from './Tile.ts';
import { setTestId } from '../test-id.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export const RAIL_HEIGHT = 60 + TILE.h + 96 + 40;

export class Rail extends Lightning.Component<Loose> {
  private tiles: TileData[] = [];
  private index = 0;
  private start = 0;
  /** Tiles that fit on screen (a full-width rail by default; the search results are narrower). */
  private visibleCount = Math.floor((STAGE.w - 2 * SAFE.x + TILE.gap) / (TILE.w + TILE.gap));

  set visibleTiles(count: number) {
    this.visibleCount = count;
  }

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      h: RAIL_HEIGHT,
      Title: { text: { text: '', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text } },
      Items: { y: 64 },
    };
  }

  set railId(id: string) {
    setTestId(this, `rail-${id}`);
  }

  set title(text: string) {
    this.tag('Title').text.text = text;
  }

  set items(tiles: TileData[]) {
    this.tiles = tiles;
    this.tag('Items').children = tiles.map((item, i) => ({ type: Tile, x: i * (TILE.w + TILE.gap), item }));
    this.index = Math.min(this.index, Math.max(0, tiles.length - 1));
    this.scrollTo(this.index, false);
  }

  get items(): TileData[] {
    return this.tiles;
  }

  get length(): number {
    return this.tiles.length;
  }

  /** The poster elements of the first `count` tiles (their textures are the posters). */
  posters(count: number): Lightning.Element[] {
    return this.tag('Items')
      .children.slice(0, count)
      .map((tile: Lightning.Element) => tile.tag('Frame.Poster'));
  }

  get focusedItem(): TileData | null {
    return this.tiles[this.index] ?? null;
  }

  setFocusIndex(index: number): void {
    this.index = index;
    this.scrollTo(index, true);
  }

  private scrollTo(index: number, animate: boolean): void {
    this.start = scrollStart(this.start, index, this.visibleCount, this.tiles.length);
    const x = -this.start * (TILE.w + TILE.gap);
    if (animate) this.tag('Items').setSmooth('x', x, { duration: 0.25 });
    else this.tag('Items').x = x;
  }

  override _getFocused(): Lightning.Component | undefined {
    return this.tag('Items').children[this.index] as Lightning.Component | undefined;
  }
}
