// Base of the pages made of focusable rows (home, channel, event, programme): arrows
// move through a FocusGrid (focus memory per row), the page scrolls vertically so the
// focused row stays in view, OK activates the focused item.
import { Lightning } from '@lightningjs/sdk';
import { FocusGrid, type Direction } from '../../navigation/focus-grid.ts';
import { SAFE, STAGE } from '../theme.ts';
import type { Navigator } from '../../app/routes.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

/** A row component the page can focus: a rail, the channel strip, a button bar. */
export interface FocusRow extends Lightning.Component {
  readonly length: number;
  setFocusIndex(index: number): void;
}

export abstract class RowsPage extends Lightning.Component<Loose> {
  protected readonly grid = new FocusGrid();
  protected navigator!: Navigator;
  /** Top of the rows area; rows above `scrollTop` scroll off the top. */
  protected rowsTop = 150;

  set nav(navigator: Navigator) {
    this.navigator = navigator;
  }

  /** The row components, in order, with their grid ids. */
  protected abstract rows(): { id: string; row: FocusRow }[];

  /** OK on the focused item of row `rowId`, column `col`. */
  protected abstract activate(rowId: string, col: number): void;

  /** Called after focus moved (e.g. the home updates its channel rail). */
  protected focusMoved(_rowId: string, _col: number): void {}

  protected syncGrid(): void {
    const rows = this.rows();
    this.grid.setRows(rows.map(({ id, row }) => ({ id, length: row.length })));
    this.applyFocus(false);
  }

  protected applyFocus(animate = true): void {
    const focus = this.grid.focused;
    if (!focus) return;
    const entry = this.rows().find((r) => r.id === focus.rowId);
    entry?.row.setFocusIndex(focus.col);
    this.scrollRows(animate);
    this._refocus();
  }

  /** Keeps the focused row on screen: scrolls so it sits at the top of the rows area when below the fold. */
  private scrollRows(animate: boolean): void {
    const focus = this.grid.focused;
    const container = this.tag('Rows');
    if (!focus || !container) return;
    const entry = this.rows().find((r) => r.id === focus.rowId);
    if (!entry) return;
    const rowY = entry.row.y;
    const rowBottom = rowY + entry.row.h;
    let offset = 0;
    if (this.rowsTop + rowBottom > STAGE.h - SAFE.y) offset = -(rowY - this.scrollAnchor(focus.row));
    if (animate) container.setSmooth('y', this.rowsTop + offset, { duration: 0.3 });
    else container.y = this.rowsTop + offset;
  }

  /** Where (in rows coordinates) the focused row is placed once the page scrolls. */
  protected scrollAnchor(_rowIndex: number): number {
    return 0;
  }

  private moveFocus(direction: Direction): boolean {
    if (!this.grid.move(direction)) return false;
    const focus = this.grid.focused!;
    this.applyFocus(true);
    this.focusMoved(focus.rowId, focus.col);
    return true;
  }

  override _handleLeft(): boolean | void {
    return this.moveFocus('left');
  }
  override _handleRight(): boolean | void {
    return this.moveFocus('right');
  }
  override _handleUp(): boolean | void {
    return this.moveFocus('up');
  }
  override _handleDown(): boolean | void {
    return this.moveFocus('down');
  }
  override _handleEnter(): boolean | void {
    const focus = this.grid.focused;
    if (!focus) return false;
    this.activate(focus.rowId, focus.col);
  }

  override _getFocused(): Lightning.Component | undefined {
    const focus = this.grid.focused;
    if (!focus) return this;
    return this.rows().find((r) => r.id === focus.rowId)?.row;
  }
}
