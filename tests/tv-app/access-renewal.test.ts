// When the TV renews a signed playback URL and what it does with the catalog's answer
// (tv-app/src/player/access-renewal.ts). URLs signed by the origin's own Keyring.
import {
  AccessRenewal,
  replaceToken,
  tokenOf,
  withoutToken,
  type RenewalTuning,
} from '../../tv-app/src/player/access-renewal.ts';
import { Keyring } from '../../shared/signing/url-signing.ts';

const keyring = new Keyring([{ id: 'k1', secret: 'a-secret-of-sixteen-chars' }]);
const MASTER = 'http://tv.test/hls/live/sport/master.m3u8';
const tuning: RenewalTuning = {
  aheadMs: 60_000,
  aheadFraction: 0.25,
  minDelayMs: 1000,
  retryMs: 3000,
  maxRefusedRenewals: 1,
};
const T0 = 1_800_000_000_000; // ms, the TV's clock

async function signed(url: string, expiresS: number, prefix = '/hls/live/sport/'): Promise<string> {
  return (await keyring.sign(new URL(url), { expires: expiresS, pathPrefix: prefix })).href;
}

describe('the token in a URL', () => {
  it('is read from the query, other parameters kept when it is replaced', async () => {
    const url = await signed(`${MASTER}?CMCD=sid%3D%22x%22`, T0 / 1000 + 3600);
    const token = tokenOf(url);
    expect(token).toMatchObject({ exp: T0 / 1000 + 3600, pfx: '/hls/live/sport/', kid: 'k1' });
    expect(withoutToken(url)).toBe(`${MASTER}?CMCD=sid%3D%22x%22`);
    const later = tokenOf(await signed(MASTER, T0 / 1000 + 7200))!;
    const replaced = replaceToken(url, later);
    expect(tokenOf(replaced)).toEqual(later);
    expect(withoutToken(replaced)).toBe(withoutToken(url));
    expect(tokenOf(MASTER)).toBeNull();
    expect(tokenOf(`${MASTER}?exp=1&sig=x`)).toBeNull(); // partial: not a token
  });
});

describe('renewing ahead of expiry', () => {
  it('renews a minute before a long token expires, swaps the token in, and rewrites old requests', async () => {
    const first = await signed(MASTER, T0 / 1000 + 3600);
    const renewal = new AccessRenewal(first, T0, tuning);
    expect(renewal.renewAt).toBe(T0 + 3600_000 - 60_000);
    expect(renewal.dueAhead(T0 + 3000_000)).toBe(false);
    expect(renewal.dueAhead(T0 + 3540_000)).toBe(true);
    expect(renewal.dueAhead(T0 + 3541_000)).toBe(false); // one at a time
    const second = await signed(MASTER, T0 / 1000 + 7200);
    expect(renewal.renewed(second, T0 + 3541_000)).toBe('swap');
    expect(renewal.currentUrl).toBe(second);
    // A segment hls.js lists with the old token goes out with the new one.
    const segment = `http://tv.test/hls/live/sport/720p/seg-41.ts?${tokenOf(first)!.raw}&CMCD=bl%3D2000`;
    const rewritten = renewal.rewrite(segment);
    expect(tokenOf(rewritten)).toEqual(tokenOf(second));
    expect(rewritten).toContain('CMCD=bl%3D2000');
    // The next renewal is planned from the new token.
    expect(renewal.renewAt).toBe(T0 + 7200_000 - 60_000);
  });

  it('renews a short token at a quarter of its life left', () => {
    return signed(MASTER, T0 / 1000 + 40).then((url) => {
      expect(new AccessRenewal(url, T0, tuning).renewAt).toBe(T0 + 30_000);
    });
  });

  it('plans on a whole millisecond: a timer set for it is never before it by Date.now()', async () => {
    // A quarter of 80.999 s left is 20,249.75 ms: planned at a fraction, a timer of the truncated
    // delay fired just before it, was "not due yet", and the renewal never happened.
    const renewal = new AccessRenewal(await signed(MASTER, T0 / 1000 + 81), T0 + 1, tuning);
    const at = renewal.renewAt!;
    expect(Number.isInteger(at)).toBe(true);
    expect(renewal.dueAhead(at - 1)).toBe(false);
    expect(renewal.busy).toBe(false);
    expect(renewal.dueAhead(at)).toBe(true);
    expect(renewal.busy).toBe(true);
  });

  it('tries twice per token when the catalog has nothing later, the second halfway to the expiry', async () => {
    const first = await signed(MASTER, T0 / 1000 + 600);
    const renewal = new AccessRenewal(first, T0, tuning);
    expect(renewal.dueAhead(T0 + 540_000)).toBe(true);
    expect(renewal.renewed(first, T0 + 540_000)).toBe('keep'); // the same token (a stored copy)
    expect(renewal.renewAt).toBe(T0 + 570_000);
    expect(renewal.dueAhead(T0 + 570_000)).toBe(true);
    expect(renewal.renewed(first, T0 + 570_000)).toBe('keep');
    expect(renewal.renewAt).toBeNull();
    expect(renewal.dueAhead(T0 + 599_000)).toBe(false);
    expect(renewal.rewrite(first)).toBe(first);
    expect(new AccessRenewal(MASTER, T0, tuning).renewAt).toBeNull();
  });

  it('asks again every few seconds while the catalog does not answer, until the token expires', async () => {
    const first = await signed(MASTER, T0 / 1000 + 600);
    const renewal = new AccessRenewal(first, T0, tuning);
    let now = T0 + 540_000;
    let tries = 0;
    while (renewal.renewAt !== null && tries < 100) {
      now = renewal.renewAt;
      expect(renewal.dueAhead(now)).toBe(true);
      expect(renewal.renewed(null, now)).toBe('keep');
      tries++;
    }
    // Every 3 s over the last minute, the last one halfway through the final seconds: then a 403 will tell.
    expect(tries).toBeGreaterThanOrEqual(19);
    expect(tries).toBeLessThanOrEqual(21);
    expect(now).toBeLessThan(T0 + 600_000);
    // An answer at last: swapped in.
    const fresh = new AccessRenewal(first, T0, tuning);
    fresh.dueAhead(T0 + 540_000);
    expect(fresh.renewed(null, T0 + 540_000)).toBe('keep');
    expect(fresh.renewAt).toBe(T0 + 543_000);
    fresh.dueAhead(T0 + 543_000);
    expect(fresh.renewed(await signed(MASTER, T0 / 1000 + 1200), T0 + 543_000)).toBe('swap');
  });

  it('a TV clock past the expiry renews once, a second from now, not in a loop', async () => {
    const renewal = new AccessRenewal(await signed(MASTER, T0 / 1000 - 3600), T0, tuning);
    expect(renewal.renewAt).toBe(T0 + 1000);
    expect(renewal.dueAhead(T0 + 1000)).toBe(true);
    expect(renewal.renewed(null, T0 + 1100)).toBe('keep');
    expect(renewal.renewAt).toBeNull(); // no time left to try again: a 403 will tell
  });

  it('keeps what plays when the catalog moved the item elsewhere or does not answer', async () => {
    const renewal = new AccessRenewal(await signed(MASTER, T0 / 1000 + 600), T0, tuning);
    renewal.dueAhead(T0 + 560_000);
    const moved = await signed('http://tv.test/hls/live/sport/other.m3u8', T0 / 1000 + 1200);
    expect(renewal.renewed(moved, T0 + 560_100)).toBe('keep');
  });
});

describe('after a 403', () => {
  it('renews once, reloads with the new URL, and again after media flowed', async () => {
    const first = await signed(MASTER, T0 / 1000 + 600);
    const renewal = new AccessRenewal(first, T0, tuning);
    const segment = `http://tv.test/hls/live/sport/720p/seg-9.ts?${tokenOf(first)!.raw}`;
    expect(renewal.refused(segment)).toBe('renew');
    expect(renewal.refused(segment)).toBe('wait'); // the audio's 403 while the catalog answers
    const second = await signed(MASTER, T0 / 1000 + 1200);
    expect(renewal.renewed(second, T0 + 601_000)).toBe('reload');
    expect(renewal.currentUrl).toBe(second);
    renewal.mediaFlowing();
    const third = await signed(MASTER, T0 / 1000 + 1800);
    expect(renewal.refused(second)).toBe('renew');
    expect(renewal.renewed(third, T0 + 1201_000)).toBe('reload');
  });

  it('gives up when the catalog answers the token that was refused', async () => {
    const first = await signed(MASTER, T0 / 1000 + 600);
    const renewal = new AccessRenewal(first, T0, tuning);
    expect(renewal.refused(first)).toBe('renew');
    expect(renewal.renewed(first, T0 + 601_000)).toBe('give-up');
  });

  it('gives up on an older token (a stored copy), tries one signed with a new key at the same expiry', async () => {
    const first = await signed(MASTER, T0 / 1000 + 1200);
    const stale = new AccessRenewal(first, T0, tuning);
    expect(stale.refused(first)).toBe('renew');
    expect(stale.renewed(await signed(MASTER, T0 / 1000 + 600), T0 + 1201_000)).toBe('give-up');
    const rotated = new AccessRenewal(first, T0, tuning);
    const newKey = new Keyring([{ id: 'k2', secret: 'another-secret-of-16-chars' }]);
    const resigned = (await newKey.sign(new URL(MASTER), { expires: T0 / 1000 + 1200, pathPrefix: '/hls/live/sport/' }))
      .href;
    expect(rotated.refused(first)).toBe('renew');
    expect(rotated.renewed(resigned, T0 + 10_000)).toBe('reload');
  });

  it('gives up when a renewed URL is refused too, with no media in between (no 403 storm)', async () => {
    const renewal = new AccessRenewal(await signed(MASTER, T0 / 1000 + 600), T0, tuning);
    expect(renewal.refused(renewal.currentUrl)).toBe('renew');
    expect(renewal.renewed(await signed(MASTER, T0 / 1000 + 1200), T0 + 601_000)).toBe('reload');
    expect(renewal.refused(renewal.currentUrl)).toBe('give-up');
  });

  it('gives up when the catalog does not answer, and ignores 403s of open streams', async () => {
    const renewal = new AccessRenewal(await signed(MASTER, T0 / 1000 + 600), T0, tuning);
    expect(renewal.refused(renewal.currentUrl)).toBe('renew');
    expect(renewal.renewed(null, T0 + 601_000)).toBe('give-up');
    expect(new AccessRenewal(MASTER, T0, tuning).refused(MASTER)).toBe('ignore');
  });

  it('a replay segment the edge signed for the live prefix, refused, reloads with the catalog URL', async () => {
    const vod = 'http://tv.test/hls/vod/r1/master.m3u8';
    const renewal = new AccessRenewal(await signed(vod, T0 / 1000 + 600, '/hls/vod/'), T0, tuning);
    const liveSegment = await signed('http://tv.test/hls/live/sport/720p/seg-3.ts', T0 / 1000 + 600);
    expect(renewal.rewrite(liveSegment)).toBe(liveSegment); // not ours to swap
    expect(renewal.refused(liveSegment)).toBe('renew');
    expect(renewal.renewed(await signed(vod, T0 / 1000 + 1200, '/hls/vod/'), T0 + 601_000)).toBe('reload');
  });
});
