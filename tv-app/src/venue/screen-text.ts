// Text a spectator typed, made fit for a wall (pure, but for `canDrawEmoji`). Lightning draws
// text on a canvas, so there is no markup to inject; what is left is length (the card has room
// for so much) and emoji: a cut never splits a character (surrogate pairs) or a grapheme (a
// family emoji, a flag), and a wall whose system has no emoji font (they would be drawn as
// « no glyph » boxes) shows the words without them.

// Built at run time: older engines (the legacy build's) reject \p{…} and the `u` flag; there
// the surrogate-pair ranges that hold emoji stand in.
function pattern(modern: string, fallback: string, flags: string): RegExp {
  try {
    return new RegExp(modern, `${flags}u`);
  } catch {
    return new RegExp(fallback, flags);
  }
}

/** Control and direction-override characters: they could hide or reorder the words. */
const CONTROL = pattern(
  '[\\p{Cc}\\u200B\\u200E\\u200F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069\\uFEFF]',
  '[\\u0000-\\u001f\\u007f-\\u009f\\u200B\\u200E\\u200F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069\\uFEFF]',
  'g',
);
/** An emoji with what binds it (variation selectors, joiners, skin tones, keycaps, tags). */
const EMOJI = pattern(
  '(?:\\p{Extended_Pictographic}|\\p{Regional_Indicator}|[\\u{1F3FB}-\\u{1F3FF}\\u{E0020}-\\u{E007F}\\u20E3\\uFE0F\\u200D])+',
  '(?:[\\uD83C-\\uDBFF][\\uDC00-\\uDFFF]|[\\u2600-\\u27BF\\u2B00-\\u2BFF\\u20E3\\uFE0F\\u200D])+',
  'g',
);

/** The grapheme clusters of `text` (Intl.Segmenter where the engine has it, else code points). */
export function graphemes(text: string): string[] {
  const Segmenter = (
    Intl as {
      Segmenter?: new (
        l?: string,
        o?: { granularity: 'grapheme' },
      ) => { segment(s: string): Iterable<{ segment: string }> };
    }
  ).Segmenter;
  if (Segmenter)
    return Array.from(new Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);
  return Array.from(text);
}

/**
 * Trimmed, whitespace folded to single spaces, control and direction characters out (emoji
 * too, unless `emoji`), at most `max` graphemes (… when cut).
 */
export function screenText(text: string, max: number, emoji = true): string {
  let clean = text.replace(/[\t\n\r]+/g, ' ').replace(CONTROL, '');
  if (!emoji) clean = clean.replace(EMOJI, ' ');
  clean = clean.replace(/\s+/g, ' ').trim();
  const parts = graphemes(clean);
  if (parts.length <= max) return clean;
  return `${parts
    .slice(0, Math.max(1, max - 1))
    .join('')
    .trimEnd()}…`;
}

export const MAX_NAME = 24;
export const MAX_MESSAGE = 140;

let emojiFont: boolean | null = null;

/** Whether this system draws emoji in colour (an emoji font): checked once on a small canvas. */
export function canDrawEmoji(): boolean {
  if (emojiFont !== null) return emojiFont;
  emojiFont = false;
  try {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 32;
    const ctx = canvas.getContext('2d');
    if (!ctx) return emojiFont;
    ctx.textBaseline = 'top';
    ctx.font = '24px sans-serif';
    ctx.fillText('\uD83D\uDE00', 0, 0); // 😀: yellow where a colour emoji font exists
    const data = ctx.getImageData(0, 0, 32, 32).data;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] ?? 0;
      const g = data[i + 1] ?? 0;
      const b = data[i + 2] ?? 0;
      if ((data[i + 3] ?? 0) > 0 && (Math.abs(r - g) > 40 || Math.abs(g - b) > 40)) {
        emojiFont = true;
        break;
      }
    }
  } catch {
    // No canvas to ask: leave emoji out rather than draw boxes.
  }
  return emojiFont;
}
