// The few facts about an HLS playlist the edge needs, read with a line scan: the edge sees every
// live playlist refresh of every rendition, so this must be cheap and must never throw on odd input
// (a full parser such as hls-parser rejects playlists players accept). RFC 8216 §4.3.
export interface PlaylistFacts {
  /** A media playlist (has segments) rather than a multivariant one. */
  media: boolean;
  /** EXT-X-ENDLIST or PLAYLIST-TYPE:VOD: the playlist will not change any more. */
  ended: boolean;
  /** EXT-X-TARGETDURATION in seconds (media playlists). */
  targetDuration?: number;
  /** Segment URIs as written (relative or absolute), in order. */
  segments: string[];
}

export function scanPlaylist(text: string): PlaylistFacts | null {
  if (!text.startsWith('#EXTM3U')) return null;
  const facts: PlaylistFacts = { media: false, ended: false, segments: [] };
  let expectUri = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      if (line.startsWith('#EXT-X-TARGETDURATION:')) {
        const v = Number(line.slice(22));
        if (Number.isFinite(v) && v > 0) facts.targetDuration = v;
        facts.media = true;
      } else if (line === '#EXT-X-ENDLIST' || line === '#EXT-X-PLAYLIST-TYPE:VOD') {
        facts.ended = true;
      } else if (line.startsWith('#EXTINF:')) {
        expectUri = true;
        facts.media = true;
      }
      continue;
    }
    if (expectUri) facts.segments.push(line);
    expectUri = false;
  }
  return facts;
}
