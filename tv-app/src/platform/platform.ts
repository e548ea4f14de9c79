// What differs between TV platforms, in one place: which platform this is (by the APIs the
// device gives the page, never by its user agent), the remote's key map, asking a Samsung TV
// to send the media/colour/digit keys, and leaving the app the way each store expects.
import {
  detectPlatform,
  keyMapFor,
  TIZEN_KEYS_TO_REGISTER,
  type KeyMap,
  type KeyName,
  type PlatformFamily,
} from '../navigation/key-map.ts';

/** The parts of Samsung's `tizen` object the app uses (present in a packaged Tizen app). */
export interface TizenGlobal {
  tvinputdevice?: {
    registerKey(name: string): void;
    getSupportedKeys?(): { name: string; code: number }[];
  };
  application?: { getCurrentApplication(): { exit(): void } };
}
/** LG's webOSTV.js (`webOS`) and the engine's own `PalmSystem`, which webOSTV.js wraps. */
export interface WebOSGlobal {
  platformBack?: () => void;
}
export interface PalmSystemGlobal {
  platformBack?: () => void;
  launchParams?: string;
}
export interface PlatformGlobals {
  tizen?: TizenGlobal;
  webOS?: WebOSGlobal;
  PalmSystem?: PalmSystemGlobal;
  location?: { search: string };
  close?: () => void;
}

function browserGlobals(): PlatformGlobals {
  return window as unknown as PlatformGlobals;
}

/**
 * Tizen when Samsung's `tizen` object is there, webOS when LG's `webOS` (webOSTV.js) or
 * `PalmSystem` is. RDK/WPE and Android TV WebView expose nothing to test: their hosted
 * launchers say `?platform=rdk|androidtv` (see tv-app/scripts/package.mjs).
 */
export function currentPlatform(g: PlatformGlobals = browserGlobals()): PlatformFamily {
  const hint = /[?&]platform=([a-z]+)/.exec(g.location?.search ?? '')?.[1];
  return detectPlatform({ hasTizen: !!g.tizen, hasWebOS: !!(g.webOS || g.PalmSystem), hint });
}

let activeKeys: KeyMap = {};

/** The app's name for a key code on this device's remote (for key sequences read from raw events). */
export function keyNameOf(keyCode: number): KeyName | undefined {
  return activeKeys[keyCode];
}

/**
 * The key map for this device. On Tizen the TV keeps the media, colour and digit keys for
 * itself until the app registers them (Back and the arrows always come): registers those the
 * model has (`getSupportedKeys`, where it answers), one by one so one refusal loses one key.
 */
export function setUpRemote(family: PlatformFamily, g: PlatformGlobals = browserGlobals()): KeyMap {
  const input = family === 'tizen' ? g.tizen?.tvinputdevice : undefined;
  if (input) {
    let supported: Set<string> | null = null;
    try {
      const keys = input.getSupportedKeys?.();
      if (keys) supported = new Set(keys.map((k) => k.name));
    } catch {
      // Older firmware without the list: try every key.
    }
    for (const name of TIZEN_KEYS_TO_REGISTER) {
      if (supported && !supported.has(name)) continue;
      try {
        input.registerKey(name);
      } catch {
        // A model without that key: nothing to register.
      }
    }
  }
  activeKeys = keyMapFor(family);
  return { ...activeKeys };
}

/**
 * Leaves the app the way each platform expects: Tizen's application API; on webOS
 * `platformBack()` (webOSTV.js's, else the engine's own `PalmSystem` one it wraps), which takes
 * the viewer back to the TV's launcher as LG's guidelines ask of Back on the home screen;
 * elsewhere `window.close()` (the hosted launchers close their WebView on it).
 */
export function exitApp(family: PlatformFamily, g: PlatformGlobals = browserGlobals()): void {
  if (family === 'tizen' && g.tizen?.application) {
    g.tizen.application.getCurrentApplication().exit();
    return;
  }
  if (family === 'webos' && g.webOS?.platformBack) {
    g.webOS.platformBack();
    return;
  }
  if (family === 'webos' && g.PalmSystem?.platformBack) {
    g.PalmSystem.platformBack();
    return;
  }
  g.close?.();
}
