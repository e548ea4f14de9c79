// The venue screen and the QR code are chunks of their own (modern build): the sofa app's
// initial JS carries neither. The legacy build swaps this module for venue-loader.legacy.ts
// (see build.mjs and player-page-loader.ts for why).
import type * as VenuePageModule from './VenuePage.ts';
import type * as QrImageModule from './qr-image.ts';

export function loadVenuePage(): Promise<typeof VenuePageModule> {
  return import('./VenuePage.ts');
}

export function loadQrImage(): Promise<typeof QrImageModule> {
  return import('./qr-image.ts');
}
