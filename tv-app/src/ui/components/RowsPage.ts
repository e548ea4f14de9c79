// Base of the pages made of focusable rows (home, channel, event, programme): arrows
// move through a FocusGrid (focus memory per row), the page scrolls vertically so the
// focused row stays in view, OK opens what the focused item leads to; the data loads behind
// one shared placeholder (`loadWith`). Each time the focus
// settles, the page tells the App (`$focusLeadsTo`) where OK would go: the App preloads the
// playlist of a playback (manifest-preload.ts).
import { Lightning } from '@lightningjs/sdk';
import { FocusGrid, type Direction } from '../../navigation/focus-grid.ts';
import { SAFE, STAGE } from '../theme.ts';
import type { Navigator, Route } from '../../app/routes.ts';
import type { StatusView } from './StatusView.ts';

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

  /** Where OK on the item of row `rowId`, column `col` leads (null: nowhere). */
  protected abstract routeAt(rowId: string, col: number): Route | null;

  /** Draws the page from its loaded data. */
  protected abstract render(): void;

  /** The page's data is there (a failed background reload keeps it on screen). */
  protected abstract get loaded(): boolean;

  /** Called by the App when the page comes back on top (languages, resume points may have changed). */
  refresh(): void {
    if (this.loaded) this.render();
  }

  /**
   * Loads the page's data behind the shared placeholder: « Chargement… » with the rows hidden,
   * then the rows drawn, or the error view whose « Réessayer » loads again. A background reload
   * (the home's periodic refresh) shows nothing while it runs, and if it fails keeps what is on
   * screen (the network banner tells).
   */
  protected async loadWith(fetchData: () => Promise<void>, background = false): Promise<void> {
    const status = this.tag('Status') as StatusView;
    if (!background) {
      status.showLoading();
      this.tag('Rows').visible = false;
    }
    try {
      await fetchData();
    } catch {
      if (!background || !this.loaded) status.showError(() => void this.loadWith(fetchData));
      this._refocus();
      return;
    }
    const rows = this.tag('Rows');
    if (background) {
      status.hide();
      rows.patch({ visible: true, alpha: 1 });
      this.render();
      this._refocus();
      return;
    }
    // Drawn unseen first (alpha 0.001: Lightning loads the textures of what it draws) behind the
    // placeholder, shown once its first screen is ready: the page appears complete, at once.
    status.holdStill();
    rows.patch({ visible: true, alpha: 0.001 });
    this.render();
    this._refocus();
    await this.firstScreenReady();
    status.hide();
    rows.alpha = 1;
  }

  /** Resolves when what the page shows first is ready to be seen (its images; bounded in time). */
  protected firstScreenReady(): Promise<void> {
    return Promise.resolve();
  }

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
    this.announceRoute();
  }

  /** Tells the App where OK leads from here, when this page has the focus. */
  protected announceRoute(): void {
    const focus = this.grid.focused;
    if (!focus || !this.hasFocus()) return;
    this.fireAncestors('$focusLeadsTo', this.routeAt(focus.rowId, focus.col));
  }

  override _focus(): void {
    // Back from a page above: the focus is where it was; OK leads where it did.
    this.announceRoute();
  }

  /**
   * Keeps the focused row on screen: the first `unscrolledRows` rows show the page's top
   * as laid out; below them the focused row moves up to the top of the rows area, so the
   * rows under it peek in from the bottom. Rows outside the `Rows` container never scroll.
   */
  private scrollRows(animate: boolean): void {
    const focus = this.grid.focused;
    const container = this.tag('Rows');
    if (!focus || !container) return;
    const rows = this.rows();
    const index = rows.findIndex((r) => r.id === focus.rowId);
    const entry = rows[index];
    if (!entry) return;
    // The row's y within the Rows container (rails may sit in a nested group).
    let rowY = 0;
    let node: Lightning.Element | null = entry.row;
    while (node && node !== container) {
      rowY += node.y;
      node = node.parent;
    }
    const inContainer = node === container;
    const offset = !inContainer || index < this.unscrolledRows ? 0 : -rowY + this.scrollMargin;
    const fitsUnscrolled = inContainer && this.rowsTop + rowY + entry.row.h <= STAGE.h - SAFE.y;
    const y = this.rowsTop + (index < this.unscrolledRows || fitsUnscrolled ? 0 : offset);
    if (animate) container.setSmooth('y', y, { duration: 0.3 });
    else container.y = y;
  }

  /** How many leading rows keep the page unscrolled (a hero and what shows with it). */
  protected unscrolledRows = 1;
  /** Space kept above a scrolled-to row (its title). */
  protected scrollMargin = 0;

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
    const route = this.routeAt(focus.rowId, focus.col);
    if (route) this.navigator.open(route);
  }

  override _getFocused(): Lightning.Component | undefined {
    // A page whose data failed to load hands focus to its error view (« Réessayer »): the
    // pages keep their StatusView under the tag `Status`.
    const status = this.tag('Status') as StatusView | undefined;
    if (status?.hasError) return status;
    const focus = this.grid.focused;
    if (!focus) return this;
    return this.rows().find((r) => r.id === focus.rowId)?.row;
  }
}
