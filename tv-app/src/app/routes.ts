// Where the user can be. The App keeps a stack of these; Back pops one.
import type { ChannelId, Playable } from '../../../shared/catalog/types.ts';

export type Route =
  | { name: 'home' }
  | { name: 'channel'; channelId: ChannelId }
  | { name: 'event'; eventId: string }
  | { name: 'player'; playable: Playable; startPosition?: number; startOver?: boolean; next?: Playable[] }
  | { name: 'programme' }
  | { name: 'search' }
  | { name: 'settings' }
  /** The venue screen (`?venue=<eventId>`): alone in the stack, no remote. */
  | { name: 'venue'; eventId: string };

/** What a page can ask of the app (implemented by App). */
export interface Navigator {
  open(route: Route): void;
  back(): void;
}

// The signal a page sends up to the App each time its focus settles: where OK would lead.
declare module '@lightningjs/core' {
  namespace Component {
    interface FireAncestorsMap {
      $focusLeadsTo(route: Route | null): void;
    }
  }
}
