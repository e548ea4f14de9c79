import { PlayerStateMachine } from '../../tv-app/src/player/player-state.ts';

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
