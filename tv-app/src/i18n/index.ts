// The one place UI text comes from. French first; English as the alternative.
// Pure TypeScript (no Lightning) so jest can check the dictionaries and formatting.
import { fr, type MessageKey } from './fr.ts';
import { en } from './en.ts';
import { itemAt } from '../../../shared/lang/item-at.ts';

export type Language = 'fr' | 'en';
export const LANGUAGES: readonly Language[] = ['fr', 'en'];
export type { MessageKey };

const dictionaries: Record<Language, Record<MessageKey, string>> = { fr, en };
let current: Language = 'fr';

export function setLanguage(language: Language): void {
  current = language;
}

export function getLanguage(): Language {
  return current;
}

export function isLanguage(value: unknown): value is Language {
  return value === 'fr' || value === 'en';
}

/** The message for `key` in the current language, `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = dictionaries[current][key] ?? fr[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

const WEEKDAYS: Record<Language, string[]> = {
  fr: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};
const MONTHS: Record<Language, string[]> = {
  fr: [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ],
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
};

// Dates are formatted by hand rather than with Intl: Chrome-38-class TVs ship
// without full ICU data and would print English or nothing.
const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** "20:30" (fr) / "8:30 PM" is not used: TV schedules read best in 24 h in both languages. */
export function formatTime(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "samedi 28 novembre" / "Saturday 28 November". */
export function formatDate(date: Date): string {
  return `${itemAt(WEEKDAYS[current], date.getDay())} ${date.getDate()} ${itemAt(MONTHS[current], date.getMonth())}`;
}

/** "sam. 28" / "Sat 28": the short label of a day tab. */
export function formatShortDay(date: Date): string {
  const day = itemAt(WEEKDAYS[current], date.getDay());
  const short = current === 'fr' ? `${day.slice(0, 3)}.` : day.slice(0, 3);
  return `${short} ${date.getDate()}`;
}
