// Ids of records the staff create: readable (from the title, without accents) and unique (a
// random suffix), within the catalog's id pattern (lowercase, digits, dashes, ≤ 80).
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
