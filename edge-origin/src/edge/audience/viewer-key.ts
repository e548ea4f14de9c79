// Which viewer a request comes from, and which live channel it watches.
//
// The TV player sends CMCD with a session id (`sid`), as a `CMCD=` query parameter or in the
// `CMCD-Session` header: one id per playback session, whatever rendition or edge it uses.
// Clients without CMCD (ffmpeg, other players) are told apart by client address + user-agent,
// hashed so no address is stored.
import { LRUCache } from 'lru-cache';
import { cmcdSessionId } from '../../../../shared/cmcd/cmcd.ts';

const LIVE_PLAYLIST = /^\/hls\/live\/([a-z0-9-]+)\/(?:[a-z0-9-]+\/index|master)\.m3u8$/;

/** The channel of a live playlist request (`/hls/live/<channel>/.../index.m3u8`), else null. */
export function liveChannelOf(pathname: string): string | null {
  return LIVE_PLAYLIST.exec(pathname)?.[1] ?? null;
}

/**
 * Whether a request target (path and query as received) may be a live playlist's: false means
 * liveChannelOf would find no channel in its URL, so the fast paths need not parse it. A URL parse
 * changes no case and decodes no `%2E` outside a dot segment, so a pathname ending in `.m3u8` came
 * from a target holding it.
 */
export function mayBeLivePlaylist(target: string): boolean {
  return target.includes('.m3u8');
}

/** The `sid` of a CMCD payload (read value by value, escapes undone: shared/cmcd/cmcd.ts). */
export { cmcdSessionId };

/** What identifying a viewer reads from a request besides its URL (a web Request, or the Node fast
 * path's view). */
export interface ViewerRequest {
  headers: { get(name: string): string | null };
}

/**
 * Hashes already made, by address and user-agent. A viewer without CMCD reloads its playlist every
 * target duration: without this, each reload cost a SHA-256 through Web Crypto's thread pool, most
 * of a live playlist hit's CPU. Held in memory only (bounded, never written anywhere).
 */
const hashed = new LRUCache<string, string>({ max: 65_536 });
/** Digests under way, by the same key: a burst of one viewer's sightings shares one. */
const hashing = new Map<string, Promise<string>>();

const rawOf = (req: ViewerRequest, clientAddress: string | undefined) =>
  `${clientAddress ?? '?'}|${req.headers.get('user-agent') ?? ''}`;

function sessionOf(req: ViewerRequest, url: URL): string | undefined {
  const sid = cmcdSessionId(url.searchParams.get('CMCD')) ?? cmcdSessionId(req.headers.get('cmcd-session'));
  return sid && sid.length <= 128 ? `sid:${sid}` : undefined;
}

/** The viewer's key if it needs no hashing now (a CMCD session, or a hash made before), else undefined. */
export function knownViewerKey(req: ViewerRequest, url: URL, clientAddress: string | undefined): string | undefined {
  return sessionOf(req, url) ?? hashed.get(rawOf(req, clientAddress));
}

/** `sid:<sid>` or `ua:<hash of address and user-agent>`. */
export async function viewerKey(req: ViewerRequest, url: URL, clientAddress: string | undefined): Promise<string> {
  const session = sessionOf(req, url);
  if (session) return session;
  const raw = rawOf(req, clientAddress);
  const known = hashed.get(raw);
  if (known) return known;
  // One digest per viewer even when many sightings come at once (the native front door's records
  // arrive in batches: each used to start its own digest before the first was known).
  let pending = hashing.get(raw);
  if (!pending) {
    pending = digestKey(raw).finally(() => hashing.delete(raw));
    hashing.set(raw, pending);
  }
  return pending;
}

async function digestKey(raw: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(raw)));
  const key = `ua:${[...digest.slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  hashed.set(raw, key);
  return key;
}
