// One id per app session, sent with every media request (CMCD `sid`) so the edge's logs
// can follow a viewer's session across channels and retries.
import { itemAt } from '../../../shared/lang/item-at.ts';

function randomHex(bytes: number): string {
  const values = new Uint8Array(bytes);
  if (typeof crypto !== 'undefined' && typeof crypto.getRandomValues === 'function') crypto.getRandomValues(values);
  else for (let i = 0; i < bytes; i++) values[i] = Math.floor(Math.random() * 256);
  return Array.from(values, (b) => (b < 16 ? '0' : '') + b.toString(16)).join('');
}

/** A random UUID v4 (crypto.randomUUID is missing on older TVs). */
export function createSessionId(): string {
  const h = randomHex(16).split('');
  h[12] = '4';
  h[16] = ((parseInt(itemAt(h, 16), 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
