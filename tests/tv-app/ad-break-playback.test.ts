// The ad break as the player follows it (tv-app/src/player/ad-break.ts, AdBreakPlayback): hls.js's
// three interstitial events in, the overlay's view and the tracking beacons out.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { AdBreakPlayback } from '../../tv-app/src/player/ad-break.ts';

const assetList = {
  ASSETS: [
    {
      URI: '/hls/ads/a/master.m3u8',
      DURATION: 10,
      'X-CITETV-AD': { creativeId: 'a', kind: 'sponsor', sponsorId: 'velocite', tracking: '/t?creative=a' },
    },
    {
      URI: '/hls/ads/p/master.m3u8',
      DURATION: 6,
      'X-CITETV-AD': { creativeId: 'p', kind: 'promo', tracking: '/t?creative=p' },
    },
  ],
};

describe('AdBreakPlayback', () => {
  let clock = 0;
  let sent: string[];
  let changes: number;
  let ads: AdBreakPlayback;

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 0;
    sent = [];
    changes = 0;
    ads = new AdBreakPlayback({ onChange: () => changes++, send: (url) => sent.push(url), pollMs: 250 });
  });
  afterEach(() => {
    ads.breakEnded();
    jest.useRealTimers();
  });

  test('outside a break: no view, not playing, nothing sent', () => {
    expect(ads.playing).toBe(false);
    expect(ads.view()).toBeNull();
    ads.spotEnded();
    ads.breakEnded();
    expect(sent).toEqual([]);
    expect(changes).toBe(0);
  });

  test('a spot that plays: the countdown covers the break, quartiles are sent as its clock reaches them', () => {
    ads.spotStarted({ breakId: 'b1', index: 0, assetList, position: () => clock });
    expect(ads.playing).toBe(true);
    expect(ads.view()).toEqual({ index: 1, count: 2, remaining: 16, sponsorId: 'velocite' });
    expect(sent).toEqual(['/t?creative=a&event=start']);
    // The spot's clock is read every 250 ms while it plays.
    clock = 5.1;
    jest.advanceTimersByTime(250);
    expect(sent.map((u) => u.split('&event=')[1])).toEqual(['start', 'firstQuartile', 'midpoint']);
    expect(ads.view()?.remaining).toBe(11);
    clock = 10;
    ads.spotEnded();
    expect(sent.map((u) => u.split('&event=')[1])).toEqual([
      'start',
      'firstQuartile',
      'midpoint',
      'thirdQuartile',
      'complete',
    ]);

    // The second spot: 2 of 2, its own tracking URL.
    clock = 0;
    ads.spotStarted({ breakId: 'b1', index: 1, assetList, position: () => clock });
    expect(ads.view()).toEqual({ index: 2, count: 2, remaining: 6 });
    expect(sent[sent.length - 1]).toBe('/t?creative=p&event=start');
  });

  test('a spot cut short is not complete; the break ending stops the polling and clears the view', () => {
    ads.spotStarted({ breakId: 'b2', index: 0, assetList, position: () => clock });
    clock = 3;
    ads.spotEnded();
    expect(sent.some((u) => u.endsWith('event=complete'))).toBe(false);
    ads.breakEnded();
    expect(ads.playing).toBe(false);
    expect(ads.view()).toBeNull();
    const before = sent.length;
    const changesBefore = changes;
    clock = 9;
    jest.advanceTimersByTime(2000);
    expect(sent.length).toBe(before);
    expect(changes).toBe(changesBefore);
  });

  test('each event of a spot is sent once, even when hls.js starts the same spot again', () => {
    ads.spotStarted({ breakId: 'b3', index: 0, assetList, position: () => clock });
    ads.spotStarted({ breakId: 'b3', index: 0, assetList, position: () => clock });
    expect(sent).toEqual(['/t?creative=a&event=start']);
  });
});
