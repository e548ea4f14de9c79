import { FocusGrid, scrollStart } from '../../tv-app/src/navigation/focus-grid.ts';

test('arrows move within a row and between rows; edges report no move', () => {
  const grid = new FocusGrid([
    { id: 'a', length: 3 },
    { id: 'b', length: 2 },
  ]);
  expect(grid.focused).toEqual({ row: 0, col: 0, rowId: 'a' });
  expect(grid.move('left')).toBe(false);
  expect(grid.move('up')).toBe(false);
  expect(grid.move('right')).toBe(true);
  expect(grid.move('right')).toBe(true);
  expect(grid.move('right')).toBe(false);
  expect(grid.focused).toEqual({ row: 0, col: 2, rowId: 'a' });
  expect(grid.move('down')).toBe(true);
  expect(grid.focused).toEqual({ row: 1, col: 0, rowId: 'b' });
  expect(grid.move('down')).toBe(false);
});

test('each row remembers its focused item when focus comes back to it', () => {
  const grid = new FocusGrid([
    { id: 'a', length: 5 },
    { id: 'b', length: 5 },
  ]);
  grid.move('right');
  grid.move('right');
  grid.move('down');
  grid.move('right');
  grid.move('up');
  expect(grid.focused).toEqual({ row: 0, col: 2, rowId: 'a' });
  grid.move('down');
  expect(grid.focused).toEqual({ row: 1, col: 1, rowId: 'b' });
});

test('a refresh keeps focus on the same row by id, drops empty rows and clamps columns', () => {
  const grid = new FocusGrid([
    { id: 'live', length: 2 },
    { id: 'replays', length: 6 },
  ]);
  grid.move('down');
  for (let i = 0; i < 5; i++) grid.move('right');
  grid.setRows([
    { id: 'live', length: 0 },
    { id: 'upcoming', length: 3 },
    { id: 'replays', length: 4 },
  ]);
  expect(grid.focused).toEqual({ row: 1, col: 3, rowId: 'replays' });
});

test('a snapshot restores the exact focus on a new grid (page memory)', () => {
  const grid = new FocusGrid([
    { id: 'a', length: 5 },
    { id: 'b', length: 5 },
  ]);
  grid.move('down');
  grid.move('right');
  grid.move('right');
  const other = new FocusGrid([
    { id: 'a', length: 5 },
    { id: 'b', length: 5 },
  ]);
  other.restore(grid.snapshot());
  expect(other.focused).toEqual({ row: 1, col: 2, rowId: 'b' });
});

test('rail scrolling keeps the focused item visible and only scrolls when needed', () => {
  expect(scrollStart(0, 3, 4, 10)).toBe(0);
  expect(scrollStart(0, 4, 4, 10)).toBe(1);
  expect(scrollStart(1, 2, 4, 10)).toBe(1);
  expect(scrollStart(5, 2, 4, 10)).toBe(2);
  expect(scrollStart(0, 9, 4, 10)).toBe(6);
  expect(scrollStart(0, 2, 4, 3)).toBe(0);
});
