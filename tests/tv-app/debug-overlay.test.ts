// The hidden debug overlay's logic: the code typed on the remote, and the words for its figures.
import { KeySequence } from '../../tv-app/src/navigation/key-sequence.ts';
import { keyMapFor } from '../../tv-app/src/navigation/key-map.ts';
import { PLAYER_DEFAULTS } from '../../tv-app/src/player/config.ts';
import { debugLines, type DebugFigures } from '../../tv-app/src/player/debug-view.ts';
import { setLanguage } from '../../tv-app/src/i18n/index.ts';

afterEach(() => setLanguage('fr'));

const { sequence, maxGapMs } = PLAYER_DEFAULTS.debugOverlay;

test('the code: its keys in order, each soon after the last; anything else starts over', () => {
  const code = new KeySequence(sequence, maxGapMs);
  const type = (keys: (string | undefined)[], start = 0, gap = 300) =>
    keys.map((k, i) => code.press(k, start + i * gap));
  expect(type([...sequence])).toEqual([false, false, false, true]);
  // Again: it toggles again (the overlay hides).
  expect(type([...sequence], 10_000).pop()).toBe(true);
  // A wrong key in the middle, a pause too long, an unmapped key: not the code.
  expect(type(['Digit0', 'Digit5', 'Up', 'Digit7', 'Digit9'], 20_000).some(Boolean)).toBe(false);
  expect(type([...sequence], 30_000, maxGapMs + 1).some(Boolean)).toBe(false);
  expect(type(['Digit0', undefined, 'Digit5', 'Digit7', 'Digit9'], 40_000).some(Boolean)).toBe(false);
  // A false start then the code: recognised.
  expect(type(['Digit0', 'Digit0', 'Digit5', 'Digit7', 'Digit9'], 50_000).pop()).toBe(true);
});

test('the code uses no key that does something else, and every remote family sends its digits', () => {
  expect(sequence.some((k) => ['Digit1', 'Digit2', 'Digit3', 'Digit4'].includes(k))).toBe(false);
  expect(sequence.length).toBeGreaterThanOrEqual(4);
  for (const family of ['tizen', 'webos', 'rdk', 'androidtv', 'desktop'] as const) {
    const names = new Set(Object.values(keyMapFor(family)));
    for (const key of sequence) expect(names.has(key)).toBe(true);
  }
});

const figures: DebugFigures = {
  live: true,
  lowLatencyMode: true,
  parts: false,
  clockLatencyS: 7.94,
  latencyS: 6.02,
  targetLatencyS: 6,
  playbackRate: 1,
  bufferS: 4.25,
  bitrate: 1_460_000,
  height: 540,
  level: 3,
  levels: 3,
  droppedFrames: 2,
  totalFrames: 1234,
};

test('the figures in French: seconds with a decimal comma, kbit/s, rendition, dropped frames, mode', () => {
  expect(debugLines(figures)).toEqual([
    'Diagnostic de lecture',
    'Retard sur l’horloge (PROGRAM-DATE-TIME) : 7,9 s',
    'Latence au direct (hls.js) : 6,0 s · cible 6,0 s',
    'Tampon : 4,3 s',
    'Débit : 1460 kbit/s · 540p · rendu 3/3',
    'Images perdues : 2 sur 1234',
    'Mode : faible latence, segments entiers (pas de parts) · vitesse ×1,00',
  ]);
  // A replay: no latency lines; no dates in the playlist: a dash, not a made-up figure.
  const replay = debugLines({
    ...figures,
    live: false,
    lowLatencyMode: false,
    clockLatencyS: null,
    latencyS: null,
    targetLatencyS: null,
  });
  expect(replay.some((l) => l.includes('Latence'))).toBe(false);
  expect(replay.pop()).toBe('Mode : HLS classique · vitesse ×1,00');
  expect(debugLines({ ...figures, clockLatencyS: null })[1]).toBe('Retard sur l’horloge (PROGRAM-DATE-TIME) : —');
  setLanguage('en');
  expect(debugLines({ ...figures, parts: true, playbackRate: 1.1 })).toContain(
    'Mode: low latency, with parts · speed ×1.10',
  );
});
