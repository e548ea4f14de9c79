// The request path behind access control: the gate decides first (a refusal is a 403 that costs
// the upstream nothing), the proxy sees the request without its token (so the cache key, the
// upstream request and the access log never hold one), and a granted playlist or thumbnail track
// leaves with the viewer's token written onto its URIs (carry-token.ts).
import { handleProxy } from '../proxy/handler.ts';
import { refused } from '../proxy/refused.ts';
import { PEER_HEADER } from '../upstream/upstream-client.ts';
import { carrierOf, mayCarry, textWithToken, type Carrier } from './carry-token.ts';
import type { RefusalReason } from '../../../../shared/signing/url-signing.ts';
import type { EdgeContext } from '../context.ts';
import type { AccessDecision, AccessGate } from './gate.ts';

const REFUSALS: Record<RefusalReason, string> = {
  missing: 'jeton absent / token missing',
  malformed: 'jeton illisible / token malformed',
  expired: 'jeton expiré / token expired',
  'wrong-prefix': 'jeton pour un autre chemin / token not valid for this path',
  'unknown-key': 'clé inconnue / unknown key id',
  'bad-signature': 'signature invalide / bad signature',
};

const encoder = new TextEncoder();

/**
 * The last rewrite of each (path, token): the origin mints one token per prefix and 10-minute step,
 * so thousands of viewers present the same one, and a live playlist changes once per segment. A
 * viewer asking for the same stored text with the same token gets the bytes already made.
 */
type RewriteMemo = Map<string, { source: string; bytes: Uint8Array<ArrayBuffer> }>;
const MAX_REWRITES = 4096;
const memos = new WeakMap<AccessGate, RewriteMemo>();

function memoOf(gate: AccessGate): RewriteMemo {
  let memo = memos.get(gate);
  if (!memo) memos.set(gate, (memo = new Map()));
  return memo;
}

async function rewritten(
  gate: AccessGate,
  memo: RewriteMemo,
  carrier: Carrier,
  source: string,
  url: URL,
  decision: Extract<AccessDecision, { kind: 'granted' }>,
): Promise<Uint8Array<ArrayBuffer>> {
  // The text depends on the path (URIs resolve against it) and the token, not on the query (CMCD, _HLS_*).
  const key = `${url.pathname}\n${decision.token}`;
  const known = memo.get(key);
  if (known && known.source === source) return known.bytes;
  const { prefix, expires } = decision.grant;
  // First the other restricted prefixes it lists, whose tokens are minted (async), then the text.
  const others = new Map<string, string>();
  textWithToken(carrier, source, url, (path) => {
    const restricted = path.startsWith(prefix) ? undefined : gate.restrictedPrefixOf(path);
    if (restricted !== undefined) others.set(restricted, '');
    return undefined;
  });
  for (const other of others.keys()) others.set(other, await gate.delegated(other, expires));
  const text = textWithToken(carrier, source, url, (path) => {
    if (path.startsWith(prefix)) return decision.token;
    const restricted = gate.restrictedPrefixOf(path);
    return restricted === undefined ? undefined : others.get(restricted);
  });
  const bytes = encoder.encode(text);
  if (memo.size >= MAX_REWRITES) memo.clear();
  memo.set(key, { source, bytes });
  return bytes;
}

export async function guardedProxy(
  ctx: EdgeContext,
  gate: AccessGate | undefined,
  req: Request,
  client?: string,
): Promise<Response> {
  // Another worker of this edge streaming a fill: the viewer's request was checked where it arrived.
  if (!gate || req.headers.get(PEER_HEADER) === ctx.peerSecret) return handleProxy(ctx, req, client);
  const url = new URL(req.url);
  const decision = await gate.decide(url, ctx.now());
  if (decision.kind === 'refused') return refuse(ctx, req, client, decision.reason);
  // A playlist is rewritten whole, so it is answered whole: a Range on it is ignored (RFC 9110
  // §14.2 allows it; ffmpeg asks every playlist with `Range: bytes=0-`).
  const whole = decision.kind === 'granted' && mayCarry(url.pathname) && req.headers.has('range');
  const inner = decision.search === url.search && !whole ? req : rebuilt(req, url, decision.search, whole);
  const response = await handleProxy(ctx, inner, client);
  return decision.kind === 'granted' ? carried(gate, response, url, decision) : response;
}

/** 403, `Cache-Control: no-store`, counted and logged like any answer, token left out. */
function refuse(ctx: EdgeContext, req: Request, client: string | undefined, reason: RefusalReason): Response {
  return refused(ctx, req, client, 403, `Accès refusé / Forbidden: ${REFUSALS[reason]}`);
}

function rebuilt(req: Request, url: URL, search: string, withoutRange: boolean): Request {
  const target = new URL(url);
  target.search = search;
  let headers = req.headers;
  if (withoutRange) {
    headers = new Headers(headers);
    headers.delete('range');
    headers.delete('if-range');
  }
  // No signal: the proxy never reads it, and following one tripled what this rebuilt request cost
  // (measured: ~290 against ~90 µs per playlist hit).
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers };
  if (req.body) {
    init.body = req.body;
    init.duplex = 'half';
  }
  return new Request(target.href, init);
}

async function carried(
  gate: AccessGate,
  response: Response,
  url: URL,
  decision: Extract<AccessDecision, { kind: 'granted' }>,
): Promise<Response> {
  const carrier = carrierOf(response.headers.get('content-type'), url.pathname);
  if (!carrier || response.status !== 200) return response;
  const headers = new Headers(response.headers);
  if (!response.body) {
    // HEAD: the stored length is the origin's text, not the one this viewer would get.
    headers.delete('content-length');
    return new Response(null, { status: response.status, headers });
  }
  const bytes = await rewritten(gate, memoOf(gate), carrier, await response.text(), url, decision);
  headers.set('content-length', String(bytes.byteLength));
  return new Response(bytes, { status: response.status, headers });
}
