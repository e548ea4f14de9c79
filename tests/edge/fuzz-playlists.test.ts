// Property-based fuzzing (fast-check) of what the edge reads and rewrites in playlists (#14):
// the line scanner (hls/playlist.ts) and the token carrier (access/carry-token.ts).
//  1. any text: neither throws, and their results keep their own invariants;
//  2. generated valid media and multivariant playlists (segments, parts, preload hints, rendition
//     reports, date ranges, init sections, skips; LF/CRLF, BOM, odd whitespace, queries, relative
//     and absolute URIs): the scanner agrees with hls-parser (strict mode), and the carrier changes
//     exactly the URIs on this host (the test's generator renders the expected text itself),
//     hls-parser reads the carried URIs back, and carrying twice is carrying once.
// numRuns are sized to keep the file to a few seconds on the CI box.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parse, setOptions } from 'hls-parser';
import type { MasterPlaylist, MediaPlaylist } from 'hls-parser/types';
import { textWithToken } from '../../edge-origin/src/edge/access/carry-token.ts';
import { containsPart, scanPlaylist } from '../../edge-origin/src/edge/hls/playlist.ts';
import { splitToken, withToken } from '../../shared/signing/url-signing.ts';

const BASE = new URL('http://edge.test/hls/live/sport/v360/index.m3u8');
const TOKEN = 'exp=2000000000&pfx=%2Fhls%2F&kid=k1&sig=AbC_-9';
/** The guard's rule in small: a token for paths under /hls/, none elsewhere. */
const tokenFor = (path: string) => (path.startsWith('/hls/') ? TOKEN : undefined);

/** What carry-token.ts is documented to do to one URI (independent oracle). */
function expectedCarry(uri: string): string {
  let target: URL;
  try {
    target = new URL(uri, BASE);
  } catch {
    return uri;
  }
  if (target.origin !== BASE.origin || splitToken(target.search).token !== '') return uri;
  const token = tokenFor(target.pathname);
  return token === undefined ? uri : withToken(uri, token);
}

/** Bytes → text as the edge reads a stored body (TextDecoder: a UTF-8 BOM goes). */
const asEdgeReads = (text: string) => new TextDecoder().decode(new TextEncoder().encode(text));

// ---------------------------------------------------------------------------------------------
// Generators

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
/**
 * Characters a URI may hold in a playlist ($ and & included: they are special to String.replace).
 * No `'`: hls-parser 0.16 takes it for a quote when it splits an attribute list (the scanner is right).
 */
const uriChar = fc.constantFrom(...'abcxyz019-_.~$&!()*+;@%'.split(''));
const word = fc.string({ unit: uriChar, minLength: 1, maxLength: 6 });
const queryPart = fc
  .tuple(pick('a', 'q', 'CMCD', '_HLS_msn', 'x$&', 'v'), fc.option(word, { nil: undefined }))
  .map(([name, value]) => (value === undefined ? name : `${name}=${value}`));
const query = fc.option(
  fc.array(queryPart, { minLength: 1, maxLength: 3 }).map((parts) => `?${parts.join('&')}`),
  { nil: '' },
);
const fileName = (ext: string) => word.map((w) => `${w.replace(/^[.]+/, 'f')}.${ext}`);
/** A URI relative to the playlist, to its host's root, absolute on this host, or on another host. */
const uriOf = (ext: string, relativeOnly = false) =>
  fc
    .tuple(
      relativeOnly
        ? pick('', '../v540/', 'sub/')
        : pick(
            '',
            '../v540/',
            'sub/',
            '/hls/live/sport/v360/',
            '/vod/',
            'http://edge.test/hls/x/',
            'https://cdn.example/hls/',
            '//edge.test/hls/',
          ),
      fileName(ext),
      query,
    )
    .map(([dir, name, q]) => `${dir}${name}${q}`);
/** A quoted-string value (no `"`, no line break), sometimes looking like an attribute list. */
const quotedValue = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abc ,=:-URI'.split('')), maxLength: 12 }),
  pick(',URI=', 'a,URI=', ':URI=', 'x,X-ASSET-URI=', ',TYPE=PART,', 'b,URI=,c'),
);
const eol = pick('\n', '\r\n');
/** Odd but legal surroundings of a line: both the scanner and hls-parser trim. */
const pad = pick('', ' ', '\t', '  ');

/** A line whose URI (if any) goes through `carry`: the generator renders the expected output itself. */
type Line = (carry: (uri: string) => string) => string;
const plain =
  (text: string): Line =>
  () =>
    text;

interface GeneratedMedia {
  lines: Line[];
  ending: string[];
  bom: boolean;
  blankLines: number[];
  lead: string[];
  trail: string[];
  /** What the scanner should find. */
  expect: {
    segments: string[];
    gaps: string[];
    parts: string[];
    target: number;
    sequence: number;
    skip: number;
    ended: boolean;
    partsOfLast: number;
    partsOfNext: number;
  };
}

const segmentArb = fc.record({
  uri: uriOf('ts'),
  fraction: fc.integer({ min: 0, max: 999 }),
  pdt: fc.boolean(),
  discontinuity: fc.boolean(),
  gap: fc.boolean(),
  parts: fc.array(uriOf('mp4'), { maxLength: 3 }),
  title: pick('', 'live', 'no title'),
});

const mediaArb = fc
  .record({
    target: fc.integer({ min: 1, max: 10 }),
    sequence: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
    ll: fc.boolean(),
    skip: fc.integer({ min: 0, max: 20 }),
    useSkip: fc.boolean(),
    map: fc.option(uriOf('mp4'), { nil: undefined }),
    segments: fc.array(segmentArb, { minLength: 1, maxLength: 6 }),
    pending: fc.array(uriOf('mp4'), { maxLength: 3 }),
    hint: uriOf('mp4'),
    mapHint: fc.option(uriOf('mp4'), { nil: undefined }),
    reports: fc.array(uriOf('m3u8', true), { maxLength: 2 }),
    dateRanges: fc.array(
      fc.record({
        id: fc.stringMatching(/^[a-z0-9]{1,6}$/),
        note: quotedValue,
        asset: fc.option(uriOf('json'), { nil: undefined }),
      }),
      { maxLength: 2 },
    ),
    type: pick<undefined | 'EVENT' | 'VOD'>(undefined, 'EVENT', 'VOD'),
    endList: fc.boolean(),
    comment: pick(undefined, '# a comment', '#EXT-X-UNKNOWN', '#EXT-X-CUE-OUT:30'),
    unknownUri: fc.option(uriOf('json'), { nil: undefined }),
  })
  .chain((g) =>
    fc.record({
      g: fc.constant(g),
      ending: fc.array(eol, { minLength: 64, maxLength: 64 }),
      bom: fc.boolean(),
      blankLines: fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 3 }),
      lead: fc.array(pad, { minLength: 64, maxLength: 64 }),
      trail: fc.array(pad, { minLength: 64, maxLength: 64 }),
    }),
  )
  .map(({ g, ending, bom, blankLines, lead, trail }): GeneratedMedia => {
    const ended = g.endList || g.type === 'VOD';
    const lines: Line[] = [plain('#EXTM3U'), plain('#EXT-X-VERSION:9'), plain(`#EXT-X-TARGETDURATION:${g.target}`)];
    if (g.sequence !== undefined) lines.push(plain(`#EXT-X-MEDIA-SEQUENCE:${g.sequence}`));
    const partTarget = 0.5;
    // Parts within three target durations of the end (RFC 8216bis §4.4.4.9): hls-parser counts the
    // segment in progress (the hint's) as one of the three.
    const hinted = g.ll && !ended;
    const window = hinted ? 2 : 3;
    const segments = g.segments.map((s, i) => ({
      ...s,
      parts: g.ll && i >= g.segments.length - window ? s.parts : [],
    }));
    const pending = g.ll && !ended ? g.pending : [];
    const ll = g.ll;
    const skip = ll && g.useSkip ? g.skip : 0;
    if (ll) {
      lines.push(
        plain(`#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.5,CAN-SKIP-UNTIL=${6 * g.target}`),
        plain(`#EXT-X-PART-INF:PART-TARGET=${partTarget}`),
      );
    }
    if (g.type) lines.push(plain(`#EXT-X-PLAYLIST-TYPE:${g.type}`));
    if (g.map !== undefined) {
      const map = g.map;
      lines.push((c) => `#EXT-X-MAP:URI="${c(map)}"`);
    }
    for (const d of g.dateRanges) {
      const asset = d.asset;
      lines.push(
        (c) =>
          `#EXT-X-DATERANGE:ID="${d.id}",X-NOTE="${d.note}",START-DATE="2026-01-01T00:00:00.000Z"${asset === undefined ? '' : `,X-ASSET-URI="${c(asset)}"`},DURATION=2.0`,
      );
    }
    if (skip > 0) lines.push(plain(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skip}`));
    if (g.comment) lines.push(plain(g.comment));
    // A tag nobody knows still has its URI attributes carried (X-ASSET-URI, X-ASSET-LIST…).
    if (g.unknownUri !== undefined) {
      const unknown = g.unknownUri;
      lines.push((c) => `#EXT-X-COM-EXAMPLE:X-ASSET-LIST="${c(unknown)}",X-N=1`);
    }
    segments.forEach((s, i) => {
      if (s.discontinuity && i > 0) lines.push(plain('#EXT-X-DISCONTINUITY'));
      if (s.pdt || (i === 0 && g.dateRanges.length > 0))
        lines.push(plain(`#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:${String(2 * i).padStart(2, '0')}.000Z`));
      for (const p of s.parts) lines.push((c) => `#EXT-X-PART:DURATION=${partTarget},URI="${c(p)}",INDEPENDENT=YES`);
      if (s.gap) lines.push(plain('#EXT-X-GAP'));
      lines.push(plain(`#EXTINF:${(g.target - s.fraction / 1000).toFixed(3)},${s.title}`), (c) => c(s.uri));
    });
    for (const p of pending) lines.push((c) => `#EXT-X-PART:DURATION=${partTarget},URI="${c(p)}"`);
    if (hinted) lines.push((c) => `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${c(g.hint)}"`);
    if (hinted && g.mapHint !== undefined) {
      const mapHint = g.mapHint;
      lines.push((c) => `#EXT-X-PRELOAD-HINT:TYPE=MAP,URI="${c(mapHint)}"`);
    }
    if (ll)
      for (const r of g.reports)
        lines.push((c) => `#EXT-X-RENDITION-REPORT:URI="${c(r)}",LAST-MSN=${(g.sequence ?? 0) + 3},LAST-PART=1`);
    if (ended) lines.push(plain('#EXT-X-ENDLIST'));
    const last = segments.at(-1);
    return {
      lines,
      ending,
      bom,
      blankLines,
      lead,
      trail,
      expect: {
        segments: segments.map((s) => s.uri),
        gaps: segments.filter((s) => s.gap).map((s) => s.uri),
        parts: [...segments.flatMap((s) => s.parts), ...pending, ...(hinted ? [g.hint] : [])],
        target: g.target,
        sequence: g.sequence ?? 0,
        skip,
        ended,
        partsOfLast: last?.parts.length ?? 0,
        partsOfNext: pending.length,
      },
    };
  });

/** The playlist's text with `carry` applied to its URIs: line endings, padding, blank lines, BOM. */
function render(
  m: { lines: Line[]; ending: string[]; bom: boolean; blankLines: number[]; lead: string[]; trail: string[] },
  carry: (uri: string) => string,
): string {
  let text = m.bom ? '\uFEFF' : '';
  m.lines.forEach((line, i) => {
    // The first line stays `#EXTM3U` exactly (both readers require it first).
    const lead = i === 0 ? '' : (m.lead[i % 64] ?? '');
    const trail = i === 0 ? '' : (m.trail[i % 64] ?? '');
    text += `${lead}${line(carry)}${trail}${m.ending[i % 64] ?? '\n'}`;
    if (m.blankLines.includes(i)) text += `${trail}${m.ending[(i + 1) % 64] ?? '\n'}`;
  });
  return text;
}

const masterArb = fc
  .record({
    renditions: fc.array(fc.record({ name: quotedValue, uri: uriOf('m3u8') }), { maxLength: 3 }),
    variants: fc.array(fc.record({ bandwidth: fc.integer({ min: 1, max: 9_000_000 }), uri: uriOf('m3u8') }), {
      minLength: 1,
      maxLength: 3,
    }),
    ending: fc.array(eol, { minLength: 64, maxLength: 64 }),
    bom: fc.boolean(),
    blankLines: fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 2 }),
    lead: fc.array(pad, { minLength: 64, maxLength: 64 }),
    trail: fc.array(pad, { minLength: 64, maxLength: 64 }),
  })
  .map((g) => {
    const lines: Line[] = [plain('#EXTM3U'), plain('#EXT-X-VERSION:6'), plain('#EXT-X-INDEPENDENT-SEGMENTS')];
    g.renditions.forEach((r, i) => {
      lines.push(
        (c) =>
          `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="${r.name}${i}",LANGUAGE="fr",DEFAULT=${i === 0 ? 'YES' : 'NO'},AUTOSELECT=YES,URI="${c(r.uri)}"`,
      );
    });
    for (const v of g.variants) {
      lines.push(
        plain(
          `#EXT-X-STREAM-INF:BANDWIDTH=${v.bandwidth},CODECS="avc1.64001f,mp4a.40.2"${g.renditions.length ? ',AUDIO="aud"' : ''}`,
        ),
      );
      lines.push((c) => c(v.uri));
    }
    return { ...g, lines };
  });

/** Text shaped like a playlist but broken anywhere: tag prefixes, stray quotes and commas, junk. */
const junkLine = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc
    .tuple(
      pick(
        '#EXTM3U',
        '#EXTINF:',
        '#EXT-X-PART:',
        '#EXT-X-PRELOAD-HINT:',
        '#EXT-X-SKIP:',
        '#EXT-X-MEDIA-SEQUENCE:',
        '#EXT-X-TARGETDURATION:',
        '#EXT-X-MEDIA:',
        '#EXT-X-ENDLIST',
        '#',
        '',
      ),
      fc.string({ unit: fc.constantFrom(...'URITYPE=",:-PART0129 \t\r$&?#xywh.%/\\'.split('')), maxLength: 30 }),
    )
    .map(([a, b]) => a + b),
);
const junkText = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => new TextDecoder().decode(bytes)),
  fc.array(junkLine, { maxLength: 25 }).map((lines) => `#EXTM3U\n${lines.join('\n')}`),
  fc.array(junkLine, { maxLength: 25 }).map((lines) => lines.join('\r\n')),
);

// ---------------------------------------------------------------------------------------------

describe('any text', () => {
  test('the scanner never throws; null exactly when the text does not start with #EXTM3U; its facts hold together', () => {
    fc.assert(
      fc.property(
        junkText,
        fc.integer({ min: -2, max: 50 }),
        fc.option(fc.integer({ min: -2, max: 10 }), { nil: undefined }),
        (text, msn, part) => {
          const facts = scanPlaylist(text);
          expect(facts === null).toBe(!text.startsWith('#EXTM3U'));
          if (!facts) return;
          expect(Number.isSafeInteger(facts.nextMsn) && facts.nextMsn >= facts.segments.length).toBe(true);
          expect(facts.partsOfNext >= 0 && facts.partsOfLast >= 0).toBe(true);
          expect(facts.targetDuration === undefined || facts.targetDuration > 0).toBe(true);
          for (const uri of [...facts.segments, ...facts.parts]) expect(uri).not.toMatch(/^\s|\s$|\n/);
          expect(typeof containsPart(facts, msn, part)).toBe('boolean');
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('the carrier never throws, keeps every line break, touches no line without a URI, and carrying twice is carrying once', () => {
    fc.assert(
      fc.property(junkText, pick<'playlist' | 'thumbnails'>('playlist', 'thumbnails'), (text, carrier) => {
        const once = textWithToken(carrier, text, BASE, tokenFor);
        expect(once.split('\n').length).toBe(text.split('\n').length);
        const before = text.split('\n');
        once.split('\n').forEach((line, i) => {
          const was = before[i] ?? '';
          // A line is either left alone or only grows (a token added somewhere in it).
          if (line !== was) expect(line.length).toBeGreaterThan(was.length);
        });
        expect(textWithToken(carrier, once, BASE, tokenFor)).toBe(once);
      }),
      { numRuns: 800 },
    );
  });

  test('large pathological inputs are read in linear time (no regex blow-up)', () => {
    const n = 200_000;
    const inputs = [
      `#EXTM3U\n#EXT-X-PART:${'A-'.repeat(n)}`,
      `#EXTM3U\n#EXT-X-MEDIA:${',A-A-A-URI'.repeat(n / 10)}="x`,
      `#EXTM3U\n#EXT-X-PRELOAD-HINT:${'URI="'.repeat(n / 5)}`,
      `#EXTM3U\n${'#EXTINF:1,\n'.repeat(n / 10)}`,
      `${'a'.repeat(n)}#xywh`,
      `#EXTM3U\n#EXT-X-DATERANGE:${'X-A="'.repeat(n / 5)}`,
    ];
    for (const text of inputs) {
      const started = performance.now();
      scanPlaylist(text);
      textWithToken('playlist', text, BASE, tokenFor);
      textWithToken('thumbnails', text, BASE, tokenFor);
      expect(performance.now() - started).toBeLessThan(1500);
    }
  });
});

describe('generated media playlists', () => {
  test('the scanner agrees with hls-parser (strict) and with the generator', () => {
    setOptions({ strictMode: true });
    try {
      fc.assert(
        fc.property(mediaArb, (m) => {
          const text = render(m, (u) => u);
          const facts = scanPlaylist(asEdgeReads(text));
          const ref = parse(text) as MediaPlaylist;
          expect(ref.isMasterPlaylist).toBe(false);
          expect(facts).not.toBeNull();
          if (!facts) return;
          // hls-parser lists the parts after the last segment as a segment with no URI yet.
          const complete = ref.segments.filter((s) => s.uri !== '');
          const pending = ref.segments.find((s) => s.uri === '');
          expect(facts.media).toBe(true);
          expect(facts.targetDuration).toBe(ref.targetDuration);
          expect(facts.ended).toBe(ref.endlist || ref.playlistType === 'VOD');
          expect(facts.segments).toEqual(complete.map((s) => s.uri));
          expect(facts.gaps).toEqual(complete.filter((s) => s.gap).map((s) => s.uri));
          expect(facts.parts).toEqual(ref.segments.flatMap((s) => s.parts.map((p) => p.uri)));
          expect(facts.nextMsn).toBe((ref.mediaSequenceBase ?? 0) + ref.skip + complete.length);
          if (pending) expect(pending.mediaSequenceNumber).toBe(facts.nextMsn);
          expect(facts.partsOfNext).toBe(pending ? pending.parts.filter((p) => !p.hint).length : 0);
          expect(facts.partsOfLast).toBe(complete.at(-1)?.parts.length ?? 0);
          // And with what was generated.
          const e = m.expect;
          expect(facts.segments).toEqual(e.segments);
          expect(facts.gaps).toEqual(e.gaps);
          expect(facts.parts).toEqual(e.parts);
          expect(facts.nextMsn).toBe(e.sequence + e.skip + e.segments.length);
          expect([facts.ended, facts.targetDuration, facts.partsOfLast, facts.partsOfNext]).toEqual([
            e.ended,
            e.target,
            e.partsOfLast,
            e.partsOfNext,
          ]);
        }),
        { numRuns: 250 },
      );
    } finally {
      setOptions({ strictMode: false });
    }
  });

  test('the carrier changes exactly the URIs on this host, hls-parser reads them back, and twice is once', () => {
    setOptions({ strictMode: true });
    try {
      fc.assert(
        fc.property(mediaArb, (m) => {
          const text = render(m, (u) => u);
          const carried = textWithToken('playlist', text, BASE, tokenFor);
          expect(carried).toBe(render(m, expectedCarry));
          expect(textWithToken('playlist', carried, BASE, tokenFor)).toBe(carried);
          const ref = parse(carried) as MediaPlaylist;
          expect(ref.segments.filter((s) => s.uri !== '').map((s) => s.uri)).toEqual(
            m.expect.segments.map(expectedCarry),
          );
          expect(ref.segments.flatMap((s) => s.parts.map((p) => p.uri))).toEqual(m.expect.parts.map(expectedCarry));
          // The scanner reads the carried playlist as the same playlist, URIs carried.
          const facts = scanPlaylist(asEdgeReads(carried));
          expect(facts?.nextMsn).toBe(scanPlaylist(asEdgeReads(text))?.nextMsn);
        }),
        { numRuns: 250 },
      );
    } finally {
      setOptions({ strictMode: false });
    }
  });
});

describe('generated multivariant playlists', () => {
  test('the scanner sees no media; the carrier changes exactly the URIs on this host; hls-parser reads them back', () => {
    setOptions({ strictMode: true });
    try {
      fc.assert(
        fc.property(masterArb, (m) => {
          const text = render(m, (u) => u);
          const facts = scanPlaylist(asEdgeReads(text));
          expect(facts).toMatchObject({ media: false, ended: false, segments: [], parts: [], nextMsn: 0 });
          const carried = textWithToken('playlist', text, BASE, tokenFor);
          expect(carried).toBe(render(m, expectedCarry));
          expect(textWithToken('playlist', carried, BASE, tokenFor)).toBe(carried);
          const ref = parse(carried) as MasterPlaylist;
          expect(ref.isMasterPlaylist).toBe(true);
          expect(ref.variants.map((v) => v.uri)).toEqual(m.variants.map((v) => expectedCarry(v.uri)));
          expect(ref.variants.flatMap((v) => v.audio.map((r) => r.uri))).toEqual(
            m.variants.flatMap(() => m.renditions.map((r) => expectedCarry(r.uri))),
          );
        }),
        { numRuns: 200 },
      );
    } finally {
      setOptions({ strictMode: false });
    }
  });
});

describe('thumbnail tracks', () => {
  test('each cue payload carries the token before its #xywh fragment; timing lines untouched', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(uriOf('jpg'), fc.nat(1000), eol), { minLength: 1, maxLength: 6 }), (cues) => {
        const make = (c: (u: string) => string) =>
          `WEBVTT${cues[0]?.[2]}${cues.map(([uri, x, e]) => `${e}00:00:0${x % 10}.000 --> 00:00:0${(x % 10) + 1}.000${e}${c(uri)}#xywh=${x},0,160,90${e}`).join('')}`;
        const carried = textWithToken(
          'thumbnails',
          make((u) => u),
          BASE,
          tokenFor,
        );
        expect(carried).toBe(make(expectedCarry));
        expect(textWithToken('thumbnails', carried, BASE, tokenFor)).toBe(carried);
      }),
      { numRuns: 200 },
    );
  });
});

describe('regressions the properties found', () => {
  test("a URI holding `$&` or `$'` is carried as written (String.replace expanded them)", () => {
    const text = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8?x$&\n  b$'.m3u8\n";
    expect(textWithToken('playlist', text, BASE, tokenFor)).toBe(
      `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8?x$&${TOKEN}\n  b$'.m3u8?${TOKEN}\n`,
    );
  });

  test('a quoted value holding `,URI=` is no URI attribute: the real one is carried, the value left alone', () => {
    const tag = '#EXT-X-DATERANGE:ID="a",X-NOTE=",URI=",START-DATE="2026-01-01T00:00:00.000Z",X-ASSET-URI="ad.json"';
    expect(textWithToken('playlist', `#EXTM3U\n${tag}\n`, BASE, tokenFor)).toBe(
      `#EXTM3U\n${tag.replace('ad.json', `ad.json?${TOKEN}`)}\n`,
    );
    const facts = scanPlaylist('#EXTM3U\n#EXT-X-PRELOAD-HINT:X-NOTE="a,URI=",TYPE=PART,URI="p.mp4"\n');
    expect(facts?.parts).toEqual(['p.mp4']);
  });
});
