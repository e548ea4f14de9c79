// Seeking a replay with the remote, through the real edge and origin: the chapters (marks on
// the bar, the current chapter's title, P+ and the chapters list jumping to a chapter's start)
// and a held ◀ moving a preview that shows the origin's thumbnail tile of the target time,
// then ONE seek landing there when the key goes up.
import type { Page } from 'playwright-core';
import { parseThumbnailTrack, serializeThumbnailTrack, thumbnailAt } from '../../shared/hls/thumbnails.ts';
import type { Replay } from '../../shared/catalog/types.ts';
import {
  eventually,
  focused,
  isVisible,
  openApp,
  press,
  screenshot,
  textsIn,
  videoState,
  waitForFocus,
} from '../support/browser.ts';
import { useTvStack } from './use-tv-stack.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const REPLAY = 'replay-hbc-montpellier'; // 48 s; chapters at 0, 8, 26 and 42 s

let replay: Replay;

const stack = useTvStack({}, async (started) => {
  replay = (await (await fetch(`${started.appUrl}api/v1/replays/${REPLAY}`)).json()) as Replay;
});

const currentTime = (page: Page) => page.evaluate(() => document.querySelector('video')!.currentTime);

/** Holds `key` like a remote does: a keydown, then repeats every `everyMs` (the key stays down). */
async function holdDown(page: Page, key: string, keydowns: number, everyMs = 160): Promise<void> {
  for (let i = 0; i < keydowns; i++) {
    await page.keyboard.down(key);
    await page.waitForTimeout(everyMs);
  }
}

/**
 * The seek preview's picture, read from the Lightning element behind the inspector's DOM mirror:
 * its texture (sheet URL and clip region), the sheet's size, and the texture coordinates the
 * renderer actually draws with (the region of the sheet on screen).
 */
function previewTile(page: Page) {
  return page.evaluate(() => {
    type Core = { _ulx: number; _uly: number; _brx: number; _bry: number };
    type Texture = {
      src?: string;
      x: number;
      y: number;
      w: number;
      h: number;
      isLoaded(): boolean;
      source: { w: number; h: number } | null;
    };
    const div = document.querySelector('[data-testid="player-seek-thumb"]') as
      | (HTMLElement & {
          element?: { texture: Texture | null; renderWidth: number; renderHeight: number; __core: Core };
        })
      | null;
    const element = div?.element;
    const texture = element?.texture;
    if (!element || !texture) return null;
    const core = element.__core;
    return {
      src: texture.src ?? '',
      x: texture.x,
      y: texture.y,
      w: texture.w,
      h: texture.h,
      loaded: texture.isLoaded(),
      sheet: { w: texture.source?.w ?? 0, h: texture.source?.h ?? 0 },
      drawn: [core._ulx, core._uly, core._brx, core._bry],
      renderW: element.renderWidth,
      renderH: element.renderHeight,
    };
  });
}

test('the catalog gives the replay a thumbnail track and chapters (what the player reads)', () => {
  expect(replay.thumbnails).toBe(`/hls/vod/${REPLAY}/thumbnails.vtt`);
  expect(replay.chapters.map((c) => c.start)).toEqual([0, 8, 26, 42]);
});

test("a replay shows its chapter marks on the bar and the current chapter's title", async () => {
  const { page } = stack.tv;
  await openApp(page, `${stack.appUrl}?replay=${REPLAY}`, 'player');
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 0.5 && v.totalVideoFrames > 0,
    45_000,
    'replay playing',
  );
  // One mark per chapter after the first, where the chapter starts along the bar.
  const marks = await page.evaluate(() =>
    Array.from(
      document.querySelectorAll('[data-testid="player-chapter-marks"] > [data-testid^="player-chapter-mark-"]'),
    ).map((e) => (e as HTMLElement).style.left),
  );
  expect(marks).toHaveLength(3);
  const xs = marks.map((l) => parseFloat(l));
  expect(itemAt(xs, 0) < itemAt(xs, 1) && itemAt(xs, 1) < itemAt(xs, 2)).toBe(true);
  // At 8/48, 26/48 and 42/48 of the 1728 px bar (±3 px: the tick is centred on its start).
  for (const [i, start] of [8, 26, 42].entries()) {
    expect(Math.abs(itemAt(xs, i) + 2 - (1728 * start) / 48)).toBeLessThanOrEqual(3);
  }
  await eventually(
    () => textsIn(page, 'player-chapter'),
    (t) => t[0] === 'Chapitre 1/4 · Avant-match',
    10_000,
    'first chapter title',
  );
});

test("P+ jumps to the next chapter's start; ▲ opens the chapters list, OK on one plays from its start", async () => {
  const { page } = stack.tv;
  await press(page, 'PageUp');
  const atSecond = await eventually(
    () => currentTime(page),
    (t) => t >= 8 && t < 12,
    15_000,
    'at chapter 2',
  );
  expect(atSecond).toBeGreaterThanOrEqual(8);
  await eventually(
    () => textsIn(page, 'player-chapter'),
    (t) => t[0] === 'Chapitre 2/4 · Première mi-temps',
    10_000,
    'chapter 2 title',
  );
  await screenshot(page, 'player-chapters'); // the overlay is up after a jump

  await press(page, 'ArrowUp');
  // The list opens on the chapter playing.
  const open = await waitForFocus(page, 'button-chapter-2');
  expect(open.path).toEqual(['player', 'row-chapters', 'button-chapter-2']);
  expect(await textsIn(page, 'row-chapters')).toEqual([
    '0:00  Avant-match',
    '0:08  Première mi-temps',
    '0:26  Seconde mi-temps',
    '0:42  Réactions',
  ]);
  await press(page, 'ArrowRight');
  await waitForFocus(page, 'button-chapter-3');
  await screenshot(page, 'player-chapters-list');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(
    () => currentTime(page),
    (t) => t >= 26 && t < 30,
    15_000,
    'at chapter 3',
  );
  await eventually(
    () => textsIn(page, 'player-chapter'),
    (t) => t[0] === 'Chapitre 3/4 · Seconde mi-temps',
    10_000,
    'chapter 3 title',
  );
});

test("◀ held: the preview shows the origin's tile of the target time; on release ONE seek lands there", async () => {
  const { page } = stack.tv;
  await press(page, 'PageUp'); // chapter 4, 42 s
  await eventually(
    () => currentTime(page),
    (t) => t >= 42,
    15_000,
    'at chapter 4',
  );
  // Paused, the position the seek starts from is exact.
  await press(page, 'Enter');
  await eventually(
    () => videoState(page),
    (v) => v.paused,
    10_000,
    'paused',
  );
  const from = await currentTime(page);
  await page.evaluate(() => {
    const w = window as unknown as { __seeks: number };
    w.__seeks = 0;
    document.querySelector('video')!.addEventListener('seeking', () => w.__seeks++);
  });

  // Three keydowns (a press and two repeats) without a keyup: 3 × 10 s back on the preview.
  await holdDown(page, 'ArrowLeft', 3);
  const target = Math.max(0, from - 30);
  // Nothing seeks while the key is down.
  expect(await page.evaluate(() => (window as unknown as { __seeks: number }).__seeks)).toBe(0);
  expect(await currentTime(page)).toBe(from);
  expect(await isVisible(page, 'player-seek-preview')).toBe(true);

  // The tile the origin's track names for the target time, cut out of its sheet.
  const track = await (await fetch(new URL(replay.thumbnails!, stack.appUrl))).text();
  const trackUrl = new URL(replay.thumbnails!, stack.appUrl).href;
  const cue = thumbnailAt(
    parseThumbnailTrack(track, (u) => new URL(u, trackUrl).href),
    target,
  )!;
  expect(cue).toBeDefined();
  const tile = await eventually(
    () => previewTile(page),
    (t) => !!t && t.loaded && t.src === cue.url,
    10_000,
    'tile loaded',
  );
  expect(tile).toMatchObject({ src: cue.url, x: cue.x, y: cue.y, w: cue.w, h: cue.h });
  // One tile, not the sheet: the renderer draws exactly that region of the bigger sheet, at 320×180.
  expect(tile!.sheet.w).toBeGreaterThan(cue.w);
  expect(tile!.sheet.h).toBeGreaterThan(cue.h);
  const expected = [
    cue.x / tile!.sheet.w,
    cue.y / tile!.sheet.h,
    (cue.x + cue.w) / tile!.sheet.w,
    (cue.y + cue.h) / tile!.sheet.h,
  ];
  for (const [i, v] of tile!.drawn.entries()) expect(v).toBeCloseTo(itemAt(expected, i), 5);
  expect(tile).toMatchObject({ renderW: 320, renderH: 180 });
  const m = Math.floor(target / 60);
  const s = Math.floor(target % 60);
  expect(await textsIn(page, 'player-seek-time')).toEqual([`${m}:${String(s).padStart(2, '0')}`]);
  expect(await textsIn(page, 'player-seek-chapter')).toEqual(['Première mi-temps']);
  await screenshot(page, 'player-seek-preview');

  await page.keyboard.up('ArrowLeft');
  const landed = await eventually(
    () => currentTime(page),
    (t) => Math.abs(t - target) < 0.05,
    10_000,
    'landed on the target',
  );
  expect(Math.abs(landed - target)).toBeLessThan(0.05);
  await eventually(
    () => isVisible(page, 'player-seek-preview'),
    (v) => !v,
    5000,
    'preview hidden',
  );
  expect(await page.evaluate(() => (window as unknown as { __seeks: number }).__seeks)).toBe(1);
  expect((await focused(page)).testId).toBe('player');
});

/** Sprite sheets decoded in texture memory now (Lightning's texture manager, reached through the inspector mirror). */
function sheetsInTextureMemory(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    // Any element mirrored by the inspector leads to the stage: the focused one will do.
    const leaf = document.querySelector('div[focused="true"]') as HTMLElement & {
      element: { stage: { textureManager: { _uploadedTextureSources: { lookupId?: string }[] } } };
    };
    return leaf.element.stage.textureManager._uploadedTextureSources
      .map((s) => s.lookupId ?? '')
      .filter((id) => id.includes('/thumbs/'));
  });
}

test('texture budget: seeking across sheets keeps at most two decoded, the older ones freed', async () => {
  const { page } = stack.tv;
  // The demo replays are short (one or two sheets): this one's real track, with every 10 s of
  // tiles on its own copy of the origin's sheet (same image, another URL), makes four sheets.
  const trackPath = '/hls/vod/replay-conte/thumbnails.vtt';
  const real = parseThumbnailTrack(await (await fetch(new URL(trackPath, stack.appUrl))).text());
  const spread = serializeThumbnailTrack(real.map((c) => ({ ...c, url: `${c.url}?copy=${Math.floor(c.start / 10)}` })));
  await page.route(`**${trackPath}`, (route) => route.fulfill({ status: 200, contentType: 'text/vtt', body: spread }));
  try {
    await openApp(page, `${stack.appUrl}?replay=replay-conte`, 'player'); // 40 s
    await eventually(
      () => videoState(page),
      (v) => v.currentTime > 0.5 && v.totalVideoFrames > 0,
      45_000,
      'replay playing',
    );
    await press(page, 'Enter');
    await eventually(
      () => videoState(page),
      (v) => v.paused,
      10_000,
      'paused',
    );
    const from = await currentTime(page);
    const shown: string[] = [];
    for (let step = 1; step <= 3; step++) {
      await press(page, 'ArrowRight');
      const copy = Math.floor((from + 10 * step) / 10);
      const tile = await eventually(
        () => previewTile(page),
        (t) => !!t && t.loaded && t.src.endsWith(`?copy=${copy}`),
        10_000,
        `tile of sheet copy ${copy}`,
      );
      shown.push(tile!.src);
      const alive = await sheetsInTextureMemory(page);
      expect(alive.length).toBeLessThanOrEqual(2);
      expect(alive).toContain(tile!.src);
    }
    // The first sheet shown was freed when the third one came; the last two stay.
    expect(new Set(shown).size).toBe(3);
    expect((await sheetsInTextureMemory(page)).sort()).toEqual(shown.slice(1).sort());
  } finally {
    await page.unroute(`**${trackPath}`);
  }
});

test('no thumbnail track (the request fails): the preview shows the time and chapter alone, and the seek still lands', async () => {
  const { page } = stack.tv;
  let refused = 0;
  await page.route('**/thumbnails.vtt', (route) => {
    refused++;
    return route.fulfill({ status: 404, body: 'none' });
  });
  try {
    await openApp(page, `${stack.appUrl}?replay=replay-festival-jazz`, 'player'); // 56 s; chapters at 0, 20, 44
    await eventually(
      () => videoState(page),
      (v) => v.currentTime > 0.5 && v.totalVideoFrames > 0,
      45_000,
      'replay playing',
    );
    await eventually(
      async () => refused,
      (n) => n === 1,
      10_000,
      'the track asked for (once) and refused',
    );
    await press(page, 'Enter');
    await eventually(
      () => videoState(page),
      (v) => v.paused,
      10_000,
      'paused',
    );
    const from = await currentTime(page);
    await holdDown(page, 'ArrowRight', 2);
    expect(await isVisible(page, 'player-seek-preview')).toBe(true);
    expect(await previewTile(page)).toBeNull();
    const target = from + 20;
    expect(await textsIn(page, 'player-seek-time')).toEqual([`0:${String(Math.floor(target)).padStart(2, '0')}`]);
    expect(await textsIn(page, 'player-seek-chapter')).toEqual([
      target >= 20 ? 'Big band du conservatoire' : 'Trio Garance',
    ]);
    await screenshot(page, 'player-seek-preview-no-thumbnails');
    await page.keyboard.up('ArrowRight');
    await eventually(
      () => currentTime(page),
      (t) => Math.abs(t - target) < 0.05,
      10_000,
      'landed on the target',
    );
  } finally {
    await page.unroute('**/thumbnails.vtt');
  }
});

/** The overlay's opacity as the renderer has it (the mirror drops the attribute at 1). */
const overlayAlpha = (page: Page) =>
  page.evaluate(() => Number(document.querySelector('[data-testid="player-overlay"]')?.getAttribute('alpha') ?? '1'));

test('the overlay comes up on a key, fades 5 s after the last one, and stays up while ◀ is held', async () => {
  const { page } = stack.tv;
  await openApp(page, `${stack.appUrl}?replay=${REPLAY}`, 'player');
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 0.5 && !v.paused,
    45_000,
    'replay playing',
  );
  await eventually(
    () => overlayAlpha(page),
    (a) => a === 0,
    20_000,
    'overlay faded after the start',
  );

  // Pause and play again (OK twice): the overlay comes up and stays 5 s after the last key.
  await press(page, 'Enter');
  await eventually(
    () => videoState(page),
    (v) => v.paused,
    10_000,
    'paused',
  );
  // Taken before the key goes out: the app starts its timer on receiving it, later than this.
  const lastKey = Date.now();
  await press(page, 'Enter');
  await eventually(
    () => videoState(page),
    (v) => !v.paused,
    10_000,
    'playing again',
  );
  // Up: on a loaded box its fade-in may still be ending (0.9999 seen in CI), then at 1.
  await eventually(
    () => overlayAlpha(page),
    (a) => a === 1,
    2000,
    'overlay fully up',
  );
  await eventually(
    () => overlayAlpha(page),
    (a) => a < 1,
    15_000,
    'overlay fading',
  );
  // A timer never fires early: the fade cannot start before 5 s without input.
  expect(Date.now() - lastKey).toBeGreaterThanOrEqual(5000);
  await eventually(
    () => overlayAlpha(page),
    (a) => a === 0,
    5000,
    'overlay gone',
  );

  // ◀ held for 7 s (a keydown every 160 ms, no keyup): up the whole time, past the 5 s.
  const seen: number[] = [];
  for (let i = 0; i < 44; i++) {
    await page.keyboard.down('ArrowLeft');
    await page.waitForTimeout(160);
    seen.push(await overlayAlpha(page));
  }
  // The first reading may catch the fade-in; from then on, fully up.
  expect(seen.slice(3).every((a) => a === 1)).toBe(true);
  await page.keyboard.up('ArrowLeft');
  await eventually(
    () => overlayAlpha(page),
    (a) => a === 0,
    20_000,
    'overlay gone once the seek is done',
  );
});
