import { formatClock, seekTarget, timeline } from '../../tv-app/src/player/timeline.ts';
import { audioOptions, subtitleOptions } from '../../tv-app/src/player/tracks.ts';
import { ReconnectPolicy } from '../../tv-app/src/player/reconnect.ts';
import { createSessionId } from '../../tv-app/src/player/session.ts';
import { hlsConfig } from '../../tv-app/src/player/config.ts';
import { PlayerStateMachine } from '../../tv-app/src/player/player-state.ts';

test('clock labels', () => {
  expect(formatClock(0)).toBe('0:00');
  expect(formatClock(65.9)).toBe('1:05');
  expect(formatClock(3723)).toBe('1:02:03');
});

test('VOD timeline: elapsed / total and progress', () => {
  const line = timeline({ live: false, position: 90, start: 0, end: 360, duration: 360 }, 'DIRECT');
  expect(line).toMatchObject({ elapsed: '1:30', total: '6:00', atLiveEdge: false });
  expect(line.progress).toBeCloseTo(0.25);
});

test('live timeline: at the edge it says DIRECT; behind, how far', () => {
  const edge = timeline({ live: true, position: 94, start: 88, end: 100, duration: 100 }, 'DIRECT');
  expect(edge).toMatchObject({ atLiveEdge: true, elapsed: '', total: 'DIRECT' });
  const behind = timeline({ live: true, position: 70, start: 60, end: 100, duration: 100 }, 'DIRECT');
  expect(behind).toMatchObject({ atLiveEdge: false, elapsed: '−0:30', behindLive: 30 });
  expect(behind.progress).toBeCloseTo(0.25);
});

test('seeks stay inside the seekable range', () => {
  expect(seekTarget(50, -10, 0, 100)).toBe(40);
  expect(seekTarget(5, -10, 0, 100)).toBe(0);
  expect(seekTarget(95, 30, 0, 100)).toBe(99.5);
  expect(seekTarget(70, -30, 60, 100)).toBe(60);
});

test('track options: names, the current one selected, subtitles "off" first', () => {
  const audio = audioOptions(
    [
      { name: 'Français', lang: 'fr' },
      { name: 'English', lang: 'en' },
    ],
    1,
  );
  expect(audio).toEqual([
    { index: 0, label: 'Français', selected: false },
    { index: 1, label: 'English', selected: true },
  ]);
  const subs = subtitleOptions([{ name: 'Français', lang: 'fr' }], -1, 'Désactivés');
  expect(subs).toEqual([
    { index: -1, label: 'Désactivés', selected: true },
    { index: 0, label: 'Français', selected: false },
  ]);
});

test("subtitles on by default become hls.js's subtitle preference (it picks the track itself)", () => {
  expect(hlsConfig({ live: false, sessionId: 's', contentId: 'c', subtitleLanguage: 'fr' }).subtitlePreference).toEqual(
    { lang: 'fr' },
  );
  expect(hlsConfig({ live: false, sessionId: 's', contentId: 'c' }).subtitlePreference).toBeUndefined();
});

test('reconnection: growing delays, then give up; a success resets it', () => {
  // The jitter's draw at its top: the delays are their caps (backoff.test.ts draws them).
  const policy = new ReconnectPolicy([100, 200, 400], undefined, () => 1);
  expect([policy.next(), policy.next(), policy.next(), policy.next()]).toEqual([100, 200, 400, null]);
  policy.reset();
  expect(policy.next()).toBe(100);
});

test('session ids are UUID v4 and differ', () => {
  const a = createSessionId();
  expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(createSessionId()).not.toBe(a);
});

test('hls.js config: CMCD as query with session and content ids; live keeps less back buffer', () => {
  const live = hlsConfig({ live: true, sessionId: 's', contentId: 'c' });
  expect(live.cmcd).toEqual({ sessionId: 's', contentId: 'c', useHeaders: false });
  expect(live.startPosition).toBe(-1);
  const vod = hlsConfig({ live: false, startPosition: 42, sessionId: 's', contentId: 'c' });
  expect(vod.startPosition).toBe(42);
  expect(vod.backBufferLength!).toBeGreaterThan(live.backBufferLength!);
});

test('state machine: a network failure while playing is "reconnecting" until it plays again', () => {
  const m = new PlayerStateMachine();
  m.send({ type: 'load' });
  m.send({ type: 'playing' });
  m.send({ type: 'waiting' });
  expect(m.send({ type: 'reconnect' })).toBe('reconnecting');
  expect(m.send({ type: 'pause' })).toBe('reconnecting');
  expect(m.send({ type: 'playing' })).toBe('playing');
  m.send({ type: 'reconnect' });
  expect(m.send({ type: 'error', fatal: true, message: 'levelLoadError' })).toBe('error');
});
