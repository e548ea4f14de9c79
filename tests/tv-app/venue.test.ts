// The venue screen's logic (tv-app/src/venue/): which contribution the big card shows and when,
// what a feed message may change, the text made fit for a wall, `?venue=`, and the QR code's
// matrix (drawn to a PNG and read back by zbarimg, as a phone's camera would).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { venueEventOf } from '../../tv-app/src/app/deep-link.ts';
import { phoneUrl } from '../../tv-app/src/venue/contributions-client.ts';
import { qrMatrix } from '../../tv-app/src/venue/qr-image.ts';
import { graphemes, screenText } from '../../tv-app/src/venue/screen-text.ts';
import {
  DWELL_MS,
  FRESH_MIN_MS,
  PINNED_DWELL_MS,
  VenueFeed,
  parseChange,
  parseItems,
  snapshotIsCurrent,
  type VenueItem,
} from '../../tv-app/src/venue/venue-feed.ts';

const item = (id: string, approvedAt: string, pinned = false): VenueItem => ({
  id,
  firstName: `Nom ${id}`,
  message: `Message ${id}`,
  pinned,
  photo: `/contributions/photos/${id}.jpg`,
  width: 960,
  height: 1280,
  approvedAt,
});

describe('the big card', () => {
  test('rotates through the approved items, newest first, pinned ones twice as long', () => {
    const feed = new VenueFeed();
    feed.replace([
      item('a', '2026-12-03T10:00:00Z'),
      item('b', '2026-12-03T10:01:00Z'),
      item('p', '2026-12-03T09:00:00Z', true),
    ]);
    expect(feed.list().map((i) => i.id)).toEqual(['p', 'b', 'a']);
    let t = 0;
    expect(feed.showing(t)?.id).toBe('p');
    expect(feed.showing((t += DWELL_MS))?.id).toBe('p'); // pinned: still there
    expect(feed.showing((t = PINNED_DWELL_MS))?.id).toBe('b');
    expect(feed.showing((t += DWELL_MS - 1))?.id).toBe('b');
    expect(feed.showing((t += 1))?.id).toBe('a');
    expect(feed.showing((t += DWELL_MS))?.id).toBe('p');
  });

  test('a fresh approval goes on at once; a second one waits until the first was seen a while', () => {
    const feed = new VenueFeed();
    feed.replace([item('a', '2026-12-03T10:00:00Z')]);
    expect(feed.showing(0)?.id).toBe('a');
    feed.apply({ type: 'approved', item: item('n1', '2026-12-03T10:05:00Z') });
    expect(feed.showing(100)?.id).toBe('n1');
    feed.apply({ type: 'approved', item: item('n2', '2026-12-03T10:05:01Z') });
    expect(feed.showing(100 + FRESH_MIN_MS - 1)?.id).toBe('n1');
    expect(feed.showing(100 + FRESH_MIN_MS)?.id).toBe('n2');
    // A pin is not a new approval: no jump.
    feed.apply({ type: 'pinned', item: item('a', '2026-12-03T10:00:00Z', true) });
    expect(feed.showing(100 + FRESH_MIN_MS + 10)?.id).toBe('n2');
  });

  test('a removal takes the card off at once; nothing approved, no card', () => {
    const feed = new VenueFeed();
    feed.replace([item('a', '2026-12-03T10:00:00Z')]);
    expect(feed.showing(0)?.id).toBe('a');
    feed.apply({ type: 'removed', id: 'a' });
    expect(feed.showing(1)).toBeNull();
    // Approved then removed before it was shown: never shown.
    feed.apply({ type: 'approved', item: item('x', '2026-12-03T10:06:00Z') });
    feed.apply({ type: 'removed', id: 'x' });
    expect(feed.showing(2)).toBeNull();
  });

  test('a re-read feed after a blip: what is new shows as fresh, what went is gone', () => {
    const feed = new VenueFeed();
    feed.replace([item('a', '2026-12-03T10:00:00Z'), item('b', '2026-12-03T10:01:00Z')]);
    expect(feed.showing(0)?.id).toBe('b');
    feed.replace([item('a', '2026-12-03T10:00:00Z'), item('c', '2026-12-03T10:02:00Z')]);
    expect(feed.showing(10)?.id).toBe('c');
    expect(feed.list().map((i) => i.id)).toEqual(['c', 'a']);
  });
});

test('a re-read feed older than what the stream applied is not used; another boot always is', () => {
  expect(snapshotIsCurrent('k1.5', null)).toBe(true);
  expect(snapshotIsCurrent('k1.5', 'k1.5')).toBe(true);
  expect(snapshotIsCurrent('k1.4', 'k1.5')).toBe(false);
  expect(snapshotIsCurrent('z9.0', 'k1.5')).toBe(true);
  // Several origins: Redis stream ids, ordered by time then sequence.
  expect(snapshotIsCurrent('1796308291564-0', '1796308291562-3')).toBe(true);
  expect(snapshotIsCurrent('1796308291562-2', '1796308291562-3')).toBe(false);
});

test('feed messages are checked: anything malformed is dropped, never shown', () => {
  expect(parseChange('approved', { item: item('a', '2026-12-03T10:00:00Z') })).toEqual({
    type: 'approved',
    item: item('a', '2026-12-03T10:00:00Z'),
  });
  expect(parseChange('removed', { id: 'a' })).toEqual({ type: 'removed', id: 'a' });
  expect(parseChange('approved', { item: { id: 'a', firstName: 3 } })).toBeNull();
  expect(parseChange('approved', null)).toBeNull();
  expect(parseChange('dropped', { id: 'a' })).toBeNull();
  expect(parseItems({ items: [item('a', 'x'), { id: 'b' }, 'c'] }).map((i) => i.id)).toEqual(['a']);
  expect(parseItems('nope')).toEqual([]);
});

describe('text on the wall', () => {
  test('capped by what a person sees: an emoji family or a flag is never cut in half', () => {
    const family = '👨‍👩‍👧';
    expect(graphemes(`ab${family}🇫🇷`)).toEqual(['a', 'b', family, '🇫🇷']);
    expect(screenText(`Allez ${family}${family}${family}`, 8)).toBe(`Allez ${family}…`);
    expect(screenText('Léa', 24)).toBe('Léa');
    expect(screenText('x'.repeat(200), 140)).toHaveLength(140);
  });

  test('control and direction-override characters go; whitespace folds', () => {
    expect(screenText('  Allez\n\tles\u202Everts\u0007  ', 140)).toBe('Allez lesverts');
    expect(screenText('<script>alert(1)</script>', 140)).toBe('<script>alert(1)</script>'); // drawn, never run
  });

  test('without an emoji font the words stay, the emoji go (no « no glyph » boxes)', () => {
    expect(screenText('On est là 💚🟩 Tribune Nord 👨‍👩‍👧 🇫🇷 ❤️', 140, false)).toBe('On est là Tribune Nord');
    expect(screenText('🎉', 140, false)).toBe('');
  });
});

test('?venue=<eventId> makes the app a venue screen; a bad id does not', () => {
  expect(venueEventOf('?venue=hand-2026-12-03')).toBe('hand-2026-12-03');
  expect(venueEventOf('?venue=../x')).toBeNull();
  expect(venueEventOf('?event=a')).toBeNull();
  expect(venueEventOf('', { venue: 'from-launch' })).toBe('from-launch');
});

test('the QR code points to the short address when the window has one', () => {
  const window = { open: true, opensAt: '', closesAt: '' };
  expect(phoneUrl({ ...window, shortCode: 'k3x9a' }, 'ev', 'https://cite.tv')).toBe('https://cite.tv/p/k3x9a');
  expect(phoneUrl(window, 'ev', 'https://cite.tv')).toBe('https://cite.tv/participer/ev');
});

test('the QR matrix reads back (zbarimg) as the phone page’s address', async () => {
  const url = 'https://cite.tv/p/k3x9a';
  const matrix = qrMatrix(url);
  const n = matrix.length;
  expect(n).toBeGreaterThanOrEqual(21);
  const cell = 8;
  const size = (n + 8) * cell;
  const pixels = Buffer.alloc(size * size, 255);
  matrix.forEach((row, r) => {
    row.forEach((dark, c) => {
      if (!dark) return;
      for (let y = 0; y < cell; y++)
        pixels.fill(0, ((r + 4) * cell + y) * size + (c + 4) * cell, ((r + 4) * cell + y) * size + (c + 5) * cell);
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'cite-tv-qr-'));
  try {
    const file = join(dir, 'qr.png');
    await sharp(pixels, { raw: { width: size, height: size, channels: 1 } })
      .png()
      .toFile(file);
    expect(execFileSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8' }).trim()).toBe(url);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
