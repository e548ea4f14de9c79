import { fr } from '../../tv-app/src/i18n/fr.ts';
import { en } from '../../tv-app/src/i18n/en.ts';
import { formatDate, formatShortDay, formatTime, setLanguage, t } from '../../tv-app/src/i18n/index.ts';

afterEach(() => setLanguage('fr'));

test('French is the default and English has every key French has, none empty', () => {
  expect(t('rail.upcoming')).toBe('À venir');
  expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  for (const value of [...Object.values(fr), ...Object.values(en)]) expect(value.trim()).not.toBe('');
});

test('switching language changes the text; placeholders are filled', () => {
  setLanguage('en');
  expect(t('rail.upcoming')).toBe('Coming up');
  expect(t('countdown.inMinutes', { m: 5 })).toBe('In 5 min');
  setLanguage('fr');
  expect(t('countdown.inHours', { h: 2, m: '05' })).toBe('Dans 2 h 05');
});

test('dates and times are formatted without Intl, in the chosen language', () => {
  const d = new Date(2026, 10, 28, 9, 5);
  expect(formatTime(d)).toBe('09:05');
  expect(formatDate(d)).toBe('samedi 28 novembre');
  expect(formatShortDay(d)).toBe('sam. 28');
  setLanguage('en');
  expect(formatDate(d)).toBe('Saturday 28 November');
});
