import { signUrl, verifySignedUrl } from '../../shared/signing/url-signing.ts';

const secret = 'a-secret-of-the-city-tv';
const now = 1_800_000_000;

describe('signed media URLs', () => {
  it('accepts a URL it signed, and every path under the signed prefix', async () => {
    const master = await signUrl(new URL('http://edge/hls/live/sport/master.m3u8'), secret, {
      expires: now + 60,
      pathPrefix: '/hls/live/sport/',
    });
    expect(await verifySignedUrl(master, secret, now)).toEqual({ ok: true });
    const segment = new URL(`/hls/live/sport/v360/1234.ts${master.search}`, master);
    expect(await verifySignedUrl(segment, secret, now)).toEqual({ ok: true });
  });

  it('refuses another channel, an expired URL, a tampered expiry and a wrong secret', async () => {
    const signed = await signUrl(new URL('http://edge/hls/live/sport/master.m3u8'), secret, {
      expires: now + 60,
      pathPrefix: '/hls/live/sport/',
    });
    const other = new URL(`/hls/live/culture/master.m3u8${signed.search}`, signed);
    expect(await verifySignedUrl(other, secret, now)).toEqual({ ok: false, reason: 'wrong-prefix' });
    expect(await verifySignedUrl(signed, secret, now + 61)).toEqual({ ok: false, reason: 'expired' });
    const tampered = new URL(signed);
    tampered.searchParams.set('exp', String(now + 3600));
    expect(await verifySignedUrl(tampered, secret, now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(await verifySignedUrl(signed, 'another-secret-entirely', now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('says what is wrong with hostile or incomplete queries', async () => {
    const base = 'http://edge/hls/live/sport/master.m3u8';
    expect(await verifySignedUrl(new URL(base), secret, now)).toEqual({ ok: false, reason: 'missing' });
    expect(await verifySignedUrl(new URL(`${base}?exp=abc&pfx=/hls/&sig=x`), secret, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(await verifySignedUrl(new URL(`${base}?exp=1&pfx=/hls/&sig=%%%`), secret, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('refuses to sign a URL outside its own prefix and a short secret', async () => {
    await expect(
      signUrl(new URL('http://edge/hls/vod/x/master.m3u8'), secret, { expires: now, pathPrefix: '/hls/live/' }),
    ).rejects.toThrow(/not under the prefix/);
    await expect(signUrl(new URL('http://edge/a'), 'short', { expires: now })).rejects.toThrow(/at least 16/);
  });
});
