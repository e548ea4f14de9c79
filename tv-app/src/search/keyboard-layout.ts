// The on-screen keyboard's layout and its arrow navigation (a grid of keys where
// Up/Down keep the column as far as the shorter rows allow). Pure, for jest.
import type { Direction } from '../navigation/focus-grid.ts';
import { itemAt } from '../../../shared/lang/item-at.ts';

export type KeyCap = { kind: 'char'; char: string } | { kind: 'space' } | { kind: 'delete' };

const LETTER_ROWS = ['abcdefg', 'hijklmn', 'opqrstu', "vwxyz-'", '0123456', '789'];

export const KEYBOARD_ROWS: KeyCap[][] = [
  ...LETTER_ROWS.map((row) => row.split('').map((char): KeyCap => ({ kind: 'char', char }))),
  [{ kind: 'space' }, { kind: 'delete' }],
];

export class KeyboardModel {
  row = 0;
  col = 0;

  constructor(readonly rows: KeyCap[][] = KEYBOARD_ROWS) {}

  get key(): KeyCap {
    return itemAt(this.currentRow, this.col);
  }

  private get currentRow(): KeyCap[] {
    return itemAt(this.rows, this.row);
  }

  /** False at the keyboard's edge (the page may move focus elsewhere). */
  move(direction: Direction): boolean {
    const rows = this.rows;
    switch (direction) {
      case 'left':
        if (this.col === 0) return false;
        this.col--;
        return true;
      case 'right':
        if (this.col >= this.currentRow.length - 1) return false;
        this.col++;
        return true;
      case 'up':
      case 'down': {
        const next = this.row + (direction === 'up' ? -1 : 1);
        if (next < 0 || next >= rows.length) return false;
        // Rows of different widths: keep the same relative horizontal position.
        const from = this.currentRow.length;
        const to = itemAt(rows, next).length;
        this.col = to === from ? this.col : Math.min(to - 1, Math.floor((this.col * to) / from));
        this.row = next;
        return true;
      }
    }
  }
}

/** The query after pressing `key`. */
export function applyKey(query: string, key: KeyCap): string {
  switch (key.kind) {
    case 'char':
      return query + key.char;
    case 'space':
      return query.endsWith(' ') || query === '' ? query : `${query} `;
    case 'delete':
      return query.slice(0, -1);
  }
}
