// Property-based fuzzing (fast-check) of CMCD at the edge (#14): the payload parser (CTA-5004, RFC
// 8941 values) and the session id the edge's audience and the origin's ads read from it, and the
// cache key, which drops CMCD whatever its place or encoding in the query and keeps every other
// parameter as written, in order (LL-HLS directives last, in their canonical order).
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { viewerKey } from '../../edge-origin/src/edge/audience/viewer-key.ts';
import { cmcdSessionId as edgeSessionId } from '../../edge-origin/src/edge/audience/viewer-key.ts';
import {
  deliveryDirectives,
  keyedSearch,
  primaryKey,
  stripUnkeyedParams,
} from '../../edge-origin/src/edge/cache/key.ts';
import { doorKey } from '../../edge-origin/src/edge/node/native-front.ts';
import { cmcdSessionId as originSessionId, viewerIdOf } from '../../edge-origin/src/origin/ads/viewer.ts';
import { type CmcdValue, parseCmcd } from '../../shared/cmcd/cmcd.ts';

// ---------------------------------------------------------------------------------------------
// CMCD payloads: a generator and a serializer after CTA-5004 §3 (keys in alphabetical order,
// strings quoted with `"` and `\` escaped, tokens bare, true as the key alone, false as `?0`).

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
/** Printable ASCII (RFC 8941 sf-string), biased towards what trips a naive reader. */
const cmcdString = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 16 }),
  fc.string({ unit: fc.constantFrom(...'a1"\\,= -'.split('')), maxLength: 12 }),
  pick(',sid=', 'a,sid="x"', 'sid=\\"', '\\', '"', ''),
);
const nat = fc.integer({ min: 0, max: 100_000_000 });
const decimal = fc.integer({ min: 0, max: 100_000 }).map((n) => n / 1000);
const token = (...values: string[]) => pick(...values).map((t): CmcdValue => ({ token: t }));
const FIELDS: Record<string, fc.Arbitrary<CmcdValue>> = {
  br: nat,
  bl: nat,
  bs: fc.boolean(),
  cid: cmcdString,
  d: nat,
  dl: nat,
  mtp: nat,
  nor: cmcdString,
  nrr: cmcdString,
  ot: token('m', 'a', 'v', 'av', 'i', 'c', 'tt', 'k', 'o'),
  pr: decimal,
  rtp: nat,
  sf: token('d', 'h', 's', 'o'),
  sid: cmcdString,
  st: token('v', 'l'),
  su: fc.boolean(),
  tb: nat,
  v: pick(1, 2),
  'com.example-note': cmcdString,
};
const cmcdObject = fc.record(FIELDS, { requiredKeys: [] }) as fc.Arbitrary<Record<string, CmcdValue>>;

function serializeValue(value: CmcdValue): string {
  if (typeof value === 'string') return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  if (typeof value === 'object') return value.token;
  return String(value);
}
function serializeCmcd(object: Record<string, CmcdValue>): string {
  return Object.keys(object)
    .sort()
    .flatMap((key) => {
      const value = object[key];
      if (value === undefined) return [];
      if (value === true) return [key];
      if (value === false) return [`${key}=?0`];
      return [`${key}=${serializeValue(value)}`];
    })
    .join(',');
}
const expectedSid = (object: Record<string, CmcdValue>) =>
  typeof object.sid === 'string' && object.sid !== '' ? object.sid : undefined;

describe('the CMCD parser', () => {
  test('parse(serialize(x)) = x, for any valid payload', () => {
    fc.assert(
      fc.property(cmcdObject, (object) => {
        expect(Object.fromEntries(parseCmcd(serializeCmcd(object)))).toEqual(object);
      }),
      { numRuns: 1000 },
    );
  });

  test('the session id the edge and the origin read is the payload’s sid, whatever the other strings hold', () => {
    fc.assert(
      fc.property(cmcdObject, (object) => {
        const payload = serializeCmcd(object);
        expect(edgeSessionId(payload)).toBe(expectedSid(object));
        expect(originSessionId(payload)).toBe(expectedSid(object));
      }),
      {
        numRuns: 1000,
        examples: [
          // A regex reading `sid="…"` anywhere after a comma took cid's value for the sid,
          // and returned an escaped sid as written (with its backslashes).
          [{ cid: 'a,sid=', sid: 'real' }],
          [{ sid: 'a"b\\c' }],
        ],
      },
    );
  });

  test('in the query (CMCD=) or the CMCD-Session header: the edge keys the viewer by that sid', async () => {
    await fc.assert(
      fc.asyncProperty(cmcdObject, fc.boolean(), async (object, inHeader) => {
        const payload = serializeCmcd(object);
        const url = new URL(
          inHeader ? 'http://edge.test/hls/a.ts' : `http://edge.test/hls/a.ts?CMCD=${encodeURIComponent(payload)}`,
        );
        const headers = new Headers(inHeader ? { 'cmcd-session': payload } : {});
        const key = await viewerKey({ headers }, url, '192.0.2.1');
        const sid = expectedSid(object);
        if (sid !== undefined && sid.length <= 128) expect(key).toBe(`sid:${sid}`);
        else expect(key).toMatch(/^ua:[0-9a-f]{24}$/);
        const id = viewerIdOf(new Request(url, { headers }));
        expect(id).toBe(sid !== undefined && /^[\w.:-]{1,128}$/.test(sid) ? sid : undefined);
      }),
      { numRuns: 300 },
    );
  });

  test('any text: the parser and the session-id readers never throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 100 }),
          fc.string({ unit: fc.constantFrom(...'sid=",\\?01 ab-.'.split('')), maxLength: 60 }),
        ),
        (text) => {
          const parsed = parseCmcd(text);
          for (const [key] of parsed) expect(key).not.toBe('');
          const sid = edgeSessionId(text);
          expect(sid === undefined || (typeof sid === 'string' && sid !== '')).toBe(true);
          expect(originSessionId(text)).toBe(sid);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The cache key.

/** `name` in one of the ways a client may write it in a query. */
const spelled = (name: string) =>
  pick(
    name,
    encodeURIComponent(name),
    [...name].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    [...name].map((c) => `%${c.charCodeAt(0).toString(16).toLowerCase().padStart(2, '0')}`).join(''),
  );
const value = fc.string({ unit: fc.constantFrom(...'aZ09-_.~%2C3D+!$*()'.split('')), maxLength: 8 });
/** A CMCD parameter: any spelling of its name, any payload, with or without `=`. */
const cmcdPart = fc
  .tuple(
    spelled('CMCD'),
    fc.option(
      cmcdObject.map((o) => encodeURIComponent(serializeCmcd(o))),
      { nil: undefined },
    ),
  )
  .map(([name, payload]) => (payload === undefined ? pick(name, `${name}=`) : fc.constant(`${name}=${payload}`)))
  .chain((a) => a);
/** Another parameter, kept: including names close to CMCD that are not it. */
const otherPart = fc
  .tuple(
    fc.oneof(
      pick('a', 'b', 'viewer', 'cmcd', 'CMCDX', 'XCMCD', 'CMC', 'CM%2BCD', 'CMCD%20', '%ZZ', 'exp', 'q+r'),
      fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.'.split('')), minLength: 1, maxLength: 5 }),
    ),
    fc.option(value, { nil: undefined }),
  )
  .map(([name, v]) => (v === undefined ? name : `${name}=${v}`));
/** An LL-HLS delivery directive: stays in the key, moved after the others in canonical order. */
const directivePart = fc
  .tuple(pick('_HLS_msn', '_HLS_part', '_HLS_skip', '_HLS_other'), fc.nat(99))
  .map(([name, n]) => `${name}=${name === '_HLS_skip' ? (n % 2 ? 'YES' : 'v2') : n}`);

type Part = { kind: 'cmcd' | 'other' | 'directive'; text: string };
const query = fc
  .array(
    fc.oneof(
      { arbitrary: otherPart.map((text): Part => ({ kind: 'other', text })), weight: 3 },
      { arbitrary: cmcdPart.map((text): Part => ({ kind: 'cmcd', text })), weight: 2 },
      { arbitrary: directivePart.map((text): Part => ({ kind: 'directive', text })), weight: 1 },
    ),
    { minLength: 1, maxLength: 8 },
  )
  .filter((parts) => parts.some((p) => p.kind !== 'other') || parts.length > 0);

const RANK = ['_HLS_msn', '_HLS_part', '_HLS_skip'];
const rank = (name: string) => (RANK.includes(name) ? RANK.indexOf(name) : RANK.length);
/** The documented key query, computed from the generator's own labels. */
function expectedSearch(parts: Part[]): string {
  const others = parts.filter((p) => p.kind === 'other').map((p) => p.text);
  const directives = parts
    .filter((p) => p.kind === 'directive')
    .map((p) => ({ name: p.text.slice(0, p.text.indexOf('=')), text: p.text }))
    .map((d, i) => ({ ...d, i }))
    .sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.i - b.i)
    .map((d) => d.text);
  const kept = [...others, ...directives];
  return kept.length ? `?${kept.join('&')}` : '';
}

describe('the cache key', () => {
  test('drops CMCD whatever its place or spelling, keeps every other parameter as written, directives last', () => {
    fc.assert(
      fc.property(query, (parts) => {
        const search = `?${parts.map((p) => p.text).join('&')}`;
        const keyed = keyedSearch(search);
        expect(keyed).toBe(expectedSearch(parts));
        expect(new URLSearchParams(keyed).has('CMCD')).toBe(false);
        expect(keyedSearch(keyed)).toBe(keyed);
      }),
      { numRuns: 1500 },
    );
  });

  test('through a parsed URL: the key of the URL fetched upstream is the key of the request', () => {
    fc.assert(
      fc.property(query, (parts) => {
        const url = new URL(`http://edge.test/hls/live/sport/v360/index.m3u8?${parts.map((p) => p.text).join('&')}`);
        const stripped = stripUnkeyedParams(url);
        expect(primaryKey(stripped)).toBe(primaryKey(url));
        expect(stripped.searchParams.has('CMCD')).toBe(false);
        expect(stripped.pathname).toBe(url.pathname);
        const directives = deliveryDirectives(primaryKey(url));
        const msn = url.searchParams.get('_HLS_msn');
        expect(directives?.msn).toBe(msn !== null && /^\d+$/.test(msn) ? Number(msn) : undefined);
      }),
      { numRuns: 800 },
    );
  });

  test('a query of CMCD parameters only, named as hls.js writes them (the native door takes it): the key is the path', () => {
    const literal = fc
      .option(
        cmcdObject.map((o) => encodeURIComponent(serializeCmcd(o))),
        { nil: undefined },
      )
      .chain((payload) => (payload === undefined ? pick('CMCD', 'CMCD=') : fc.constant(`CMCD=${payload}`)));
    fc.assert(
      fc.property(fc.array(literal, { minLength: 1, maxLength: 3 }), (parts) => {
        const target = `/hls/live/sport/v360/42.ts?${parts.join('&')}`;
        expect(primaryKey(new URL(`http://edge.test${target}`))).toBe('/hls/live/sport/v360/42.ts');
        expect(doorKey(target)).toBe('/hls/live/sport/v360/42.ts');
      }),
      { numRuns: 500 },
    );
  });

  test('CMCD parameters and LL-HLS delivery directives in any order (a blocking reload the native door takes): its key is the cache key', () => {
    const cmcd = cmcdObject.map((o) => `CMCD=${encodeURIComponent(serializeCmcd(o))}`);
    const directives = fc.record(
      {
        _HLS_msn: fc.integer({ min: 0, max: 99_999_999 }).map(String),
        _HLS_part: fc.integer({ min: 0, max: 20 }).map(String),
        _HLS_skip: pick('YES', 'v2'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        directives,
        fc.array(cmcd, { maxLength: 2 }),
        fc.array(fc.integer(), { minLength: 5, maxLength: 5 }),
        (asked, extra, noise) => {
          const parts = [...Object.entries(asked).map(([k, v]) => `${k}=${v}`), ...extra];
          // A shuffle: hls.js writes the directives in its own order, CMCD anywhere.
          const order = noise;
          const shuffled = parts.map((p, i) => [order[i]!, p] as const).sort((x, y) => x[0] - y[0]);
          if (shuffled.length === 0) return;
          const target = `/hls/live/sport/v360/index.m3u8?${shuffled.map(([, p]) => p).join('&')}`;
          const key = primaryKey(new URL(`http://edge.test${target}`));
          expect(doorKey(target)).toBe(key);
          // The add-on's form (front-door.cc, keyedQuery): the directives present, in canonical order.
          const canonical = ['_HLS_msn', '_HLS_part', '_HLS_skip']
            .filter((k) => k in asked)
            .map((k) => `${k}=${asked[k as keyof typeof asked]}`);
          expect(key).toBe(`/hls/live/sport/v360/index.m3u8${canonical.length ? `?${canonical.join('&')}` : ''}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('any query: the key code never throws and never keeps a CMCD parameter', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 })), (text) => {
        let url: URL;
        try {
          url = new URL(`http://edge.test/p?${text}`);
        } catch {
          return;
        }
        const key = primaryKey(url);
        const q = key.indexOf('?');
        expect(q < 0 || !new URLSearchParams(key.slice(q + 1)).has('CMCD')).toBe(true);
        deliveryDirectives(key);
        expect(primaryKey(stripUnkeyedParams(url))).toBe(key);
      }),
      { numRuns: 1500 },
    );
  });
});
