// The platform glue (tv-app/src/platform/platform.ts) against stand-ins of the APIs Samsung and
// LG give a packaged app, shaped as their documentation describes them: which keys a Tizen app
// registers, what Back and Exit do on each family, and how the app leaves at the home screen.
import {
  currentPlatform,
  exitApp,
  keyNameOf,
  setUpRemote,
  type PlatformGlobals,
} from '../../tv-app/src/platform/platform.ts';
import { TIZEN_KEYS_TO_REGISTER } from '../../tv-app/src/navigation/key-map.ts';

function tizenTv(supported?: string[]) {
  const registered: string[] = [];
  let exited = 0;
  const g: PlatformGlobals = {
    tizen: {
      tvinputdevice: {
        registerKey: (name) => {
          // The real API throws for a key the model does not have.
          if (supported && !supported.includes(name)) throw new Error(`InvalidValuesError: ${name}`);
          registered.push(name);
        },
        ...(supported ? { getSupportedKeys: () => supported.map((name, code) => ({ name, code })) } : {}),
      },
      application: { getCurrentApplication: () => ({ exit: () => void exited++ }) },
    },
    location: { search: '' },
    close: () => {
      throw new Error('a Tizen app leaves through tizen.application, not window.close');
    },
  };
  return { g, registered, exited: () => exited };
}

test('Tizen: detected by its API; media, colour and digit keys registered; Back 10009 and Exit 10182 mapped', () => {
  const tv = tizenTv();
  expect(currentPlatform(tv.g)).toBe('tizen');
  const keys = setUpRemote('tizen', tv.g);
  expect(tv.registered).toEqual([...TIZEN_KEYS_TO_REGISTER]);
  for (const name of ['MediaPlayPause', 'MediaStop', 'MediaFastForward', 'MediaRewind', 'ColorF0Red', '1'])
    expect(tv.registered).toContain(name);
  expect(keys[10009]).toBe('Back');
  expect(keys[10182]).toBe('Exit');
  expect(keys[10252]).toBe('PlayPause');
  expect(keys[415]).toBe('Play');
  expect(keys[403]).toBe('Red');
  expect(keyNameOf(10009)).toBe('Back');
  exitApp('tizen', tv.g);
  expect(tv.exited()).toBe(1);
});

test('Tizen: only the keys the model has are registered, and a refusal loses only that key', () => {
  const tv = tizenTv(['MediaPlayPause', 'ColorF0Red', '1', 'ChannelUp']);
  setUpRemote('tizen', tv.g);
  expect(tv.registered).toEqual(['MediaPlayPause', 'ColorF0Red', '1', 'ChannelUp']);
  // Firmware without getSupportedKeys: every key tried, a throwing one skipped.
  const old = tizenTv();
  const input = old.g.tizen?.tvinputdevice;
  if (!input) throw new Error('no input device');
  const register = input.registerKey;
  input.registerKey = (name) => {
    if (name === 'MediaRewind') throw new Error('InvalidValuesError');
    register(name);
  };
  setUpRemote('tizen', old.g);
  expect(old.registered).toHaveLength(TIZEN_KEYS_TO_REGISTER.length - 1);
  expect(old.registered).not.toContain('MediaRewind');
});

test('webOS: detected by webOSTV.js or PalmSystem; Back is 461 for the app; leaving goes through platformBack', () => {
  const calls: string[] = [];
  const withLib: PlatformGlobals = {
    webOS: { platformBack: () => calls.push('webOS.platformBack') },
    PalmSystem: { platformBack: () => calls.push('PalmSystem.platformBack') },
    close: () => calls.push('window.close'),
  };
  expect(currentPlatform(withLib)).toBe('webos');
  const keys = setUpRemote('webos', withLib);
  expect(keys[461]).toBe('Back');
  expect(keys[8]).toBeUndefined(); // no keyboard Backspace on a TV remote map
  exitApp('webos', withLib);
  expect(calls).toEqual(['webOS.platformBack']);

  // Without webOSTV.js in the package: the engine's own PalmSystem, which webOSTV.js wraps.
  const bare: PlatformGlobals = {
    PalmSystem: { platformBack: () => calls.push('PalmSystem.platformBack') },
    close: () => calls.push('window.close'),
  };
  expect(currentPlatform(bare)).toBe('webos');
  exitApp('webos', bare);
  expect(calls).toEqual(['webOS.platformBack', 'PalmSystem.platformBack']);
});

test('hosted: the launcher names RDK or Android TV; nothing else is guessed, and leaving closes the window', () => {
  const closed: string[] = [];
  const hosted = (search: string): PlatformGlobals => ({ location: { search }, close: () => closed.push(search) });
  expect(currentPlatform(hosted('?platform=rdk'))).toBe('rdk');
  expect(currentPlatform(hosted('?event=x&platform=androidtv'))).toBe('androidtv');
  expect(currentPlatform(hosted('?platform=tizen'))).toBe('desktop');
  expect(currentPlatform(hosted(''))).toBe('desktop');
  const tv = setUpRemote('androidtv', hosted(''));
  expect([tv[4], tv[27], tv[85], tv[90]]).toEqual(['Back', 'Back', 'PlayPause', 'FastForward']);
  expect(setUpRemote('rdk', hosted(''))[228]).toBe('Rewind');
  exitApp('androidtv', hosted('?platform=androidtv'));
  exitApp('tizen', hosted('')); // a Tizen family without the API (never detected so): still leaves
  expect(closed).toEqual(['?platform=androidtv', '']);
});
