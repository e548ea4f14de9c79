// What differs between TV platforms: detection, the remote's key map, asking the TV
// to send media/colour keys (Tizen), and leaving the app.
import {
  detectPlatform,
  keyMapFor,
  TIZEN_KEYS_TO_REGISTER,
  type KeyMap,
  type KeyName,
  type PlatformFamily,
} from '../navigation/key-map.ts';

interface TizenGlobal {
  tvinputdevice?: { registerKey(name: string): void };
  application?: { getCurrentApplication(): { exit(): void } };
}
interface WebOSGlobal {
  platformBack?: () => void;
}

function globals(): { tizen?: TizenGlobal; webOS?: WebOSGlobal } {
  return window as unknown as { tizen?: TizenGlobal; webOS?: WebOSGlobal };
}

export function currentPlatform(): PlatformFamily {
  const g = globals();
  return detectPlatform({ userAgent: navigator.userAgent, hasTizen: !!g.tizen, hasWebOS: !!g.webOS });
}

let activeKeys: KeyMap = {};

/** The app's name for a key code on this device's remote (for key sequences read from raw events). */
export function keyNameOf(keyCode: number): KeyName | undefined {
  return activeKeys[keyCode];
}

/** The key map for this device; on Tizen also registers the keys the TV keeps by default. */
export function setUpRemote(family: PlatformFamily): KeyMap {
  if (family === 'tizen') {
    const input = globals().tizen?.tvinputdevice;
    for (const name of TIZEN_KEYS_TO_REGISTER) {
      try {
        input?.registerKey(name);
      } catch {
        // A model without that key: nothing to register.
      }
    }
  }
  activeKeys = keyMapFor(family);
  return { ...activeKeys };
}

/** Leaves the app the way each platform expects (back to the TV's launcher). */
export function exitApp(family: PlatformFamily): void {
  const g = globals();
  if (family === 'tizen') g.tizen?.application?.getCurrentApplication().exit();
  else if (family === 'webos' && g.webOS?.platformBack) g.webOS.platformBack();
  else window.close();
}
