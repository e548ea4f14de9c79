// Signed URLs: the origin hands out media URLs that stop working after a given time, and any edge
// holding the same keys checks them without calling home.
//
// The signature covers a path PREFIX rather than one file, because an HLS stream is a tree: one
// token on the master playlist must keep working for every rendition playlist, part, segment, key
// and thumbnail below it. hls.js resolves those URIs relative to the playlist and drops its query,
// so the edge writes the token onto the child URIs of the playlists it serves (edge/access/).
//
// Keys have an id (`kid`) so that two can be active at once: during a rotation tokens signed with
// the old key and with the new one both pass. The first key of a keyring signs; every key verifies.
//
// Web Crypto only (HMAC-SHA-256): runs unchanged in Node, Deno and browsers.

const encoder = new TextEncoder();

export interface SigningKey {
  /** Names the key in tokens (`kid`): letters, digits, `_` and `-`, up to 32. */
  id: string;
  /** The shared secret, at least 16 characters. */
  secret: string;
}

/** What a valid token grants: paths under `prefix`, until `expires` (seconds since the epoch). */
export interface Grant {
  prefix: string;
  expires: number;
  keyId: string;
}

export type RefusalReason = 'missing' | 'malformed' | 'expired' | 'wrong-prefix' | 'unknown-key' | 'bad-signature';

export type VerifyResult = ({ ok: true } & Grant) | { ok: false; reason: RefusalReason };

/** Query parameter names of a token, in the order they are written; short: they ride on every URI. */
export const SIGNING_PARAMS = { expires: 'exp', prefix: 'pfx', keyId: 'kid', signature: 'sig' } as const;
const TOKEN_NAMES: readonly string[] = Object.values(SIGNING_PARAMS);

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const MIN_SECRET_LENGTH = 16;

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

/** What is signed: the key id is in it, so a signature cannot be replayed under another key's id. */
function payload(keyId: string, prefix: string, expires: number): Uint8Array<ArrayBuffer> {
  return encoder.encode(`v1|${keyId}|${prefix}|${expires}`);
}

/** A prefix may not climb out of itself (`/hls/live/../vod/`). */
function isCleanPrefix(prefix: string): boolean {
  return prefix.startsWith('/') && !/(^|\/)\.\.?(\/|$)/.test(prefix) && !/%2e/i.test(prefix);
}

/** Signs and verifies with a set of keys: the first signs, all verify. CryptoKeys imported once. */
export class Keyring {
  private readonly byId = new Map<string, Promise<CryptoKey>>();
  readonly signingKeyId: string | undefined;

  constructor(keys: readonly SigningKey[]) {
    for (const key of keys) {
      if (!KEY_ID_PATTERN.test(key.id)) throw new Error(`url-signing: bad key id ${JSON.stringify(key.id)}`);
      if (key.secret.length < MIN_SECRET_LENGTH)
        throw new Error(`url-signing: the secret of key ${key.id} must be at least ${MIN_SECRET_LENGTH} characters`);
      if (this.byId.has(key.id)) throw new Error(`url-signing: key id ${key.id} given twice`);
      this.byId.set(
        key.id,
        crypto.subtle.importKey('raw', encoder.encode(key.secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
          'sign',
          'verify',
        ]),
      );
    }
    this.signingKeyId = keys[0]?.id;
  }

  get keyIds(): string[] {
    return [...this.byId.keys()];
  }

  /** `url` with `exp`, `pfx`, `kid` and `sig` added to its query (`pathPrefix`: the path itself by default). */
  async sign(url: URL, options: { expires: number; pathPrefix?: string; keyId?: string }): Promise<URL> {
    const keyId = options.keyId ?? this.signingKeyId;
    const key = keyId === undefined ? undefined : this.byId.get(keyId);
    if (keyId === undefined || !key) throw new Error(`url-signing: no key ${keyId ?? '(none configured)'}`);
    const prefix = options.pathPrefix ?? url.pathname;
    if (!isCleanPrefix(prefix)) throw new Error(`url-signing: bad prefix ${prefix}`);
    if (!url.pathname.startsWith(prefix))
      throw new Error(`url-signing: ${url.pathname} is not under the prefix ${prefix}`);
    const signature = await crypto.subtle.sign('HMAC', await key, payload(keyId, prefix, options.expires));
    const signed = new URL(url);
    signed.searchParams.set(SIGNING_PARAMS.expires, String(options.expires));
    signed.searchParams.set(SIGNING_PARAMS.prefix, prefix);
    signed.searchParams.set(SIGNING_PARAMS.keyId, keyId);
    signed.searchParams.set(SIGNING_PARAMS.signature, toBase64Url(signature));
    return signed;
  }

  /** Checks the token in `url`'s query for `url`'s path at `nowSeconds`; constant-time through `subtle.verify`. */
  async verify(url: URL, nowSeconds: number): Promise<VerifyResult> {
    const q = url.searchParams;
    const exp = q.get(SIGNING_PARAMS.expires);
    const prefix = q.get(SIGNING_PARAMS.prefix);
    const keyId = q.get(SIGNING_PARAMS.keyId);
    const sig = q.get(SIGNING_PARAMS.signature);
    if (exp === null && prefix === null && keyId === null && sig === null) return { ok: false, reason: 'missing' };
    if (exp === null || prefix === null || keyId === null || sig === null) return { ok: false, reason: 'malformed' };
    if (!/^\d{1,12}$/.test(exp) || !isCleanPrefix(prefix)) return { ok: false, reason: 'malformed' };
    const signature = fromBase64Url(sig);
    if (signature === null) return { ok: false, reason: 'malformed' };
    if (!url.pathname.startsWith(prefix)) return { ok: false, reason: 'wrong-prefix' };
    const expires = Number(exp);
    if (nowSeconds > expires) return { ok: false, reason: 'expired' };
    const key = this.byId.get(keyId);
    if (!key) return { ok: false, reason: 'unknown-key' };
    const valid = await crypto.subtle.verify('HMAC', await key, signature, payload(keyId, prefix, expires));
    return valid ? { ok: true, prefix, expires, keyId } : { ok: false, reason: 'bad-signature' };
  }
}

/** Splits a raw query (`?a=1&exp=…`) into the token's parts (canonical order, as written) and the rest. */
export function splitToken(search: string): { token: string; rest: string } {
  if (search.length <= 1) return { token: '', rest: search };
  const found = new Map<string, string>();
  const kept: string[] = [];
  for (const part of search.slice(1).split('&')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (TOKEN_NAMES.includes(name)) found.set(name, part);
    else kept.push(part);
  }
  const token = TOKEN_NAMES.flatMap((name) => found.get(name) ?? []).join('&');
  return { token, rest: kept.length ? `?${kept.join('&')}` : '' };
}

/** `uri` (as written in a playlist) with `token` (`exp=…&pfx=…&kid=…&sig=…`) added to its query. */
export function withToken(uri: string, token: string): string {
  const hash = uri.indexOf('#');
  const base = hash < 0 ? uri : uri.slice(0, hash);
  const fragment = hash < 0 ? '' : uri.slice(hash);
  const joiner = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${joiner}${token}${fragment}`;
}
