// The spectator's words as the screen may show them: Unicode-normalised, control and direction-
// override characters removed (they could hide or reorder text on the screen), whitespace runs
// made one space, trimmed. Lengths count what a person sees (grapheme clusters: an emoji is one).
// Escaping is the displays' job (textContent, never innerHTML): the text is stored as text.

const CONTROLS = /[\p{Cc}\u200B\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/gu;

export function cleanText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/[\t\n\r]+/g, ' ')
    .replace(CONTROLS, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const segmenter = new Intl.Segmenter('fr', { granularity: 'grapheme' });

export function visibleLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}
