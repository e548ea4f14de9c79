// Search over the catalog the app already holds: accent- and case-insensitive,
// every typed word must match the start of a word of the title, venue or channel
// ("cha" finds "Championnat", "equipe" finds "Équipe").

/** Lower case, accents stripped, punctuation turned into spaces. */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export interface Searchable {
  /** Fields matched against, most important first (title before venue). */
  fields: string[];
}

/** Items whose fields contain a word starting with each query word, best (title) matches first. */
export function search<T extends Searchable>(items: T[], query: string): T[] {
  const terms = normalize(query).split(' ').filter(Boolean);
  if (terms.length === 0) return [];
  const scored: { item: T; score: number; index: number }[] = [];
  items.forEach((item, index) => {
    const fieldWords = item.fields.map((f) => normalize(f).split(' '));
    let score = 0;
    for (const term of terms) {
      const fieldIndex = fieldWords.findIndex((words) => words.some((w) => w.startsWith(term)));
      if (fieldIndex < 0) return;
      score += fieldIndex;
    }
    scored.push({ item, score, index });
  });
  return scored.sort((a, b) => a.score - b.score || a.index - b.index).map((s) => s.item);
}
