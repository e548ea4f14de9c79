import { PlayerStateMachine, advancedByPlayback } from '../../tv-app/src/player/player-state.ts';

test('load → playing → buffering → playing → paused → playing → ended', () => {
  const m = new PlayerStateMachine();
  const seen: string[] = [];
  m.subscribe((s) => seen.push(s.state));
  for (const type of ['load', 'playing', 'waiting', 'playing', 'pause', 'playing', 'ended'] as const) m.send({ type });
  expect(seen).toEqual(['loading', 'playing', 'buffering', 'playing', 'paused', 'playing', 'ended']);
});

test('non-fatal errors change nothing; a fatal one is an error state with its message until reloaded', () => {
  const m = new PlayerStateMachine();
  m.send({ type: 'load' });
  m.send({ type: 'playing' });
  expect(m.send({ type: 'error', fatal: false, message: 'fragLoadError' })).toBe('playing');
  expect(m.send({ type: 'error', fatal: true, message: 'manifestLoadError' })).toBe('error');
  expect(m.error).toBe('manifestLoadError');
  expect(m.send({ type: 'playing' })).toBe('error');
  expect(m.send({ type: 'load' })).toBe('loading');
  expect(m.error).toBeNull();
});

test('stop returns to idle from anywhere playback started', () => {
  const m = new PlayerStateMachine();
  expect(m.send({ type: 'stop' })).toBe('idle');
  m.send({ type: 'load' });
  expect(m.send({ type: 'stop' })).toBe('idle');
});

test('a stall ends when the clock advances by playing, not when it jumps (live reload) or seeks', () => {
  const playing = { paused: false, seeking: false, readyState: 4 };
  expect(advancedByPlayback(playing, 0.25, 1.5)).toBe(true);
  // hls.js reloading a live moves the playhead to the live edge: a jump over a frozen picture.
  expect(advancedByPlayback(playing, 12, 1.5)).toBe(false);
  expect(advancedByPlayback({ ...playing, readyState: 1 }, 0.25, 1.5)).toBe(false);
  expect(advancedByPlayback({ ...playing, seeking: true }, 0.25, 1.5)).toBe(false);
  expect(advancedByPlayback({ ...playing, paused: true }, 0.25, 1.5)).toBe(false);
  expect(advancedByPlayback(playing, 0, 1.5)).toBe(false);
});

test('a fatal network error being retried shows "reconnecting" from any playing state, and only playing ends it', () => {
  for (const before of ['loading', 'playing', 'buffering', 'paused'] as const) {
    const m = new PlayerStateMachine();
    m.send({ type: 'load' });
    if (before === 'playing' || before === 'buffering' || before === 'paused') m.send({ type: 'playing' });
    if (before === 'buffering') m.send({ type: 'waiting' });
    if (before === 'paused') m.send({ type: 'pause' });
    expect(m.state).toBe(before);
    expect(m.send({ type: 'reconnect' })).toBe('reconnecting');
    // Stalling again, or the element pausing its clock, does not hide it.
    expect(m.send({ type: 'waiting' })).toBe('reconnecting');
    expect(m.send({ type: 'playing' })).toBe('playing');
  }
});
