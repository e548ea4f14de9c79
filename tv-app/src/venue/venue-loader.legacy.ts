// Legacy build (build.mjs swaps it in for venue-loader.ts): in the one ES5 bundle, statically.
import * as VenuePageModule from './VenuePage.ts';
import * as QrImageModule from './qr-image.ts';

export function loadVenuePage(): Promise<typeof VenuePageModule> {
  return Promise.resolve(VenuePageModule);
}

export function loadQrImage(): Promise<typeof QrImageModule> {
  return Promise.resolve(QrImageModule);
}
