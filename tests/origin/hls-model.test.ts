// The shared HLS model's serializer and live clock, checked against an independent parser.
import { describe, expect, test } from '@jest/globals';
import { parse } from 'hls-parser';
import type { MasterPlaylist as ParsedMaster, MediaPlaylist as ParsedMedia } from 'hls-parser/types';
import {
  discontinuitySequenceAt,
  isSegmentAvailable,
  liveEdge,
  liveWindow,
  sourceSegmentIndex,
} from '../../shared/hls/live-clock.ts';
import { serializeMaster, serializeMedia } from '../../shared/hls/serialize.ts';
import { parseRange } from '../../edge-origin/src/origin/files/file-response.ts';
import { shiftWebVtt, TIMESTAMP_MODULO } from '../../edge-origin/src/origin/live/timestamps.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

describe('serializer', () => {
  test('a master playlist reads back the same through hls-parser', () => {
    const text = serializeMaster({
      kind: 'master',
      version: 3,
      independentSegments: true,
      renditions: [
        {
          type: 'AUDIO',
          groupId: 'aud',
          name: 'Français',
          language: 'fr',
          isDefault: true,
          autoselect: true,
          channels: '2',
          uri: 'a/fr.m3u8',
        },
        {
          type: 'SUBTITLES',
          groupId: 'sub',
          name: 'Français',
          language: 'fr',
          isDefault: false,
          autoselect: true,
          uri: 's/fr.m3u8',
        },
      ],
      variants: [
        {
          uri: 'v/1.m3u8',
          bandwidth: 500_000,
          averageBandwidth: 400_000,
          codecs: 'avc1.42c01e,mp4a.40.2',
          resolution: { width: 640, height: 360 },
          frameRate: 25,
          audio: 'aud',
          subtitles: 'sub',
        },
      ],
    });
    const master = parse(text) as ParsedMaster;
    const v = itemAt(master.variants, 0);
    expect(v).toMatchObject({
      uri: 'v/1.m3u8',
      bandwidth: 500_000,
      averageBandwidth: 400_000,
      codecs: 'avc1.42c01e,mp4a.40.2',
      frameRate: 25,
    });
    expect(v.resolution).toEqual({ width: 640, height: 360 });
    expect(v.audio[0]).toMatchObject({
      name: 'Français',
      language: 'fr',
      isDefault: true,
      channels: '2',
      uri: 'a/fr.m3u8',
    });
    expect(v.subtitles[0]).toMatchObject({ language: 'fr', uri: 's/fr.m3u8' });
  });

  test('a live media playlist: sequence, discontinuities, dates, durations', () => {
    const text = serializeMedia({
      kind: 'media',
      version: 3,
      targetDuration: 2,
      mediaSequence: 41,
      discontinuitySequence: 2,
      independentSegments: true,
      endList: false,
      segments: [
        { uri: '41.ts', duration: 2, programDateTime: Date.UTC(2026, 10, 28, 20, 0, 0) },
        { uri: '42.ts', duration: 2.005333, discontinuity: true, programDateTime: Date.UTC(2026, 10, 28, 20, 0, 2) },
      ],
    });
    expect(text).toContain('#EXTINF:2.000,\n41.ts');
    expect(text).toContain('#EXTINF:2.005333,');
    const media = parse(text) as ParsedMedia;
    expect(media.mediaSequenceBase).toBe(41);
    expect(media.discontinuitySequenceBase).toBe(2);
    expect(media.endlist).toBe(false);
    expect(media.segments.map((s) => [s.uri, s.discontinuitySequence, s.programDateTime!.toISOString()])).toEqual([
      ['41.ts', 2, '2026-11-28T20:00:00.000Z'],
      ['42.ts', 3, '2026-11-28T20:00:02.000Z'],
    ]);
  });

  test('a gap: EXT-X-GAP on the segment and GAP=YES on its parts, read back by hls-parser', () => {
    const text = serializeMedia({
      kind: 'media',
      version: 9,
      targetDuration: 2,
      mediaSequence: 7,
      discontinuitySequence: 0,
      independentSegments: true,
      endList: false,
      segments: [
        { uri: '7.ts', duration: 2 },
        {
          uri: '8.ts',
          duration: 2,
          gap: true,
          parts: [
            { uri: '8.0.ts', duration: 1, independent: true, gap: true },
            { uri: '8.1.ts', duration: 1, independent: false, gap: true },
          ],
        },
        { uri: '9.ts', duration: 2, discontinuity: true },
      ],
    });
    expect(text).toContain('#EXT-X-PART:DURATION=1.000,URI="8.1.ts",GAP=YES\n#EXT-X-GAP\n#EXTINF:2.000,\n8.ts');
    const media = parse(text) as ParsedMedia;
    expect(media.segments.map((s) => [s.uri, s.gap ?? false, s.parts.map((p) => p.gap ?? false)])).toEqual([
      ['7.ts', false, []],
      ['8.ts', true, [true, true]],
      ['9.ts', false, []],
    ]);
  });

  test('refuses a quoted-string that would break the playlist', () => {
    expect(() =>
      serializeMaster({
        kind: 'master',
        version: 3,
        independentSegments: false,
        renditions: [{ type: 'AUDIO', groupId: 'a', name: 'say "hi"', isDefault: true, autoselect: true, uri: 'x' }],
        variants: [],
      }),
    ).toThrow(/quoted-string/);
  });
});

describe('live clock', () => {
  const clock = { epochMs: 1_000_000, segmentDuration: 2, windowSize: 6 };

  test('no segment before the first one has fully elapsed', () => {
    expect(liveEdge(clock.epochMs + 1999, clock)).toBe(-1);
    expect(liveWindow(clock.epochMs + 1999, clock, 16).segments).toEqual([]);
    expect(liveEdge(clock.epochMs + 2000, clock)).toBe(0);
  });

  test('the window never lists a segment before sequence 0, and maps sequences onto the loop', () => {
    const window = liveWindow(clock.epochMs + 3 * 2000, clock, 4);
    expect(window.segments.map((s) => [s.mediaSequence, s.sourceIndex, s.discontinuity])).toEqual([
      [0, 0, false],
      [1, 1, false],
      [2, 2, false],
    ]);
    expect(sourceSegmentIndex(17, 16)).toBe(1);
    expect(sourceSegmentIndex(-1, 16)).toBe(15);
  });

  test('discontinuity sequence counts the loop restarts before the first listed segment', () => {
    expect(discontinuitySequenceAt(0, 16)).toBe(0);
    expect(discontinuitySequenceAt(16, 16)).toBe(0); // its own tag is still listed
    expect(discontinuitySequenceAt(17, 16)).toBe(1);
    expect(discontinuitySequenceAt(33, 16)).toBe(2);
  });

  test('availability: published and within the retention', () => {
    const now = clock.epochMs + 100 * 2000 + 1; // edge = 99
    expect(isSegmentAvailable(99, now, clock, 10)).toBe(true);
    expect(isSegmentAvailable(100, now, clock, 10)).toBe(false);
    expect(isSegmentAvailable(90, now, clock, 10)).toBe(true);
    expect(isSegmentAvailable(89, now, clock, 10)).toBe(false);
    // The retention is never shorter than the window.
    expect(isSegmentAvailable(94, now, clock, 1)).toBe(true);
  });
});

describe('byte ranges', () => {
  test.each([
    ['bytes=0-99', [0, 99]],
    ['bytes=100-', [100, 999]],
    ['bytes=-10', [990, 999]],
    ['bytes=900-5000', [900, 999]],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=5-2', 'unsatisfiable'],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
  ])('%s of 1000 bytes → %j', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });
});

test('WebVTT timestamp map shift wraps at 2^33', () => {
  expect(shiftWebVtt('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n', 1000)).toContain('MPEGTS:127000,');
  expect(
    shiftWebVtt('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n', TIMESTAMP_MODULO - 126000),
  ).toContain('MPEGTS:0,');
});
