// Ids of records the staff create (events, replays, clips, sponsors, campaigns, breaks): readable
// (from the title, without accents) and unique (a random suffix), within the catalog's id pattern
// (`ID_PATTERN`, shared/catalog/ids.ts: lowercase, digits, dashes, ≤ 80).
import { foldText } from '../../../../shared/catalog/text.ts';

export function newId(title: string, prefix = ''): string {
  const slug = foldText(title)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  const suffix = [...crypto.getRandomValues(new Uint8Array(3))].map((b) => b.toString(16).padStart(2, '0')).join('');
  return [prefix, slug || 'x', suffix].filter(Boolean).join('-');
}

/** SHA-256 as lowercase hex: what names an uploaded poster (by its bytes) and a stored token. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
