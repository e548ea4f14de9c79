import { Keyring, splitToken, withToken } from '../../shared/signing/url-signing.ts';
import { accessConfigFromEnv, parseSigningKeys, restrictedPrefixOf } from '../../shared/signing/access-config.ts';

const keyA = { id: 'k2026a', secret: 'a-secret-of-the-city-tv' };
const keyB = { id: 'k2026b', secret: 'another-secret-of-the-city' };
const now = 1_800_000_000;
const sport = { expires: now + 60, pathPrefix: '/hls/live/sport/' };

describe('signed media URLs', () => {
  it('accepts a URL it signed, and every path under the signed prefix', async () => {
    const ring = new Keyring([keyA]);
    const master = await ring.sign(new URL('http://edge/hls/live/sport/master.m3u8'), sport);
    expect(await ring.verify(master, now)).toEqual({
      ok: true,
      prefix: '/hls/live/sport/',
      expires: now + 60,
      keyId: 'k2026a',
    });
    const segment = new URL(`/hls/live/sport/v360/1234.ts${master.search}`, master);
    expect((await ring.verify(segment, now)).ok).toBe(true);
  });

  it('refuses another channel, an expired URL, a tampered expiry or key id, an unknown key', async () => {
    const ring = new Keyring([keyA, keyB]);
    const signed = await ring.sign(new URL('http://edge/hls/live/sport/master.m3u8'), sport);
    const other = new URL(`/hls/live/culture/master.m3u8${signed.search}`, signed);
    expect(await ring.verify(other, now)).toEqual({ ok: false, reason: 'wrong-prefix' });
    expect(await ring.verify(signed, now + 61)).toEqual({ ok: false, reason: 'expired' });
    const tampered = new URL(signed);
    tampered.searchParams.set('exp', String(now + 3600));
    expect(await ring.verify(tampered, now)).toEqual({ ok: false, reason: 'bad-signature' });
    // The same signature presented under the other active key's id: the key id is signed too.
    const otherKid = new URL(signed);
    otherKid.searchParams.set('kid', keyB.id);
    expect(await ring.verify(otherKid, now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(await new Keyring([keyB]).verify(signed, now)).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('passes tokens of both keys of a rotation; the first key signs', async () => {
    const old = await new Keyring([keyA]).sign(new URL('http://edge/hls/live/sport/master.m3u8'), sport);
    const rotating = new Keyring([keyB, keyA]);
    const fresh = await rotating.sign(new URL('http://edge/hls/live/sport/master.m3u8'), sport);
    expect(fresh.searchParams.get('kid')).toBe(keyB.id);
    expect((await rotating.verify(old, now)).ok).toBe(true);
    expect((await rotating.verify(fresh, now)).ok).toBe(true);
    expect(await new Keyring([keyB]).verify(old, now)).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('says what is wrong with hostile or incomplete queries', async () => {
    const ring = new Keyring([keyA]);
    const base = 'http://edge/hls/live/sport/master.m3u8';
    expect(await ring.verify(new URL(base), now)).toEqual({ ok: false, reason: 'missing' });
    expect(await ring.verify(new URL(`${base}?exp=1&pfx=/hls/&sig=abc`), now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(await ring.verify(new URL(`${base}?exp=abc&pfx=/hls/&kid=k2026a&sig=x`), now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(await ring.verify(new URL(`${base}?exp=9999999999&pfx=/hls/live/../&kid=k2026a&sig=%%%`), now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('refuses to sign outside its own prefix, and short secrets or bad key ids', async () => {
    const ring = new Keyring([keyA]);
    await expect(
      ring.sign(new URL('http://edge/hls/vod/x/master.m3u8'), { expires: now, pathPrefix: '/hls/live/' }),
    ).rejects.toThrow(/not under the prefix/);
    expect(() => new Keyring([{ id: 'a', secret: 'short' }])).toThrow(/at least 16/);
    expect(() => new Keyring([{ id: 'a b', secret: keyA.secret }])).toThrow(/bad key id/);
  });
});

describe('tokens on URIs', () => {
  it('splits a token out of a query, keeping the other parameters as written', () => {
    expect(splitToken('?_HLS_msn=4&sig=S&exp=9&CMCD=a%3Db&kid=k&pfx=/hls/')).toEqual({
      token: 'exp=9&pfx=/hls/&kid=k&sig=S',
      rest: '?_HLS_msn=4&CMCD=a%3Db',
    });
    expect(splitToken('?exp=9&pfx=/a/&kid=k&sig=S')).toEqual({ token: 'exp=9&pfx=/a/&kid=k&sig=S', rest: '' });
  });

  it('adds a token to a URI with or without a query, before its fragment', () => {
    expect(withToken('v360/index.m3u8', 't=1')).toBe('v360/index.m3u8?t=1');
    expect(withToken('part.mp4?x=1', 't=1')).toBe('part.mp4?x=1&t=1');
    expect(withToken('sprite-0.jpg#xywh=0,0,160,90', 't=1')).toBe('sprite-0.jpg?t=1#xywh=0,0,160,90');
  });
});

describe('access settings', () => {
  it('reads keys, prefixes and lifetime from the environment, off by default', () => {
    expect(accessConfigFromEnv({})).toEqual({ keys: [], restrictedPrefixes: [], ttlSeconds: 6 * 3600 });
    const config = accessConfigFromEnv({
      URL_SIGNING_KEYS: `${keyB.id}:${keyB.secret}, ${keyA.id}:${keyA.secret}`,
      URL_SIGNING_PREFIXES: '/hls/live/sport/',
      URL_SIGNING_TTL_SECONDS: '600',
    });
    expect(config).toEqual({ keys: [keyB, keyA], restrictedPrefixes: ['/hls/live/sport/'], ttlSeconds: 600 });
    expect(restrictedPrefixOf('/hls/live/sport/v360/1.ts', config.restrictedPrefixes)).toBe('/hls/live/sport/');
    expect(restrictedPrefixOf('/hls/live/culture/master.m3u8', config.restrictedPrefixes)).toBeUndefined();
  });

  it('names the variable at fault and never echoes a secret', () => {
    expect(() => accessConfigFromEnv({ URL_SIGNING_KEYS: 'k:tooshort' })).toThrow(/^URL_SIGNING_KEYS: key k/);
    expect(() => accessConfigFromEnv({ URL_SIGNING_PREFIXES: '/hls/live/sport/' })).toThrow(
      /URL_SIGNING_KEYS is empty/,
    );
    expect(() => accessConfigFromEnv({ URL_SIGNING_PREFIXES: 'hls/' })).toThrow(/^URL_SIGNING_PREFIXES/);
    expect(() => parseSigningKeys('a:0123456789abcdef,a:0123456789abcdef')).toThrow(/given twice/);
    // The whole message: an entry without its colon is not repeated back (it may be a secret).
    expect(() => parseSigningKeys('nocolon-but-a-long-secret-value')).toThrow(
      /^key 1: expected kid:secret, kid of \[A-Za-z0-9_-\]\{1,32\}$/,
    );
  });
});
