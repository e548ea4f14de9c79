// The tracks panel's choices: audio, subtitles (« Désactivés » first) and quality (« Auto »
// first, then one height per rendition, highest first, each capping ABR at its level).
import { audioOptions, qualityOptions, subtitleOptions } from '../../tv-app/src/player/tracks.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const labels = (options: { label: string; selected: boolean }[]) =>
  options.map((o) => (o.selected ? `✓ ${o.label}` : o.label));

describe('qualityOptions', () => {
  // hls.js lists levels lowest bitrate first.
  const levels = [{ height: 240 }, { height: 360 }, { height: 540 }];

  test('uncapped: « Auto » selected, then the heights highest first', () => {
    const options = qualityOptions(levels, -1, 'Auto');
    expect(labels(options)).toEqual(['✓ Auto', '540p', '360p', '240p']);
    expect(options.map((o) => o.index)).toEqual([-1, 2, 1, 0]);
  });

  test('capped at a level: that height is selected, not « Auto »', () => {
    expect(labels(qualityOptions(levels, 0, 'Auto'))).toEqual(['Auto', '540p', '360p', '✓ 240p']);
    expect(labels(qualityOptions(levels, 1, 'Auto'))).toEqual(['Auto', '540p', '✓ 360p', '240p']);
  });

  test('two levels of one height make one choice, capping at the higher of them', () => {
    const options = qualityOptions([{ height: 360 }, { height: 360 }, { height: 720 }], 0, 'Auto');
    expect(labels(options)).toEqual(['Auto', '720p', '✓ 360p']);
    expect(itemAt(options, 2).index).toBe(1);
  });

  test('no levels (native HLS, no hls.js): « Auto » alone', () => {
    expect(labels(qualityOptions([], -1, 'Auto'))).toEqual(['✓ Auto']);
  });

  test('a cap past the list (levels not known yet) falls back to « Auto »', () => {
    expect(labels(qualityOptions([], 3, 'Auto'))).toEqual(['✓ Auto']);
  });
});

describe('audio and subtitles', () => {
  test('audio lists the tracks by name, the current one selected', () => {
    expect(
      labels(
        audioOptions(
          [
            { name: 'Français', lang: 'fr' },
            { name: '', lang: 'en' },
          ],
          1,
        ),
      ),
    ).toEqual(['Français', '✓ en']);
  });

  test('subtitles: « Désactivés » first, selected when off', () => {
    expect(labels(subtitleOptions([{ name: 'Français' }], -1, 'Désactivés'))).toEqual(['✓ Désactivés', 'Français']);
    expect(subtitleOptions([{ name: 'Français' }], 0, 'Off').map((o) => o.index)).toEqual([-1, 0]);
  });
});
