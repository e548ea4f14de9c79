// Which viewer a request comes from, and which live channel it watches.
//
// The TV player sends CMCD with a session id (`sid`), as a `CMCD=` query parameter or in the
// `CMCD-Session` header: one id per playback session, whatever rendition or edge it uses.
// Clients without CMCD (ffmpeg, other players) are told apart by client address + user-agent,
// hashed so no address is stored.
import { cmcdSessionId } from '../../../../shared/cmcd/cmcd.ts';

const LIVE_PLAYLIST = /^\/hls\/live\/([a-z0-9-]+)\/(?:[a-z0-9-]+\/index|master)\.m3u8$/;

/** The channel of a live playlist request (`/hls/live/<channel>/.../index.m3u8`), else null. */
export function liveChannelOf(pathname: string): string | null {
  return LIVE_PLAYLIST.exec(pathname)?.[1] ?? null;
}

/** The `sid` of a CMCD payload (read value by value, escapes undone: shared/cmcd/cmcd.ts). */
export { cmcdSessionId };

/** What identifying a viewer reads from a request (a web Request, or the Node fast path's view). */
export interface ViewerRequest {
  url: string;
  headers: { get(name: string): string | null };
}

/** `sid:<sid>` or `ua:<hash of address and user-agent>`. */
export async function viewerKey(req: ViewerRequest, url: URL, clientAddress: string | undefined): Promise<string> {
  const sid = cmcdSessionId(url.searchParams.get('CMCD')) ?? cmcdSessionId(req.headers.get('cmcd-session'));
  if (sid && sid.length <= 128) return `sid:${sid}`;
  const raw = `${clientAddress ?? '?'}|${req.headers.get('user-agent') ?? ''}`;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(raw)));
  return `ua:${[...digest.slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
