// Deep links: `?event=<id>`, `?replay=<id>`, `?channel=<id>` in the URL, or the same keys
// in the platform's launch parameters (Tizen app control data, webOS launchParams,
// Android TV intent extras passed as the query). Pure: parsing only.
import { isChannelId, type ChannelId } from '../../../shared/catalog/types.ts';

export type DeepLink =
  | { kind: 'event'; id: string }
  | { kind: 'replay'; id: string }
  | { kind: 'channel'; id: ChannelId };

const ID = /^[a-z0-9][a-z0-9-]{0,79}$/;

export function parseDeepLink(search: string, launchParams: Record<string, unknown> | null = null): DeepLink | null {
  const query = new URLSearchParams(search);
  const get = (key: string): string | null => {
    const fromLaunch = launchParams?.[key];
    if (typeof fromLaunch === 'string') return fromLaunch;
    return query.get(key);
  };
  const event = get('event');
  if (event && ID.test(event)) return { kind: 'event', id: event };
  const replay = get('replay');
  if (replay && ID.test(replay)) return { kind: 'replay', id: replay };
  const channel = get('channel');
  if (channel && isChannelId(channel)) return { kind: 'channel', id: channel };
  return null;
}

/** Launch parameters handed over by the TV platform, when there are any. */
export function platformLaunchParams(): Record<string, unknown> | null {
  const w = window as unknown as {
    PalmSystem?: { launchParams?: string };
    tizen?: {
      application?: {
        getCurrentApplication(): {
          getRequestedAppControl(): { appControl: { data: { key: string; value: string[] }[] } } | null;
        };
      };
    };
  };
  try {
    if (w.PalmSystem?.launchParams) return JSON.parse(w.PalmSystem.launchParams) as Record<string, unknown>;
    const control = w.tizen?.application?.getCurrentApplication().getRequestedAppControl();
    if (control) {
      const params: Record<string, unknown> = {};
      for (const { key, value } of control.appControl.data) {
        if (key === 'PAYLOAD') Object.assign(params, JSON.parse(value[0] ?? '{}'));
        else params[key] = value[0];
      }
      return params;
    }
  } catch {
    // Malformed launch data: start on the home screen.
  }
  return null;
}

/**
 * `?venue=<eventId>` (or `venue` in the launch parameters): the app is a venue's big screen,
 * not a TV (venue/VenuePage.ts).
 */
export function venueEventOf(search: string, launchParams: Record<string, unknown> | null = null): string | null {
  const fromLaunch = launchParams?.venue;
  const id = typeof fromLaunch === 'string' ? fromLaunch : new URLSearchParams(search).get('venue');
  return id && ID.test(id) ? id : null;
}
