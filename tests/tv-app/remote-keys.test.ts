import { detectPlatform, keyMapFor, nextLiveChannel } from '../../tv-app/src/navigation/key-map.ts';
import { createKeyRepeatGate } from '../../tv-app/src/navigation/key-repeat.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

test('platform families are recognised from the APIs the device gives, never from the user agent', () => {
  const hints = (extra: Partial<{ hasTizen: boolean; hasWebOS: boolean; hint: string }> = {}) =>
    detectPlatform({ hasTizen: false, hasWebOS: false, ...extra });
  expect(hints({ hasTizen: true })).toBe('tizen');
  expect(hints({ hasWebOS: true })).toBe('webos');
  expect(hints({ hint: 'rdk' })).toBe('rdk');
  expect(hints({ hint: 'androidtv' })).toBe('androidtv');
  expect(hints({ hint: 'tizen' })).toBe('desktop'); // a query string cannot fake the Tizen API
  expect(hints()).toBe('desktop');
});

test('each family maps its Back key, arrows, OK, media, colour and digit keys', () => {
  expect(keyMapFor('webos')[461]).toBe('Back');
  expect(keyMapFor('tizen')[10009]).toBe('Back');
  expect(keyMapFor('desktop')[8]).toBe('Back');
  expect(keyMapFor('desktop')[27]).toBe('Back');
  expect(keyMapFor('androidtv')[4]).toBe('Back');
  expect(keyMapFor('rdk')[228]).toBe('Rewind');
  for (const family of ['tizen', 'webos', 'rdk', 'androidtv', 'desktop'] as const) {
    const map = keyMapFor(family);
    expect([map[37], map[38], map[39], map[40], map[13]]).toEqual(['Left', 'Up', 'Right', 'Down', 'Enter']);
    expect([map[403], map[404], map[405], map[406]]).toEqual(['Red', 'Green', 'Yellow', 'Blue']);
    expect([map[415], map[19], map[413], map[417], map[412]]).toEqual([
      'Play',
      'Pause',
      'Stop',
      'FastForward',
      'Rewind',
    ]);
    expect([map[49], map[50], map[51], map[52]]).toEqual(['Digit1', 'Digit2', 'Digit3', 'Digit4']);
  }
});

test('a long press lets the first press through, then one repeat per interval, dropping the rest', () => {
  const gate = createKeyRepeatGate(100);
  const handled: number[] = [];
  // 30 Hz auto-repeat for one second.
  for (let t = 0; t <= 1000; t += 33) if (gate.accept('39', t > 0, t)) handled.push(t);
  expect(handled[0]).toBe(0);
  expect(handled.length).toBeLessThanOrEqual(11);
  expect(handled.length).toBeGreaterThanOrEqual(8);
  for (let i = 1; i < handled.length; i++)
    expect(itemAt(handled, i) - itemAt(handled, i - 1)).toBeGreaterThanOrEqual(100);
});

test('separate presses (keyup between) are all handled, however fast', () => {
  const gate = createKeyRepeatGate(100);
  let handled = 0;
  for (let t = 0; t < 200; t += 20) {
    if (gate.accept('39', false, t)) handled++;
    gate.release('39');
  }
  expect(handled).toBe(10);
});

test('channel up/down keys per family, and zapping skips channels with nothing on air', () => {
  expect([keyMapFor('tizen')[427], keyMapFor('tizen')[428]]).toEqual(['ChannelUp', 'ChannelDown']);
  expect([keyMapFor('webos')[33], keyMapFor('webos')[34]]).toEqual(['ChannelUp', 'ChannelDown']);
  expect([keyMapFor('androidtv')[166], keyMapFor('androidtv')[167]]).toEqual(['ChannelUp', 'ChannelDown']);
  const live = [true, false, true, true];
  expect(nextLiveChannel(live, 0, 1, (x) => x)).toBe(2);
  expect(nextLiveChannel(live, 3, 1, (x) => x)).toBe(0);
  expect(nextLiveChannel(live, 0, -1, (x) => x)).toBe(3);
  expect(nextLiveChannel([true, false], 0, 1, (x) => x)).toBeNull();
});
