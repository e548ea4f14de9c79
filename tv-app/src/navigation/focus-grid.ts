// The focus model of a page made of rows (rails, button bars, a channel strip):
// which row is focused and, for each row, which item it last had focused, so
// that coming back to a rail lands on the tile you left ("focus memory per rail").
// Plain TypeScript: the Lightning pages render from it, jest tests it alone.
import { itemAt } from '../../../shared/lang/item-at.ts';

export type Direction = 'up' | 'down' | 'left' | 'right';

export interface GridRow {
  /** Stable id (e.g. "replays:sport"): memory survives a data refresh that keeps the id. */
  id: string;
  length: number;
}

export interface FocusPosition {
  row: number;
  col: number;
  rowId: string;
}

export interface FocusSnapshot {
  rowId: string | null;
  memory: Record<string, number>;
}

export class FocusGrid {
  private rows: GridRow[] = [];
  private rowIndex = 0;
  private readonly memory = new Map<string, number>();

  constructor(rows: GridRow[] = []) {
    this.setRows(rows);
  }

  /** Replaces the rows, keeping the focused row (by id) and each row's memory when possible. */
  setRows(rows: GridRow[]): void {
    const focusedId = this.rows[this.rowIndex]?.id;
    this.rows = rows.filter((r) => r.length > 0);
    const kept = focusedId === undefined ? -1 : this.rows.findIndex((r) => r.id === focusedId);
    this.rowIndex = kept >= 0 ? kept : Math.min(this.rowIndex, Math.max(0, this.rows.length - 1));
    for (const row of this.rows) {
      const col = this.memory.get(row.id);
      if (col !== undefined && col >= row.length) this.memory.set(row.id, row.length - 1);
    }
  }

  get isEmpty(): boolean {
    return this.rows.length === 0;
  }

  get focused(): FocusPosition | null {
    const row = this.rows[this.rowIndex];
    if (!row) return null;
    return { row: this.rowIndex, col: this.colOf(row), rowId: row.id };
  }

  colOf(row: GridRow | string): number {
    const id = typeof row === 'string' ? row : row.id;
    return this.memory.get(id) ?? 0;
  }

  /** Moves focus; returns false when there is nowhere to go (the caller may bubble the key). */
  move(direction: Direction): boolean {
    const row = this.rows[this.rowIndex];
    if (!row) return false;
    const col = this.colOf(row);
    switch (direction) {
      case 'left':
        if (col === 0) return false;
        this.memory.set(row.id, col - 1);
        return true;
      case 'right':
        if (col >= row.length - 1) return false;
        this.memory.set(row.id, col + 1);
        return true;
      case 'up':
        if (this.rowIndex === 0) return false;
        this.rowIndex -= 1;
        return true;
      case 'down':
        if (this.rowIndex >= this.rows.length - 1) return false;
        this.rowIndex += 1;
        return true;
    }
  }

  /** Focuses a given row (by id) and optionally a column in it. */
  focus(rowId: string, col?: number): boolean {
    const index = this.rows.findIndex((r) => r.id === rowId);
    if (index < 0) return false;
    this.rowIndex = index;
    if (col !== undefined) this.memory.set(rowId, Math.max(0, Math.min(col, itemAt(this.rows, index).length - 1)));
    return true;
  }

  /** What a page stores when it is left, to restore focus exactly when the user comes back. */
  snapshot(): FocusSnapshot {
    return { rowId: this.rows[this.rowIndex]?.id ?? null, memory: Object.fromEntries(this.memory) };
  }

  restore(snapshot: FocusSnapshot): void {
    for (const [id, col] of Object.entries(snapshot.memory)) this.memory.set(id, col);
    if (snapshot.rowId !== null) this.focus(snapshot.rowId);
    this.setRows(this.rows);
  }
}

/**
 * First visible item of a horizontally scrolling rail so that `focused` stays in view,
 * scrolling only when focus would leave the window (not on every move: less motion on
 * slow TVs, and the eye keeps its place).
 */
export function scrollStart(current: number, focused: number, visible: number, length: number): number {
  const maxStart = Math.max(0, length - visible);
  let start = current;
  if (focused < start) start = focused;
  else if (focused >= start + visible) start = focused - visible + 1;
  return Math.max(0, Math.min(start, maxStart));
}
