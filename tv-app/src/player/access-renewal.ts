// Signed playback URLs outlive no viewer: a token (`exp`, `pfx`, `kid`, `sig` in the query,
// shared/signing/url-signing.ts) expires, and a four-hour council meeting or a replay paused
// overnight would then get 403s. This decides, for one playback, when to ask the catalog for a
// freshly signed URL and what to do with its answer; hls-player.ts owns the timers, the requests
// and hls.js. Pure (the clock is passed in), so jest tests every decision.
//
// Renewed AHEAD of expiry, not only on a 403: the expiry is readable in the URL, and renewing
// a minute before it means no request ever fails, so the picture never stops (a 403 costs a
// reload of the player: hls.js gives up on the rendition it was refused). The new token goes
// onto requests still carrying the old one (`rewrite`), seamlessly. The TV's clock may be wrong,
// so a 403 is still handled: one renewal, then a reload at the same place; a catalog that keeps
// answering a refused token (or renewals that never bring media back) ends in the error screen,
// never in a loop: at most two renewals ahead per token that the catalog answers (the second
// halfway to the expiry, when the first brought back the same token: a copy of the catalog's
// answer stored at the edge, up to 20 s old, which the minute ahead outlasts), one every few
// seconds until the expiry while it does not answer, and one after a refusal until media flows.
import { PLAYER_DEFAULTS } from './config.ts';

/** The token's query parameters (shared/signing/url-signing.ts's SIGNING_PARAMS; not imported: that module needs Web Crypto at load, which old TVs lack). */
const TOKEN_NAMES = ['exp', 'pfx', 'kid', 'sig'] as const;

export interface UrlToken {
  /** Seconds since the epoch. */
  exp: number;
  pfx: string;
  kid: string;
  sig: string;
  /** The four parameters as written in the query (`exp=…&pfx=…&kid=…&sig=…`). */
  raw: string;
}

function splitUrl(url: string): { base: string; params: string[]; hash: string } {
  const hashAt = url.indexOf('#');
  const hash = hashAt < 0 ? '' : url.slice(hashAt);
  const noHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const q = noHash.indexOf('?');
  if (q < 0) return { base: noHash, params: [], hash };
  return {
    base: noHash.slice(0, q),
    params: noHash
      .slice(q + 1)
      .split('&')
      .filter(Boolean),
    hash,
  };
}

const nameOf = (param: string): string => {
  const eq = param.indexOf('=');
  return eq < 0 ? param : param.slice(0, eq);
};

/** The token in `url`'s query, or null when it has none (an open stream) or a partial one. */
export function tokenOf(url: string): UrlToken | null {
  const found: Record<string, string> = {};
  for (const param of splitUrl(url).params) {
    const name = nameOf(param);
    if ((TOKEN_NAMES as readonly string[]).includes(name)) found[name] = param;
  }
  const value = (name: string): string | null => {
    const param = found[name];
    if (param === undefined) return null;
    try {
      return decodeURIComponent(param.slice(name.length + 1));
    } catch {
      return null;
    }
  };
  const exp = Number(value('exp'));
  const pfx = value('pfx');
  const kid = value('kid');
  const sig = value('sig');
  if (!Number.isFinite(exp) || exp <= 0 || pfx === null || kid === null || sig === null) return null;
  return { exp, pfx, kid, sig, raw: TOKEN_NAMES.map((n) => found[n]).join('&') };
}

/** `url` without its token (what it points at, whoever may read it). */
export function withoutToken(url: string): string {
  const { base, params, hash } = splitUrl(url);
  const kept = params.filter((p) => !(TOKEN_NAMES as readonly string[]).includes(nameOf(p)));
  return base + (kept.length ? `?${kept.join('&')}` : '') + hash;
}

/** `url` with `token` in place of the token it carries (other parameters, CMCD's, kept in place). */
export function replaceToken(url: string, token: UrlToken): string {
  const { base, params, hash } = splitUrl(url);
  const out: string[] = [];
  let written = false;
  for (const p of params) {
    if (!(TOKEN_NAMES as readonly string[]).includes(nameOf(p))) out.push(p);
    else if (!written) {
      out.push(token.raw);
      written = true;
    }
  }
  if (!written) out.push(token.raw);
  return `${base}?${out.join('&')}${hash}`;
}

const sameToken = (a: UrlToken, b: UrlToken): boolean =>
  a.exp === b.exp && a.pfx === b.pfx && a.kid === b.kid && a.sig === b.sig;

/** The player's error when a signed stream stays refused (the error screen says so). */
export const ACCESS_REFUSED = 'access-refused';

/** What the player does with the catalog's answer. */
export type RenewalOutcome =
  /** Same stream, a later token: requests carry it from now on; playback goes on untouched. */
  | 'swap'
  /** Load the catalog's URL again, where the viewer was (after a refusal, or the stream moved). */
  | 'reload'
  /** Nothing better came (renewing ahead): keep going; a 403 will be handled if it comes. */
  | 'keep'
  /** Refused, and the catalog has nothing that would pass: the error screen. */
  | 'give-up';

export interface RenewalTuning {
  /** Renew this long (ms) before the token expires… */
  aheadMs: number;
  /** …but never earlier than this fraction of its remaining life at load (short tokens). */
  aheadFraction: number;
  /** A renewal planned in the past is made this long (ms) from now, not at once. */
  minDelayMs: number;
  /** A renewal ahead that got no answer is tried again this long (ms) later, while the token lasts. */
  retryMs: number;
  /** Renewals after a 403 with no media buffered since the previous one: then give up. */
  maxRefusedRenewals: number;
}

export class AccessRenewal {
  private token: UrlToken | null;
  /** Tokens this playback no longer uses: requests still carrying them get the current one. */
  private readonly superseded: UrlToken[] = [];
  private renewAtMs: number | null = null;
  /** Renewals ahead tried for the current token (a stale answer earns one more, nearer its expiry). */
  private aheadTries = 0;
  private renewing: 'ahead' | 'refused' | null = null;
  private refusedRenewals = 0;
  /** The token a 403 was answered with: the catalog handing it back means no way through. */
  private refusedToken: UrlToken | null = null;

  constructor(
    private url: string,
    nowMs: number,
    private readonly tuning: RenewalTuning = PLAYER_DEFAULTS.accessRenewal,
  ) {
    this.token = tokenOf(url);
    this.plan(nowMs);
  }

  /** The URL playing now (the catalog's latest). */
  get currentUrl(): string {
    return this.url;
  }

  /** The stream is signed: its token expires, and renewals are worth doing. */
  get signed(): boolean {
    return this.token !== null;
  }

  /** A renewal is under way (its answer will plan the next one). */
  get busy(): boolean {
    return this.renewing !== null;
  }

  /** When (ms, the TV's clock) to renew ahead; null when there is nothing to renew ahead of. */
  get renewAt(): number | null {
    return this.renewAtMs;
  }

  /** A renewal ahead per token, planned from its remaining life as the TV's clock sees it. */
  private plan(nowMs: number): void {
    const token = this.token;
    this.aheadTries = 0;
    if (!token) {
      this.renewAtMs = null;
      return;
    }
    const { aheadMs, aheadFraction, minDelayMs } = this.tuning;
    const left = token.exp * 1000 - nowMs;
    this.renewAtMs = Math.ceil(nowMs + Math.max(minDelayMs, left - Math.min(aheadMs, left * aheadFraction)));
  }

  /** Time to renew ahead: true when a renewal should start now (the caller asks the catalog). */
  dueAhead(nowMs: number): boolean {
    if (this.renewing || this.renewAtMs === null || nowMs < this.renewAtMs) return false;
    this.renewAtMs = null;
    this.aheadTries++;
    this.renewing = 'ahead';
    return true;
  }

  /**
   * A request was answered 403. 'renew': ask the catalog; 'wait': a renewal is under way;
   * 'give-up': renewals did not help; 'ignore': not a signed stream (not an access matter).
   */
  refused(requestUrl: string): 'renew' | 'wait' | 'give-up' | 'ignore' {
    const token = tokenOf(requestUrl);
    if (!this.token || !token) return 'ignore';
    if (this.renewing) return 'wait';
    if (this.refusedRenewals >= this.tuning.maxRefusedRenewals) return 'give-up';
    this.refusedRenewals++;
    this.refusedToken = token;
    this.renewing = 'refused';
    return 'renew';
  }

  /** The catalog answered (`url`: its playback URL now; null: no answer, or nothing to play). */
  renewed(url: string | null, nowMs: number): RenewalOutcome {
    const reason = this.renewing;
    this.renewing = null;
    const token = url === null ? null : tokenOf(url);
    const current = this.token;
    if (reason === 'refused') {
      if (url === null) return 'give-up';
      const refused = this.refusedToken;
      // The very token refused, or an older one (a stored copy): no way through. The same expiry
      // under another key (a rotation) is worth one reload.
      if (token && refused && (sameToken(token, refused) || (token.pfx === refused.pfx && token.exp < refused.exp)))
        return 'give-up';
      this.adopt(url, token, nowMs);
      return 'reload';
    }
    // No answer (the catalog slow or unreachable for a moment): what plays is good until it
    // expires; asked again a few seconds later, as long as there is time (bounded by the expiry,
    // not by a count: a single lost request must not cost the viewer a 403 and a reload).
    if (url === null) {
      this.retrySoon(nowMs);
      return 'keep';
    }
    // The stream moved or is open now, or no later token (a stored copy of the catalog's
    // answer): what plays is good until it expires; one more try halfway there.
    if (
      !current ||
      !token ||
      withoutToken(url) !== withoutToken(this.url) ||
      token.exp <= current.exp ||
      token.pfx !== current.pfx
    ) {
      this.tryAgainAhead(nowMs);
      return 'keep';
    }
    this.superseded.push(current);
    this.adopt(url, token, nowMs);
    return 'swap';
  }

  /** A second renewal ahead, halfway to the expiry, if there is time for it; then a 403 will tell. */
  private tryAgainAhead(nowMs: number): void {
    const left = this.token ? this.token.exp * 1000 - nowMs : 0;
    if (this.aheadTries < 2 && left > 2 * this.tuning.minDelayMs) this.renewAtMs = Math.ceil(nowMs + left / 2);
  }

  /** Another renewal ahead after no answer, `retryMs` from now if it lands before the expiry. */
  private retrySoon(nowMs: number): void {
    const left = this.token ? this.token.exp * 1000 - nowMs : 0;
    const { retryMs, minDelayMs } = this.tuning;
    if (left > retryMs + minDelayMs) this.renewAtMs = nowMs + retryMs;
    else this.tryAgainAhead(nowMs);
  }

  private adopt(url: string, token: UrlToken | null, nowMs: number): void {
    this.url = url;
    this.token = token;
    this.plan(nowMs);
  }

  /** Media was buffered again: whatever the last renewal brought works. */
  mediaFlowing(): void {
    this.refusedRenewals = 0;
    this.refusedToken = null;
  }

  /**
   * A request URL with the current token in place of a superseded one (hls.js still holds the
   * old URLs of what it loaded: renditions, listed segments). Tokens the edge signed for another
   * prefix (a replay's segments under the live's) are left: their playlist brings new ones.
   */
  rewrite(requestUrl: string): string {
    const current = this.token;
    if (!current || this.superseded.length === 0) return requestUrl;
    const token = tokenOf(requestUrl);
    if (!token || !this.superseded.some((old) => sameToken(old, token))) return requestUrl;
    return replaceToken(requestUrl, current);
  }
}
