// The tracks panel's model (tv-app/src/player/track-menu.ts): rows from the player, the focus
// opening on the current choices, what OK asks for, redrawing only rows that changed.
import { expect, test } from '@jest/globals';
import { TrackMenu, type TrackSource } from '../../tv-app/src/player/track-menu.ts';

const labels = { subtitlesOff: () => 'Désactivés', qualityAuto: () => 'Auto' };
const source: TrackSource = {
  audioTracks: [
    { name: 'Français', lang: 'fr' },
    { name: 'English', lang: 'en' },
  ],
  audioTrack: 1,
  subtitleTracks: [{ name: 'Français', lang: 'fr' }],
  subtitleTrack: -1,
  levels: [{ height: 240 }, { height: 480 }, { height: 720 }],
  levelCap: 1,
};

test('rows from the player; the panel opens on the audio row, each row on its current choice', () => {
  const menu = new TrackMenu(labels);
  expect(menu.update(source)).toEqual(['audio', 'subtitles', 'quality']);
  expect(menu.options('quality').map((o) => o.label)).toEqual(['Auto', '720p', '480p', '240p']);
  menu.open();
  expect(menu.focused).toEqual({ row: 'audio', col: 1 });
  expect(menu.choice()).toEqual({ row: 'audio', index: 1 });
  expect(menu.move('down')).toBe(true);
  expect(menu.focused).toEqual({ row: 'subtitles', col: 0 });
  expect(menu.choice()).toEqual({ row: 'subtitles', index: -1 });
  expect(menu.move('down')).toBe(true);
  expect(menu.choice()).toEqual({ row: 'quality', index: 1 }); // 480p, the cap
  expect(menu.move('down')).toBe(false);
  menu.move('left');
  expect(menu.choice()).toEqual({ row: 'quality', index: 2 }); // 720p
});

test('▲ from the first row has nowhere to go (the panel closes); the row keeps its column', () => {
  const menu = new TrackMenu(labels);
  menu.update(source);
  menu.open();
  expect(menu.move('up')).toBe(false);
  expect(menu.move('left')).toBe(true);
  expect(menu.move('left')).toBe(false);
  menu.move('down');
  menu.move('up');
  expect(menu.focused).toEqual({ row: 'audio', col: 0 });
});

test('only the rows that changed are reported; a new choice moves the tick, not the focus', () => {
  const menu = new TrackMenu(labels);
  menu.update(source);
  menu.open();
  expect(menu.update(source)).toEqual([]);
  expect(menu.update({ ...source, subtitleTrack: 0 })).toEqual(['subtitles']);
  expect(menu.options('subtitles').map((o) => o.selected)).toEqual([false, true]);
  expect(menu.focused).toEqual({ row: 'audio', col: 1 });
});

test('nothing to choose (one audio track, no subtitles, one rendition): not worth opening', () => {
  const menu = new TrackMenu(labels);
  menu.update({
    audioTracks: [{ name: 'Français' }],
    audioTrack: 0,
    subtitleTracks: [],
    subtitleTrack: -1,
    levels: [],
    levelCap: -1,
  });
  expect(menu.hasChoices).toBe(false);
  menu.update({ ...source });
  expect(menu.hasChoices).toBe(true);
});
