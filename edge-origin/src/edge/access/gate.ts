// Access control's decision for one request: open, granted (with the token to carry to the
// playlist's children) or refused (a 403 before anything else, so no upstream request). Paths
// under a restricted prefix need a valid token; on every path the token is taken out of the query,
// so it never reaches the cache key, the upstream nor the access log: one stored copy serves every
// viewer whatever their token.
import { restrictedPrefixOf } from '../../../../shared/signing/access-config.ts';
import {
  Keyring,
  SIGNING_PARAMS,
  splitToken,
  type Grant,
  type RefusalReason,
} from '../../../../shared/signing/url-signing.ts';
import { EdgeConfigError, type EdgeConfig } from '../config.ts';

export type AccessDecision =
  /** `search`: the query without any token (the same string when it carried none). */
  | { kind: 'open'; search: string }
  /** `token`: the viewer's token as written (`exp=…&pfx=…&kid=…&sig=…`), for the URIs under `grant.prefix`. */
  | { kind: 'granted'; search: string; token: string; grant: Grant }
  | { kind: 'refused'; reason: RefusalReason };

/** Verified tokens remembered (HMAC once per token, not per segment); cleared whole when full. */
const MAX_REMEMBERED = 10_000;

export class AccessGate {
  private readonly keyring: Keyring;
  private readonly verified = new Map<string, Grant>();
  private readonly delegations = new Map<string, string>();

  private constructor(
    config: EdgeConfig,
    private readonly prefixes: readonly string[],
  ) {
    this.keyring = new Keyring(config.urlSigningKeys);
  }

  /** The gate, or undefined when no prefix is restricted (access control off: every path as before). */
  static from(config: EdgeConfig): AccessGate | undefined {
    if (config.urlSigningPrefixes.length === 0) return undefined;
    if (config.urlSigningKeys.length === 0)
      throw new EdgeConfigError(
        'invalid edge config: urlSigningPrefixes (env URL_SIGNING_PREFIXES) is set but urlSigningKeys (env URL_SIGNING_KEYS) is empty',
      );
    return new AccessGate(config, config.urlSigningPrefixes);
  }

  /** The restricted prefix `path` falls under, or undefined: open. */
  restrictedPrefixOf(path: string): string | undefined {
    return restrictedPrefixOf(path, this.prefixes);
  }

  /**
   * A token for another restricted prefix, for the URIs a granted playlist lists there (a replay's
   * playlist under /hls/vod/ lists the live segments it was cut from, under /hls/live/<channel>/):
   * the origin wrote that playlist, so whoever may read it may read what it lists, until the same
   * expiry. Signed with this edge's first key; one per (prefix, expiry), remembered.
   */
  async delegated(prefix: string, expires: number): Promise<string> {
    const key = `${prefix}|${expires}`;
    let token = this.delegations.get(key);
    if (token === undefined) {
      const signed = await this.keyring.sign(new URL(prefix, 'http://edge.invalid'), { expires, pathPrefix: prefix });
      token = splitToken(signed.search).token;
      if (this.delegations.size >= MAX_REMEMBERED) this.delegations.clear();
      this.delegations.set(key, token);
    }
    return token;
  }

  async decide(url: URL, nowSeconds: number): Promise<AccessDecision> {
    const { token, rest } = splitToken(url.search);
    // The path as the origin will read it: `/hls/live/%73port/` is `/hls/live/sport/` there.
    const path = withUnreservedDecoded(url.pathname);
    if (restrictedPrefixOf(path, this.prefixes) === undefined) return { kind: 'open', search: rest };
    if (token === '') return { kind: 'refused', reason: 'missing' };
    let grant = this.verified.get(token);
    if (!grant) {
      const checked = path === url.pathname ? url : new URL(`${path}${url.search}`, url);
      const result = await this.keyring.verify(checked, nowSeconds);
      if (!result.ok) return { kind: 'refused', reason: result.reason };
      grant = { prefix: result.prefix, expires: result.expires, keyId: result.keyId };
      if (this.verified.size >= MAX_REMEMBERED) this.verified.clear();
      this.verified.set(token, grant);
    }
    // A remembered token is still checked against this path and this moment.
    if (!path.startsWith(grant.prefix)) return { kind: 'refused', reason: 'wrong-prefix' };
    if (nowSeconds > grant.expires) return { kind: 'refused', reason: 'expired' };
    return { kind: 'granted', search: rest, token, grant };
  }
}

/**
 * RFC 3986 §6.2.2.2: a percent-encoded unreserved character is the character itself, so origins
 * decode it; the prefixes are compared with it decoded, or an escape would walk around them.
 */
function withUnreservedDecoded(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(/%([0-9A-Fa-f]{2})/g, (encoded, hex: string) => {
    const c = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : encoded;
  });
}

const TOKEN_IN_QUERY = new RegExp(`[?&](?:${Object.values(SIGNING_PARAMS).join('|')})=`);

/**
 * Whether the Node fast paths may answer this raw request target: not when it needs the gate
 * (a restricted path, or a token to take out of the query). A plain string test, cheap enough to
 * run on every hit.
 */
export function bypassesGate(target: string, config: EdgeConfig): boolean {
  const prefixes = config.urlSigningPrefixes;
  if (prefixes.length === 0) return true;
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  // An escape in the path: the general path decodes it before deciding.
  if (path.includes('%')) return false;
  return restrictedPrefixOf(path, prefixes) === undefined && !(query >= 0 && TOKEN_IN_QUERY.test(target.slice(query)));
}
