// Signed URLs: the origin (or the back office) hands out media URLs that stop working after a
// given time, and any edge holding the shared secret can check them without calling home.
//
// The signature covers a path PREFIX rather than one file, because an HLS stream is a tree: one
// token on the master playlist must keep working for every rendition playlist and segment below
// it, whose URLs hls.js resolves relative to the playlist (the token travels in the query of the
// master only, so the edge accepts the prefix's token on any path under it; see `pathPrefix`).
//
// Web Crypto only (HMAC-SHA-256): runs unchanged in Node 20, Deno and browsers.

const encoder = new TextEncoder();

export interface SignedUrlParams {
  /** Seconds since the epoch after which the URL is refused. */
  expires: number;
  /** The path prefix the signature covers (e.g. `/hls/live/sport/`). */
  pathPrefix: string;
  /** base64url HMAC-SHA-256 of `${pathPrefix}|${expires}`. */
  signature: string;
}

export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'wrong-prefix' | 'bad-signature' };

/** Query parameter names; short because they ride on every playlist URL. */
export const SIGNING_PARAMS = { expires: 'exp', prefix: 'pfx', signature: 'sig' } as const;

async function hmacKey(secret: string): Promise<CryptoKey> {
  if (secret.length < 16) throw new Error('url-signing: the secret must be at least 16 characters');
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

function toBase64Url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function payload(pathPrefix: string, expires: number): Uint8Array<ArrayBuffer> {
  return encoder.encode(`${pathPrefix}|${expires}`);
}

/** Returns `url` with `exp`, `pfx` and `sig` added to its query. */
export async function signUrl(
  url: URL,
  secret: string,
  options: { expires: number; pathPrefix?: string },
): Promise<URL> {
  const pathPrefix = options.pathPrefix ?? url.pathname;
  if (!url.pathname.startsWith(pathPrefix)) {
    throw new Error(`url-signing: ${url.pathname} is not under the prefix ${pathPrefix}`);
  }
  const key = await hmacKey(secret);
  const signature = toBase64Url(await crypto.subtle.sign('HMAC', key, payload(pathPrefix, options.expires)));
  const signed = new URL(url);
  signed.searchParams.set(SIGNING_PARAMS.expires, String(options.expires));
  signed.searchParams.set(SIGNING_PARAMS.prefix, pathPrefix);
  signed.searchParams.set(SIGNING_PARAMS.signature, signature);
  return signed;
}

/** Checks a signed URL at time `nowSeconds`; constant-time comparison through `subtle.verify`. */
export async function verifySignedUrl(url: URL, secret: string, nowSeconds: number): Promise<VerifyResult> {
  const exp = url.searchParams.get(SIGNING_PARAMS.expires);
  const prefix = url.searchParams.get(SIGNING_PARAMS.prefix);
  const sig = url.searchParams.get(SIGNING_PARAMS.signature);
  if (exp === null || prefix === null || sig === null) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(exp) || !prefix.startsWith('/')) return { ok: false, reason: 'malformed' };
  const signature = fromBase64Url(sig);
  if (signature === null) return { ok: false, reason: 'malformed' };
  // A prefix may not climb out of itself (`/hls/live/../vod/`): compare normalised paths.
  if (prefix.includes('/../') || prefix.endsWith('/..')) return { ok: false, reason: 'malformed' };
  if (!url.pathname.startsWith(prefix)) return { ok: false, reason: 'wrong-prefix' };
  const expires = Number(exp);
  if (nowSeconds > expires) return { ok: false, reason: 'expired' };
  const key = await hmacKey(secret);
  const valid = await crypto.subtle.verify('HMAC', key, signature, payload(prefix, expires));
  return valid ? { ok: true } : { ok: false, reason: 'bad-signature' };
}
