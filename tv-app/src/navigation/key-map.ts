// Remote keys per platform family → the key names the app handles.
// Lightning dispatches `_handle<Name>` / `_capture<Name>` from this map (keyCode → name).
import { itemAt } from '../../../shared/lang/item-at.ts';

export type PlatformFamily = 'tizen' | 'webos' | 'rdk' | 'androidtv' | 'desktop';

export type KeyName =
  | 'Left'
  | 'Right'
  | 'Up'
  | 'Down'
  | 'Enter'
  | 'Back'
  | 'Exit'
  | 'PlayPause'
  | 'Play'
  | 'Pause'
  | 'Stop'
  | 'FastForward'
  | 'Rewind'
  | 'Red'
  | 'Green'
  | 'Yellow'
  | 'Blue'
  | 'Digit1'
  | 'Digit2'
  | 'Digit3'
  | 'Digit4'
  // No action of their own: the player's debug code (PLAYER_DEFAULTS.debugOverlay) uses them.
  | 'Digit0'
  | 'Digit5'
  | 'Digit6'
  | 'Digit7'
  | 'Digit8'
  | 'Digit9'
  | 'ChannelUp'
  | 'ChannelDown'
  | 'Search'
  | 'Menu';

export type KeyMap = Record<number, KeyName>;

/** What every family shares: arrows, OK, and the W3C/CE-HTML media and colour codes. */
const common: KeyMap = {
  37: 'Left',
  38: 'Up',
  39: 'Right',
  40: 'Down',
  13: 'Enter',
  49: 'Digit1',
  50: 'Digit2',
  51: 'Digit3',
  52: 'Digit4',
  97: 'Digit1',
  98: 'Digit2',
  99: 'Digit3',
  100: 'Digit4',
  48: 'Digit0',
  53: 'Digit5',
  54: 'Digit6',
  55: 'Digit7',
  56: 'Digit8',
  57: 'Digit9',
  96: 'Digit0',
  101: 'Digit5',
  102: 'Digit6',
  103: 'Digit7',
  104: 'Digit8',
  105: 'Digit9',
  179: 'PlayPause',
  415: 'Play',
  19: 'Pause',
  413: 'Stop',
  417: 'FastForward',
  412: 'Rewind',
  403: 'Red',
  404: 'Green',
  405: 'Yellow',
  406: 'Blue',
};

const families: Record<PlatformFamily, KeyMap> = {
  // Samsung Tizen: Back is 10009, Exit 10182; media and colour keys only arrive after
  // tizen.tvinputdevice.registerKey (see TIZEN_KEYS_TO_REGISTER).
  tizen: { ...common, 10009: 'Back', 10182: 'Exit', 10252: 'PlayPause', 427: 'ChannelUp', 428: 'ChannelDown' },
  // LG webOS: Back is 461.
  webos: { ...common, 461: 'Back', 33: 'ChannelUp', 34: 'ChannelDown' },
  // RDK / WPE set-top boxes: Back arrives as Backspace or Escape depending on the remote map;
  // FF/RW often as 227/228 (Android-style media codes).
  rdk: {
    ...common,
    8: 'Back',
    27: 'Back',
    227: 'FastForward',
    228: 'Rewind',
    178: 'Stop',
    33: 'ChannelUp',
    34: 'ChannelDown',
  },
  // Android TV WebView: the host activity forwards Back as Escape (27) or 4; media as 85-90.
  androidtv: {
    ...common,
    27: 'Back',
    4: 'Back',
    85: 'PlayPause',
    86: 'Stop',
    89: 'Rewind',
    90: 'FastForward',
    126: 'Play',
    127: 'Pause',
    166: 'ChannelUp',
    167: 'ChannelDown',
  },
  // Desktop keyboard: Backspace/Escape = Back, Space = Play/Pause, F/R = FF/RW, "/" = Search,
  // Page Up/Down = channel up/down.
  desktop: {
    ...common,
    8: 'Back',
    27: 'Back',
    32: 'PlayPause',
    70: 'FastForward',
    82: 'Rewind',
    83: 'Stop',
    191: 'Search',
    33: 'ChannelUp',
    34: 'ChannelDown',
  },
};

export function keyMapFor(family: PlatformFamily): KeyMap {
  return { ...families[family] };
}

/** Tizen key names to register so the TV sends them to the app instead of handling them itself. */
export const TIZEN_KEYS_TO_REGISTER = [
  'MediaPlayPause',
  'MediaPlay',
  'MediaPause',
  'MediaStop',
  'MediaFastForward',
  'MediaRewind',
  'ColorF0Red',
  'ColorF1Green',
  'ColorF2Yellow',
  'ColorF3Blue',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  'ChannelUp',
  'ChannelDown',
] as const;

export interface PlatformHints {
  /** Samsung's `tizen` object is there (a packaged Tizen app). */
  hasTizen: boolean;
  /** LG's `webOS` (webOSTV.js) or `PalmSystem` is there. */
  hasWebOS: boolean;
  /** `?platform=` from a hosted launcher (RDK/WPE, Android TV WebView): they expose no API to test. */
  hint?: string | undefined;
}

const HINTED: readonly PlatformFamily[] = ['rdk', 'androidtv'];

/** The platform from what the page can test, never from the user agent (which TVs spoof and vary). */
export function detectPlatform({ hasTizen, hasWebOS, hint }: PlatformHints): PlatformFamily {
  if (hasTizen) return 'tizen';
  if (hasWebOS) return 'webos';
  const hinted = HINTED.find((f) => f === hint);
  return hinted ?? 'desktop';
}

/** Digits 1–4 jump to the channels in catalog order. */
export const DIGIT_TO_CHANNEL_INDEX: Partial<Record<KeyName, number>> = {
  Digit1: 0,
  Digit2: 1,
  Digit3: 2,
  Digit4: 3,
};

/**
 * The channel to zap to with CH+/CH−: the next one (wrapping around) that has something on
 * air, or null when no other channel is live.
 */
export function nextLiveChannel<T>(
  channels: T[],
  current: number,
  step: 1 | -1,
  isLive: (c: T) => boolean,
): number | null {
  const n = channels.length;
  for (let i = 1; i < n; i++) {
    const index = (((current + step * i) % n) + n) % n;
    if (isLive(itemAt(channels, index))) return index;
  }
  return null;
}
