// The player overlay's contents for a snapshot (tv-app/src/player/overlay-view.ts): badge, words
// over the picture, chapter, bar and times, hints, seek preview; and when the overlay stays up.
import { describe, expect, test } from '@jest/globals';
import { overlayStaysUp, overlayView, type OverlayInput } from '../../tv-app/src/player/overlay-view.ts';

const chapters = [
  { title: 'Avant-match', start: 0 },
  { title: 'Première mi-temps', start: 8 },
  { title: 'Seconde mi-temps', start: 26 },
];
const replay: OverlayInput = {
  snap: { state: 'playing', live: false, position: 10, start: 0, end: 48, duration: 48 },
  kind: 'replay',
  ended: false,
  chapters,
  target: null,
};
const live: OverlayInput = {
  snap: { state: 'playing', live: true, position: 94, start: 40, end: 100, duration: 100 },
  kind: 'live',
  ended: false,
  chapters: [],
  target: null,
};

describe('badge', () => {
  test('a live at its edge is DIRECT, red; behind it EN DIFFÉRÉ; over, TERMINÉ', () => {
    expect(overlayView(live).badge).toEqual({ text: 'DIRECT', live: true });
    expect(overlayView({ ...live, snap: { ...live.snap, position: 60 } }).badge).toEqual({
      text: 'EN DIFFÉRÉ',
      live: false,
    });
    expect(overlayView({ ...live, ended: true }).badge).toEqual({ text: 'TERMINÉ', live: false });
  });

  test('a live that failed behind its edge is still DIRECT (the stream stopped, not the viewer)', () => {
    expect(overlayView({ ...live, snap: { ...live.snap, position: 60, state: 'error' } }).badge.text).toBe('DIRECT');
  });

  test('replays and highlights say so', () => {
    expect(overlayView(replay).badge).toEqual({ text: 'REPLAY', live: false });
    expect(overlayView({ ...replay, kind: 'highlight', chapters: [] }).badge.text).toBe('RÉSUMÉ');
  });
});

describe('state words', () => {
  test('nothing over a picture that plays; the spinner while waiting for media; failures said aloud', () => {
    expect(overlayView(replay).state).toEqual({ text: '', spinning: false, announce: false });
    const state = (s: OverlayInput['snap']['state']) =>
      overlayView({ ...replay, snap: { ...replay.snap, state: s } }).state;
    expect(state('loading')).toEqual({ text: 'Chargement de la vidéo…', spinning: true, announce: false });
    expect(state('buffering').spinning).toBe(true);
    expect(state('reconnecting')).toEqual({ text: 'Reconnexion…', spinning: true, announce: true });
    expect(state('paused')).toEqual({ text: 'Pause', spinning: false, announce: true });
    expect(state('error')).toEqual({ text: 'La lecture a échoué', spinning: false, announce: true });
  });
});

describe('bar, chapter and hints', () => {
  test('a replay: elapsed / total, the chapter playing, the chapters hint', () => {
    const view = overlayView(replay);
    expect(view).toMatchObject({
      elapsed: '0:10',
      total: '0:48',
      chapter: 'Chapitre 2/3 · Première mi-temps',
      preview: null,
    });
    expect(view.played).toBeCloseTo(10 / 48);
    expect(view.knob).toBeCloseTo(10 / 48);
    expect(view.hints).toContain('▲ Chapitres');
  });

  test('a live: the live hints, no chapter', () => {
    const view = overlayView(live);
    expect(view.chapter).toBe('');
    expect(view.hints).toContain('▲ Retour au direct');
  });

  test('while seeking, the knob, the time and the preview show the target; the red bar what plays', () => {
    const view = overlayView({ ...replay, target: 30 });
    expect(view.played).toBeCloseTo(10 / 48);
    expect(view.knob).toBeCloseTo(30 / 48);
    expect(view.elapsed).toBe('0:30');
    expect(view.preview).toEqual({ time: 30, label: '0:30', chapter: 'Seconde mi-temps' });
  });

  test('seeking to the edge of a live: the preview says DIRECT', () => {
    expect(overlayView({ ...live, target: 99 }).preview?.label).toBe('DIRECT');
  });
});

test('the overlay stays up while covered, seeking or not simply playing', () => {
  expect(overlayStaysUp({ covered: false, seeking: false, state: 'playing' })).toBe(false);
  expect(overlayStaysUp({ covered: true, seeking: false, state: 'playing' })).toBe(true);
  expect(overlayStaysUp({ covered: false, seeking: true, state: 'playing' })).toBe(true);
  expect(overlayStaysUp({ covered: false, seeking: false, state: 'paused' })).toBe(true);
});
