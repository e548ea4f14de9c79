// The TV player's ad-break logic (tv-app/src/player/ad-break.ts): reading our asset lists, the
// break countdown, and impression tracking sent once per spot and event, in playback order.
import { describe, expect, test } from '@jest/globals';
import { AdTracking, breakRemaining, spotsOf } from '../../tv-app/src/player/ad-break.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const list = {
  ASSETS: [
    {
      URI: '/hls/ads/a/master.m3u8',
      DURATION: 10,
      'X-CITETV-AD': {
        creativeId: 'a',
        kind: 'sponsor',
        sponsorId: 's1',
        tracking: '/api/v1/ads/track?break=b&viewer=v&creative=a',
      },
    },
    {
      URI: '/hls/ads/p/master.m3u8',
      DURATION: 10.04,
      'X-CITETV-AD': { creativeId: 'p', kind: 'promo', tracking: '/api/v1/ads/track?break=b&viewer=v&creative=p' },
    },
  ],
};

describe('asset lists', () => {
  test('spots with their tracking, sponsor and duration; anything else is no spot', () => {
    const spots = spotsOf(list);
    expect(spots.map((s) => [s.creativeId, s.kind, s.sponsorId, s.duration])).toEqual([
      ['a', 'sponsor', 's1', 10],
      ['p', 'promo', undefined, 10.04],
    ]);
    expect(spotsOf(null)).toEqual([]);
    expect(spotsOf({ ASSETS: 'x' })).toEqual([]);
  });

  test('the countdown covers the rest of the break, in whole seconds', () => {
    const spots = spotsOf(list);
    expect(breakRemaining(spots, 0, 0)).toBe(20);
    expect(breakRemaining(spots, 0, 4.5)).toBe(16);
    expect(breakRemaining(spots, 1, 9.9)).toBe(1);
    expect(breakRemaining(spots, 1, 12)).toBe(0);
  });
});

describe('tracking', () => {
  test('start, quartiles and complete once each, as playback reaches them', () => {
    const sent: string[] = [];
    const tracking = new AdTracking((url) => sent.push(itemAt(url.split('&event='), 1)));
    const [a] = spotsOf(list);
    for (const t of [0, 0.2, 1, 2.4, 2.6, 2.6, 5, 7.4, 7.5, 9.5]) tracking.progress(a!, 'b#0', t);
    expect(sent).toEqual(['start', 'firstQuartile', 'midpoint', 'thirdQuartile']);
    tracking.progress(a!, 'b#0', 9.8);
    tracking.progress(a!, 'b#0', 10, true);
    expect(sent).toEqual(['start', 'firstQuartile', 'midpoint', 'thirdQuartile', 'complete']);
  });

  test('a spot left early is not complete; a seek forward sends the skipped quartiles once', () => {
    const sent: string[] = [];
    const tracking = new AdTracking((url) => sent.push(url));
    const [, promo] = spotsOf(list);
    tracking.progress(promo!, 'b#1', 0);
    tracking.progress(promo!, 'b#1', 6);
    tracking.progress(promo!, 'b#1', 6, false);
    expect(sent.map((u) => u.split('&event=')[1])).toEqual(['start', 'firstQuartile', 'midpoint']);
    expect(sent[0]).toBe('/api/v1/ads/track?break=b&viewer=v&creative=p&event=start');
  });
});
