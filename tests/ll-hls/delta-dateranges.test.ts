// A v2 delta update of a playlist with ad breaks (EXT-X-DATERANGE): the ranges that began before
// the Skip Boundary are left out (the client keeps them), those removed lately are named.
import { expect, test } from '@jest/globals';
import { parse, setOptions } from 'hls-parser';
import type { MediaPlaylist as ParsedMedia } from 'hls-parser/types';
import type { MediaPlaylist } from '../../shared/hls/model.ts';
import { serializePlaylist } from '../../shared/hls/serialize.ts';
import { withLowLatency } from '../../edge-origin/src/origin/hls/low-latency.ts';
import { loadLowLatencyConfig } from '../../edge-origin/src/origin/live/low-latency-config.ts';

const T0 = Date.UTC(2026, 11, 3, 12);
const playlist: MediaPlaylist = {
  kind: 'media',
  version: 3,
  targetDuration: 2,
  mediaSequence: 100,
  discontinuitySequence: 0,
  independentSegments: true,
  endList: false,
  segments: Array.from({ length: 30 }, (_, i) => ({
    uri: `${100 + i}.ts`,
    duration: 2,
    programDateTime: T0 + i * 2000,
  })),
  dateRanges: [
    {
      id: 'ad-early',
      class: 'com.apple.hls.interstitial',
      startDate: T0 + 4000,
      duration: 20,
      clientAttributes: { 'X-ASSET-LIST': '/a' },
    },
    {
      id: 'ad-late',
      class: 'com.apple.hls.interstitial',
      startDate: T0 + 54_000,
      duration: 20,
      clientAttributes: { 'X-ASSET-LIST': '/b' },
    },
  ],
};

test('v2: SKIPPED-SEGMENTS, the early range left out, the late one kept, the removed ones named; version 10', () => {
  const delta = withLowLatency(playlist, {
    config: loadLowLatencyConfig({}),
    partTarget: 0.52,
    state: { edge: 129, position: { msn: 129, part: 3 }, next: { msn: 130, part: 0 } },
    recent: [],
    reports: [],
    skip: 'v2',
    recentlyRemoved: ['ad-gone', 'ad-also-gone'],
    hasDateRanges: true,
  });
  const text = serializePlaylist(delta);
  // 60 s listed, CAN-SKIP-UNTIL 12 s: the 24 oldest segments go.
  expect(text).toContain('#EXT-X-SKIP:SKIPPED-SEGMENTS=24,RECENTLY-REMOVED-DATERANGES="ad-gone\tad-also-gone"');
  expect(text).toContain('#EXT-X-VERSION:10');
  expect(text).toContain('CAN-SKIP-DATERANGES=YES');
  expect(text).not.toContain('ID="ad-early"');
  expect(text).toContain('ID="ad-late"');
  setOptions({ strictMode: true });
  try {
    const parsed = parse(text) as ParsedMedia;
    expect(parsed.skip).toBe(24);
    expect(parsed.segments[0]!.mediaSequenceNumber).toBe(124);
  } finally {
    setOptions({ strictMode: false });
  }
});
