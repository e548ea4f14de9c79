// The origin's participative-screen API as the TV sees it (relative to the edge the app came
// from): the event's contribution window and short code (the event page and the player show
// the QR code from it: in the initial JS, so kept small; the push is contribution-stream.ts).
import { serviceBase, serviceUrl } from '../platform/service-base.ts';

export const API = 'api/v1/contributions/events';

export interface ContributionWindow {
  open: boolean;
  opensAt: string;
  closesAt: string;
  shortCode?: string;
}

/** The event's window (null: none set, or the event is unknown / unreachable). */
export async function contributionWindow(eventId: string): Promise<ContributionWindow | null> {
  try {
    const response = await fetch(serviceUrl(`${API}/${encodeURIComponent(eventId)}`), { cache: 'no-store' });
    if (!response.ok) return null;
    const body = (await response.json()) as { window?: ContributionWindow | null };
    return body.window ?? null;
  } catch {
    return null;
  }
}

/** The phone page's short address for the QR code and the caption (the page the TV came from). */
export function phoneUrl(
  window: ContributionWindow,
  eventId: string,
  base: string = new URL(serviceBase()).origin,
): string {
  return window.shortCode ? `${base}/p/${window.shortCode}` : `${base}/participer/${eventId}`;
}
