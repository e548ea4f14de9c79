// The few facts about an HLS playlist the edge needs, read with a line scan: the edge sees every
// live playlist refresh of every rendition, so this must be cheap and must never throw on odd input
// (a full parser such as hls-parser rejects playlists players accept). RFC 8216 §4.3, and the
// LL-HLS tags of RFC 8216bis (EXT-X-PART, EXT-X-SKIP, EXT-X-PRELOAD-HINT).
export interface PlaylistFacts {
  /** A media playlist (has segments) rather than a multivariant one. */
  media: boolean;
  /** EXT-X-ENDLIST or PLAYLIST-TYPE:VOD: the playlist will not change any more. */
  ended: boolean;
  /** EXT-X-TARGETDURATION in seconds (media playlists). */
  targetDuration?: number;
  /** Segment URIs as written (relative or absolute), in order. */
  segments: string[];
  /** Those of them marked EXT-X-GAP: listed for their place, not media; never fetched ahead. */
  gaps: string[];
  /** Partial segment URIs (EXT-X-PART, and the EXT-X-PRELOAD-HINT of type PART), in order. */
  parts: string[];
  /**
   * Media sequence number of the first segment not complete yet: EXT-X-MEDIA-SEQUENCE plus the
   * segments skipped (EXT-X-SKIP) and listed. The parts after the last segment belong to it.
   */
  nextMsn: number;
  /** EXT-X-PART tags listed after the last complete segment (parts of segment nextMsn so far). */
  partsOfNext: number;
  /** EXT-X-PART tags listed for the last complete segment (0: none, e.g. trimmed or no LL-HLS). */
  partsOfLast: number;
}

const SKIPPED = /SKIPPED-SEGMENTS=(\d+)/;

/** One attribute of a tag's attribute list (RFC 8216 §4.2), and where its value sits in the list. */
export interface Attribute {
  name: string;
  /** The value as written, without its quotes when quoted. */
  value: string;
  quoted: boolean;
  /** Offset of the value in the list (after the opening quote when quoted). */
  start: number;
}

/**
 * A tag's attributes (the text after its `:`), read left to right so that a quoted-string value is
 * one value whatever it holds: `NAME="a,URI=",URI="x"` has one URI, `x` (a regex looking for
 * `,URI="` took `,URI=` inside NAME for it). Linear, never throws; stops at an unclosed quote.
 */
export function attributeList(list: string): Attribute[] {
  const out: Attribute[] = [];
  let i = 0;
  while (i < list.length) {
    const eq = list.indexOf('=', i);
    if (eq < 0) break;
    const written = list.slice(i, eq);
    const name = written.slice(written.lastIndexOf(',') + 1).trim();
    if (list[eq + 1] === '"') {
      const close = list.indexOf('"', eq + 2);
      if (close < 0) break;
      out.push({ name, value: list.slice(eq + 2, close), quoted: true, start: eq + 2 });
      const comma = list.indexOf(',', close + 1);
      i = comma < 0 ? list.length : comma + 1;
    } else {
      const comma = list.indexOf(',', eq + 1);
      const end = comma < 0 ? list.length : comma;
      out.push({ name, value: list.slice(eq + 1, end), quoted: false, start: eq + 1 });
      i = end + 1;
    }
  }
  return out;
}

/** The quoted URI attribute of an attribute list, if any. */
function uriOf(attributes: Attribute[]): string | undefined {
  return attributes.find((a) => a.name === 'URI' && a.quoted)?.value;
}

export function scanPlaylist(text: string): PlaylistFacts | null {
  if (!text.startsWith('#EXTM3U')) return null;
  const facts: PlaylistFacts = {
    media: false,
    ended: false,
    segments: [],
    gaps: [],
    parts: [],
    nextMsn: 0,
    partsOfNext: 0,
    partsOfLast: 0,
  };
  let sequence = 0;
  let skipped = 0;
  let expectUri = false;
  let gap = false;
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
      } else if (line === '#EXT-X-GAP') {
        gap = true;
      } else if (line.startsWith('#EXTINF:')) {
        expectUri = true;
        facts.media = true;
      } else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) {
        const v = Number(line.slice(22));
        if (Number.isInteger(v) && v >= 0) sequence = v;
      } else if (line.startsWith('#EXT-X-PART:')) {
        facts.partsOfNext++;
        const uri = uriOf(attributeList(line.slice(12)));
        if (uri !== undefined) facts.parts.push(uri);
      } else if (line.startsWith('#EXT-X-PRELOAD-HINT:')) {
        const attributes = attributeList(line.slice(20));
        const uri = uriOf(attributes);
        const part = attributes.some((a) => a.name === 'TYPE' && !a.quoted && a.value === 'PART');
        if (uri !== undefined && part) facts.parts.push(uri);
      } else if (line.startsWith('#EXT-X-SKIP:')) {
        const n = SKIPPED.exec(line);
        if (n) skipped = Number(n[1]);
      }
      continue;
    }
    if (expectUri) {
      facts.segments.push(line);
      if (gap) facts.gaps.push(line);
      facts.partsOfLast = facts.partsOfNext;
      facts.partsOfNext = 0;
    }
    expectUri = false;
    gap = false;
  }
  facts.nextMsn = sequence + skipped + facts.segments.length;
  return facts;
}

/**
 * Does this playlist answer a blocking reload for segment `msn` (and its part `part`)? RFC
 * 8216bis §6.2.5.2: the server answers once the playlist contains that segment, or that partial
 * segment, or a later one. A part index past the parts of a complete segment stands for the next
 * segment's first part. Unsure (parts of the last segment not listed): no.
 */
export function containsPart(facts: PlaylistFacts, msn: number, part: number | undefined): boolean {
  if (!facts.media) return false;
  if (part === undefined) return msn < facts.nextMsn;
  if (msn < facts.nextMsn - 1) return true;
  if (msn === facts.nextMsn - 1) return part < facts.partsOfLast || facts.partsOfNext > 0;
  return msn === facts.nextMsn && part < facts.partsOfNext;
}
