// Chapters of a replay: current chapter, seek-bar marks, next/previous jumps.
import {
  chapterIndexAt,
  chapterJump,
  chapterMarks,
  orderedChapters,
  RESTART_GRACE_S,
} from '../../tv-app/src/player/chapters.ts';

const CHAPTERS = orderedChapters(
  [
    { title: 'Seconde mi-temps', start: 26 },
    { title: 'Avant-match', start: 0 },
    { title: 'Première mi-temps', start: 8 },
    { title: 'Réactions', start: 42 },
    { title: 'Hors du replay', start: 90 },
  ],
  60,
);

test('chapters are ordered by start; those past the end are dropped', () => {
  expect(CHAPTERS.map((c) => c.start)).toEqual([0, 8, 26, 42]);
  expect(orderedChapters(undefined)).toEqual([]);
});

test('the chapter playing at a time', () => {
  expect(chapterIndexAt(CHAPTERS, 0)).toBe(0);
  expect(chapterIndexAt(CHAPTERS, 7.9)).toBe(0);
  expect(chapterIndexAt(CHAPTERS, 8)).toBe(1);
  expect(chapterIndexAt(CHAPTERS, 59)).toBe(3);
  expect(chapterIndexAt([], 10)).toBe(-1);
  expect(chapterIndexAt([{ title: 'x', start: 5 }], 2)).toBe(-1);
});

test('marks on the bar at each chapter start but the first', () => {
  expect(chapterMarks(CHAPTERS, 60)).toEqual([8 / 60, 26 / 60, 42 / 60]);
  expect(chapterMarks(CHAPTERS, 0)).toEqual([]);
});

test('next chapter: the one after the current; none after the last', () => {
  expect(chapterJump(CHAPTERS, 3, 1)).toBe(1);
  expect(chapterJump(CHAPTERS, 26, 1)).toBe(3);
  expect(chapterJump(CHAPTERS, 50, 1)).toBeNull();
});

test("previous chapter: back to the current one's start, or the one before near its start", () => {
  expect(chapterJump(CHAPTERS, 35, -1)).toBe(2);
  expect(chapterJump(CHAPTERS, 26 + RESTART_GRACE_S - 1, -1)).toBe(1);
  expect(chapterJump(CHAPTERS, 1, -1)).toBeNull();
});
