// Text folding for search: "Événement" and "evenement" are the same word to a viewer typing on a
// TV remote. Shared so the origin's search and any client-side filter agree.

/** Lowercase, without diacritics (NFD, then combining marks dropped), œ/æ spelled out, spaces collapsed. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[’']/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when every word of `query` occurs in `text` (both folded). */
export function matchesQuery(text: string, query: string): boolean {
  const haystack = foldText(text);
  return foldText(query)
    .split(' ')
    .filter((w) => w.length > 0)
    .every((word) => haystack.includes(word));
}
