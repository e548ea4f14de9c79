// Carries a viewer's token from a playlist to what it lists. hls.js (and ffmpeg, and Safari)
// resolve a playlist's URIs against the playlist's URL and drop its query, so without this only
// the master playlist would carry the token. The edge stores the playlist as the origin wrote it
// (one copy for everyone) and writes the token onto its URIs on the way out, for each viewer:
// media playlists, parts, segments, init sections, keys, preload hints, rendition reports, and the
// sprite sheets of a WebVTT thumbnail track. Only URIs on this host get a token: the viewer's under
// its prefix, a delegated one (gate.ts) under another restricted prefix, none on open paths; a
// token never leaks to another host.
import { splitToken, withToken } from '../../../../shared/signing/url-signing.ts';
import { attributeList } from '../hls/playlist.ts';

export type Carrier = 'playlist' | 'thumbnails';

const PLAYLIST_TYPES = /^(?:application\/(?:vnd\.apple\.|x-)mpegurl|audio\/(?:x-)?mpegurl)\b/i;

/** What kind of text this response is, if its URIs are to carry the token. */
export function carrierOf(contentType: string | null, path: string): Carrier | undefined {
  const type = contentType ?? '';
  if (PLAYLIST_TYPES.test(type) || (!type && path.endsWith('.m3u8'))) return 'playlist';
  if (/^text\/vtt\b/i.test(type) || path.endsWith('.vtt')) return 'thumbnails';
  return undefined;
}

/** Whether a path may be a playlist or a thumbnail track, before its answer says so. */
export function mayCarry(path: string): boolean {
  return path.endsWith('.m3u8') || path.endsWith('.vtt');
}

/** Names of the attributes holding a URI in playlist tags (URI, X-ASSET-URI, X-ASSET-LIST…). */
const URI_NAME = /^(?:(?:[A-Z0-9-]+-)?URI|X-ASSET-LIST)$/;
/** A thumbnail cue's payload: `sprite-0.jpg#xywh=0,0,160,90`. */
const TILE_LINE = /^(\S+?)(#xywh=.*\r?)$/;

/**
 * `text` with a token on each URI of this host for which `tokenFor(pathname)` gives one (undefined:
 * the URI is left as written). A URI that already carries a token keeps it.
 */
export function textWithToken(
  carrier: Carrier,
  text: string,
  base: URL,
  tokenFor: (path: string) => string | undefined,
): string {
  const carry = (uri: string): string => {
    const path = sameHostPath(uri, base);
    const token = path === undefined ? undefined : tokenFor(path);
    return token === undefined ? uri : withToken(uri, token);
  };
  return text
    .split('\n')
    .map((line) => {
      if (carrier === 'thumbnails') {
        const tile = TILE_LINE.exec(line);
        return tile ? `${carry(tile[1] ?? '')}${tile[2] ?? ''}` : line;
      }
      const trimmed = line.trim();
      if (trimmed === '') return line;
      if (trimmed.startsWith('#')) return trimmed.startsWith('#EXT') ? tagWithToken(line, carry) : line;
      // Spliced, not String.replace: a URI may hold `$&` or `$'`, which replace() would expand.
      const at = line.indexOf(trimmed);
      return line.slice(0, at) + carry(trimmed) + line.slice(at + trimmed.length);
    })
    .join('\n');
}

/**
 * A tag line with its URI attributes carried. The attribute list is read value by value
 * (hls/playlist.ts): a quoted value such as `NAME="a,URI="` is not an attribute of its own.
 */
function tagWithToken(line: string, carry: (uri: string) => string): string {
  const colon = line.indexOf(':');
  if (colon < 0) return line;
  const offset = colon + 1;
  const uris = attributeList(line.slice(offset)).filter((a) => a.quoted && URI_NAME.test(a.name));
  let out = line;
  // From the last to the first, so that the offsets before each stay right.
  for (const a of uris.reverse()) {
    const at = offset + a.start;
    out = out.slice(0, at) + carry(a.value) + out.slice(at + a.value.length);
  }
  return out;
}

/** The path `uri` resolves to on `base`'s host, if it does and carries no token yet. */
function sameHostPath(uri: string, base: URL): string | undefined {
  let target: URL;
  try {
    target = new URL(uri, base);
  } catch {
    return undefined;
  }
  return target.origin === base.origin && splitToken(target.search).token === '' ? target.pathname : undefined;
}
