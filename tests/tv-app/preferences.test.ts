import { DEFAULT_PREFERENCES, PreferenceStore, type KeyValueStore } from '../../tv-app/src/settings/preferences.ts';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  // Round-trips through JSON like the SDK's Storage does.
  return {
    data,
    get: (k) => (data.has(k) ? JSON.parse(data.get(k)!) : null),
    set: (k, v) => data.set(k, JSON.stringify(v)),
  };
}

test('defaults: French, no subtitles, next highlight autoplays, no voice guidance', () => {
  expect(new PreferenceStore(memoryStore()).get()).toEqual(DEFAULT_PREFERENCES);
  expect(DEFAULT_PREFERENCES.language).toBe('fr');
});

test('settings persist across store instances; garbage falls back to defaults', () => {
  const store = memoryStore();
  new PreferenceStore(store).update({ language: 'en', subtitles: true });
  expect(new PreferenceStore(store).get()).toMatchObject({
    language: 'en',
    subtitles: true,
    autoplayNextHighlight: true,
  });
  store.set('preferences', { language: 'de', subtitles: 'yes' });
  expect(new PreferenceStore(store).get()).toEqual(DEFAULT_PREFERENCES);
});

test('resume points: newest first, one per item, finished or barely started items dropped', () => {
  const prefs = new PreferenceStore(memoryStore());
  prefs.saveResume({ id: 'r1', kind: 'replay', position: 600, duration: 3600 }, 1);
  prefs.saveResume({ id: 'r2', kind: 'replay', position: 120, duration: 3600 }, 2);
  prefs.saveResume({ id: 'r1', kind: 'replay', position: 900, duration: 3600 }, 3);
  expect(prefs.resumePoints().map((p) => [p.id, p.position])).toEqual([
    ['r1', 900],
    ['r2', 120],
  ]);
  prefs.saveResume({ id: 'r2', kind: 'replay', position: 3590, duration: 3600 }, 4);
  prefs.saveResume({ id: 'r3', kind: 'replay', position: 3, duration: 3600 }, 5);
  expect(prefs.resumePoints().map((p) => p.id)).toEqual(['r1']);
  expect(prefs.resumePosition('r1')).toBe(900);
  expect(prefs.resumePosition('nope')).toBeNull();
});

test('short items (a 40 s replay) keep a resume point between a tenth in and a tenth from the end', () => {
  const prefs = new PreferenceStore(memoryStore());
  prefs.saveResume({ id: 'short', kind: 'replay', position: 13, duration: 40 }, 1);
  expect(prefs.resumePosition('short')).toBe(13);
  prefs.saveResume({ id: 'short', kind: 'replay', position: 37, duration: 40 }, 2);
  expect(prefs.resumePosition('short')).toBeNull();
  prefs.saveResume({ id: 'short', kind: 'replay', position: 3, duration: 40 }, 3);
  expect(prefs.resumePosition('short')).toBeNull();
});
