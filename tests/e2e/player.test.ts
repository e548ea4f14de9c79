// The player, remote keys only: live badge and seeking back into the live window (EN DIFFÉRÉ,
// then ▲ back to DIRECT), audio and subtitle tracks (the origin sees the chosen renditions),
// the quality cap (240p: only that rendition is fetched; « Auto » lifts it),
// CMCD with one session id on every media request, reconnection after a network cut, and
// the error screen's Réessayer.
import type { Page, Request } from 'playwright-core';
import { VIDEO_RENDITIONS } from '../../shared/hls/ladder.ts';
import { PLAYER_DEFAULTS } from '../../tv-app/src/player/config.ts';
import {
  eventually,
  focused,
  openApp,
  press,
  screenshot,
  textsIn,
  videoState,
  waitForFocus,
} from '../support/browser.ts';
import { useTvStack } from './use-tv-stack.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const mediaRequests: string[] = [];

// A 60 s live window (30 × 2 s segments): room to seek back and stay behind the live edge.
const stack = useTvStack({ origin: { live: { windowSize: 30 } } }, async (started) => {
  started.tv.page.on('request', (r: Request) => {
    if (r.url().includes('/hls/')) mediaRequests.push(r.url());
  });
});

const badge = async () => (await textsIn(stack.tv.page, 'player-badge'))[0] ?? '';

/** The languages of the <video>'s showing text tracks, once exactly one shows. */
function showingTextTrack(page: Page, timeoutMs: number, what: string): Promise<string[]> {
  return eventually(
    () =>
      page.evaluate(() =>
        Array.from(document.querySelector('video')!.textTracks)
          .filter((t) => t.mode === 'showing')
          .map((t) => t.language),
      ),
    (l) => l.length === 1,
    timeoutMs,
    what,
  );
}

test('zap: while the focus rests on « Regarder le direct », its master playlist is preloaded as a prefetch; OK plays without asking for it again', async () => {
  const { page } = stack.tv;
  const masters: Request[] = [];
  const onRequest = (r: Request) => {
    if (new URL(r.url()).pathname.endsWith('/master.m3u8')) masters.push(r);
  };
  page.on('request', onRequest);
  try {
    await openApp(page, stack.appUrl, 'button-watch-live');
    await eventually(
      async () => masters.length,
      (n) => n === 1,
      10_000,
      'the master playlist preloaded',
    );
    const preload = itemAt(masters, 0);
    expect(new URL(preload.url()).pathname).toBe('/hls/live/sport/master.m3u8');
    // Marked, so the edge does not count a viewer; no CMCD: nothing plays yet.
    expect(preload.headers().purpose).toBe('prefetch');
    expect(new URL(preload.url()).searchParams.has('CMCD')).toBe(false);
    await press(page, 'Enter');
    await waitForFocus(page, 'player');
    await eventually(
      () => videoState(page),
      (v) => v.currentTime > 1 && v.totalVideoFrames > 0,
      45_000,
      'live playing',
    );
    // hls.js took the preloaded playlist: it never asked the edge for it.
    expect(masters).toHaveLength(1);
    expect(mediaRequests.filter((u) => new URL(u).pathname.endsWith('/index.m3u8')).length).toBeGreaterThan(0);
  } finally {
    page.off('request', onRequest);
    // The next test reloads the app: what this page asked is no later test's business.
    mediaRequests.length = 0;
  }
});

/** The page's media requests (`/hls/`) until `stop()`, each marked when it is a preload (`Purpose: prefetch`). */
function recordMedia(page: Page): { asked: { url: string; prefetch: boolean }[]; stop: () => void } {
  const asked: { url: string; prefetch: boolean }[] = [];
  const onRequest = (r: Request) => {
    if (r.url().includes('/hls/')) asked.push({ url: r.url(), prefetch: r.headers().purpose === 'prefetch' });
  };
  page.on('request', onRequest);
  return { asked, stop: () => page.off('request', onRequest) };
}

/** How many objects of a built-in class (`SourceBuffer`, `MediaSource`) the page holds, after a full GC. */
async function alive(page: Page, className: string): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const proto = await cdp.send('Runtime.evaluate', { expression: `${className}.prototype` });
    const found = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId! });
    const count = await cdp.send('Runtime.callFunctionOn', {
      objectId: found.objects.objectId!,
      functionDeclaration: 'function () { return this.length; }',
      returnByValue: true,
    });
    return count.result.value as number;
  } finally {
    await cdp.detach();
  }
}

test('leaving the player releases hls.js and the media element: no source, no buffers, no more requests', async () => {
  const { page } = stack.tv;
  const { asked, stop } = recordMedia(page);
  try {
    await openApp(page, stack.appUrl, 'button-watch-live');
    for (let round = 1; round <= 2; round++) {
      await press(page, 'Enter');
      await waitForFocus(page, 'player');
      await eventually(
        () => videoState(page),
        (v) => v.currentTime > 1 && v.totalVideoFrames > 0,
        45_000,
        `round ${round}: live playing`,
      );
      // Playing: the media pipeline hls.js built is there (one MediaSource, its SourceBuffers).
      expect(await alive(page, 'MediaSource')).toBeGreaterThanOrEqual(1);
      expect(await alive(page, 'SourceBuffer')).toBeGreaterThanOrEqual(1);

      await press(page, 'Backspace');
      await waitForFocus(page, 'button-watch-live');
      const left = await page.evaluate(() => {
        const v = document.querySelector('video')!;
        return {
          src: v.getAttribute('src'),
          networkState: v.networkState,
          readyState: v.readyState,
          buffered: v.buffered.length,
          display: v.style.display,
        };
      });
      // NETWORK_EMPTY, HAVE_NOTHING: the element holds no resource (currentSrc keeps the old
      // blob: URL's text in Chromium; hls.js has revoked it).
      expect(left).toEqual({ src: null, networkState: 0, readyState: 0, buffered: 0, display: 'none' });
      // Garbage-collected: nothing holds the MediaSource or its buffers any more.
      await eventually(
        async () => [await alive(page, 'MediaSource'), await alive(page, 'SourceBuffer')],
        (n) => n[0] === 0 && n[1] === 0,
        15_000,
        `round ${round}: media released`,
      );
      // A live polls its playlists every 2 s while it plays: none once left (the home's
      // focus-rest preload of the master playlist aside).
      const since = asked.length;
      await page.waitForTimeout(6000);
      expect(asked.slice(since).filter((a) => !a.prefetch)).toEqual([]);
    }
  } finally {
    stop();
    mediaRequests.length = 0;
  }
});

test('live: DIRECT badge, real-time clock within 8 s of the live edge; Left seeks back into the window (EN DIFFÉRÉ −0:xx); Up returns to DIRECT', async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 1 && v.totalVideoFrames > 0,
    45_000,
    'live playing',
  );
  await eventually(badge, (b) => b === 'DIRECT', 10_000, 'DIRECT badge');
  // 12 s of watching: the clock runs at real speed, and the picture stays near the live edge.
  const samples: { at: number; time: number; behind: number }[] = [];
  for (let i = 0; i <= 24; i++) {
    samples.push({
      at: Date.now(),
      ...(await page.evaluate(() => {
        const v = document.querySelector('video')!;
        return { time: v.currentTime, behind: v.seekable.end(v.seekable.length - 1) - v.currentTime };
      })),
    });
    await page.waitForTimeout(500);
  }
  const watched = (itemAt(samples, samples.length - 1).at - itemAt(samples, 0).at) / 1000;
  const played = itemAt(samples, samples.length - 1).time - itemAt(samples, 0).time;
  expect(played).toBeGreaterThan(watched - 1.5);
  // The latency target: hls.js keeps 3 target durations (6 s) behind the playlist's end; the
  // app calls anything within `liveEdgeTolerance` (8 s) DIRECT. Seen here: 2.3 to 5.9 s.
  const behind = samples.map((x) => x.behind);
  expect(Math.min(...behind)).toBeGreaterThan(0);
  expect(Math.max(...behind)).toBeLessThanOrEqual(PLAYER_DEFAULTS.liveEdgeTolerance);
  // Let the live window fill so there is something to go back to.
  await eventually(
    () =>
      page.evaluate(() => {
        const v = document.querySelector('video')!;
        return v.seekable.length ? v.currentTime - v.seekable.start(0) : 0;
      }),
    (d) => d > 10,
    30_000,
    'window behind playhead',
  );
  // One step back (10 s): the badge and the time behind live are read together.
  await press(page, 'ArrowLeft');
  const delayed = await eventually(
    async () => ({ badge: await badge(), elapsed: (await textsIn(page, 'player-elapsed'))[0] ?? '' }),
    (s) => s.badge === 'EN DIFFÉRÉ' && /^−0:\d\d$/.test(s.elapsed),
    10_000,
    'delayed badge with time behind live',
  );
  expect(delayed.elapsed).toMatch(/^−0:\d\d$/);
  await screenshot(page, 'player-live-delayed');
  await press(page, 'ArrowUp');
  await eventually(badge, (b) => b === 'DIRECT', 10_000, 'back to DIRECT');
});

test('every media request carries CMCD with the same session id and the content id', async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  // Listening from the new page on: a request still in flight from the previous one would carry
  // that page's session id.
  const { asked, stop } = recordMedia(page);
  try {
    await press(page, 'Enter');
    await waitForFocus(page, 'player');
    await eventually(
      () => videoState(page),
      (v) => v.currentTime > 4 && v.totalVideoFrames > 0,
      45_000,
      'live playing for a few seconds',
    );
  } finally {
    stop();
  }
  // Every playlist and segment request of the playback; the home's focus-rest preload of the
  // master playlist (Purpose: prefetch) is made before any playback and carries none by design.
  const played = asked.filter((a) => !a.prefetch).map((a) => new URL(a.url));
  expect(played.length).toBeGreaterThan(3);
  expect(played.filter((u) => !u.searchParams.has('CMCD')).map((u) => u.href)).toEqual([]);
  const sids = new Set(played.map((u) => /sid="([^"]+)"/.exec(u.searchParams.get('CMCD')!)?.[1]));
  expect([...sids]).toHaveLength(1);
  expect([...sids][0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(played.every((u) => u.searchParams.get('CMCD')!.includes('cid="sport-hbc-nantes"'))).toBe(true);
});

test('Down opens audio and subtitles; English audio and French subtitles are fetched and shown', async () => {
  const { page } = stack.tv;
  await press(page, 'ArrowDown');
  const audio = await waitForFocus(page, /^button-audio-/);
  expect(audio.path).toContain('row-audio');
  expect(await textsIn(page, 'row-audio')).toEqual(['✓ Français', 'English']);
  expect(await textsIn(page, 'row-subtitles')).toEqual(['✓ Désactivés', 'Français']);
  const before = mediaRequests.length;
  await press(page, 'ArrowRight');
  await press(page, 'Enter');
  await eventually(
    () => textsIn(page, 'row-audio'),
    (t) => t.join('|') === 'Français|✓ English',
    10_000,
    'English selected',
  );
  await eventually(
    async () => mediaRequests.slice(before).some((u) => u.includes('/audio-en/')),
    (x) => x,
    20_000,
    'English audio fetched',
  );

  await press(page, 'ArrowDown');
  await waitForFocus(page, /^button-subtitles-/);
  await press(page, 'ArrowRight');
  await press(page, 'Enter');
  await eventually(
    () => textsIn(page, 'row-subtitles'),
    (t) => t.join('|') === 'Désactivés|✓ Français',
    10_000,
    'subtitles on',
  );
  await eventually(
    async () => mediaRequests.slice(before).some((u) => u.includes('/subs-fr/')),
    (x) => x,
    20_000,
    'subtitles fetched',
  );
  const showing = await showingTextTrack(page, 10_000, 'a showing text track');
  expect(showing).toEqual(['fr']);
  await screenshot(page, 'player-tracks');
  // Back closes the panel, not the player.
  await press(page, 'Backspace');
  expect((await focused(page)).testId).toBe('player');
});

/** The video rendition (`v240`…) of a video segment request, or undefined for anything else. */
function videoRenditionOf(url: string): string | undefined {
  const rendition = /^\/hls\/(?:live|vod)\/[^/]+\/([^/]+)\/[^/]+\.ts$/.exec(new URL(url).pathname)?.[1];
  return VIDEO_RENDITIONS.some((r) => r.id === rendition) ? rendition : undefined;
}

test('« Qualité »: the lowest height keeps playback to that rendition; « Auto » lifts the cap', async () => {
  const { page } = stack.tv;
  const byHeight = [...VIDEO_RENDITIONS].sort((a, b) => b.height - a.height);
  const lowest = itemAt(byHeight, byHeight.length - 1);
  await press(page, 'ArrowDown');
  await waitForFocus(page, /^button-audio-/);
  await press(page, 'ArrowDown', 2);
  const auto = await waitForFocus(page, 'button-quality--1');
  expect(auto.path).toContain('row-quality');
  expect(await textsIn(page, 'row-quality')).toEqual(['✓ Auto', ...byHeight.map((r) => `${r.height}p`)]);
  const renditionsBefore = new Set(mediaRequests.map(videoRenditionOf).filter(Boolean));
  await press(page, 'ArrowRight', byHeight.length);
  const chosen = await eventually(
    () => focused(page),
    (f) => f.texts.join('|') === `${lowest.height}p`,
    10_000,
    `${lowest.height}p focused`,
  );
  expect(chosen.path).toContain('row-quality');
  const before = mediaRequests.length;
  await press(page, 'Enter');
  await eventually(
    () => textsIn(page, 'row-quality'),
    (t) =>
      t.join('|') === ['Auto', ...byHeight.map((r) => (r === lowest ? `✓ ${r.height}p` : `${r.height}p`))].join('|'),
    10_000,
    `${lowest.height}p selected`,
  );
  // Segments already on their way when OK was pressed may still land; from the first segment
  // of the lowest rendition on, every video segment must be of it.
  const first = await eventually(
    async () => mediaRequests.findIndex((u, i) => i >= before && videoRenditionOf(u) === lowest.id),
    (i) => i >= 0,
    30_000,
    `first ${lowest.id} segment`,
  );
  const after = await eventually(
    async () => mediaRequests.slice(first).map(videoRenditionOf).filter(Boolean),
    (r) => r.length >= 5,
    60_000,
    'five video segments after the choice',
  );
  expect(new Set(after)).toEqual(new Set([lowest.id]));
  // Meaningful only if ABR had been playing something else before the cap.
  expect([...renditionsBefore].some((r) => r !== lowest.id)).toBe(true);
  await screenshot(page, 'player-quality');

  await press(page, 'ArrowLeft', byHeight.length);
  await waitForFocus(page, 'button-quality--1');
  const beforeAuto = mediaRequests.length;
  await press(page, 'Enter');
  await eventually(
    () => textsIn(page, 'row-quality'),
    (t) => t.join('|') === ['✓ Auto', ...byHeight.map((r) => `${r.height}p`)].join('|'),
    10_000,
    'Auto selected',
  );
  // Uncapped, ABR climbs again on loopback: a higher rendition is fetched.
  await eventually(
    async () =>
      mediaRequests.slice(beforeAuto).some((u) => {
        const r = videoRenditionOf(u);
        return !!r && r !== lowest.id;
      }),
    (x) => x,
    60_000,
    'a higher rendition fetched under Auto',
  );
  await press(page, 'Backspace');
  expect((await focused(page)).testId).toBe('player');
});

/** The player's spinner as the Lightning inspector mirrors it: shown or not, and its rotation. */
function spinner(page: Page) {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="player-spinner"]');
    return el ? { shown: el.style.display !== 'none', rotation: Number(el.getAttribute('rotation') ?? 0) } : null;
  });
}

test('a network cut shows "Reconnexion…", and playback resumes by itself when it comes back', async () => {
  const { page } = stack.tv;
  await page.route('**/hls/**', (route) => route.abort('internetdisconnected'));
  try {
    await eventually(
      () => textsIn(page, 'player'),
      (t) => t.includes('Reconnexion…'),
      60_000,
      'reconnecting shown',
    );
    await screenshot(page, 'player-reconnecting');
    // A spinner turns over the stalled picture (shown in the inspector mirror, its ring rotating).
    const first = await eventually(
      () => spinner(page),
      (s) => s?.shown === true,
      10_000,
      'spinner shown',
    );
    await eventually(
      () => spinner(page),
      (s) => s?.shown === true && s.rotation !== first!.rotation,
      10_000,
      'spinner turning',
    );
  } finally {
    await page.unroute('**/hls/**');
  }
  const resumed = await videoState(page);
  await eventually(
    () => videoState(page),
    (v) => !v.paused && v.currentTime > resumed.currentTime + 1,
    60_000,
    'playback resumed',
  );
  await eventually(
    () => textsIn(page, 'player'),
    (t) => !t.includes('Reconnexion…'),
    10_000,
    'reconnecting cleared',
  );
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-watch-live');
});

test('a replay that cannot load shows the error with Réessayer, which plays it once it can', async () => {
  const { page } = stack.tv;
  await page.route('**/hls/vod/**', (route) => route.fulfill({ status: 404, body: 'gone' }));
  try {
    await press(page, 'ArrowDown', 4); // channels, En direct, À venir, Replays
    await waitForFocus(page, /^tile-replay-/);
    await press(page, 'Enter');
    await waitForFocus(page, 'button-watch');
    await press(page, 'Enter');
    // Nothing to show yet: the spinner turns until the player gives up.
    await eventually(
      () => spinner(page),
      (s) => s?.shown === true,
      20_000,
      'spinner while loading',
    );
    await screenshot(page, 'player-spinner');
    const retry = await waitForFocus(page, 'button-player-retry', 60_000);
    expect(retry.path).toEqual(['player', 'row-player-error', 'button-player-retry']);
    await eventually(
      () => textsIn(page, 'player'),
      (t) => t.includes('La lecture a échoué') && t.includes('Retour'),
      10_000,
      'error message and its choices',
    );
    await screenshot(page, 'player-error');
    // Right reaches « Retour », Left comes back to « Réessayer »; no spinner over a failure.
    await press(page, 'ArrowRight');
    await waitForFocus(page, 'button-player-back');
    await press(page, 'ArrowLeft');
    await waitForFocus(page, 'button-player-retry');
    expect(
      await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="player-spinner"]')?.style.display),
    ).toBe('none');
  } finally {
    await page.unroute('**/hls/vod/**');
  }
  await press(page, 'Enter');
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 1 && v.totalVideoFrames > 0,
    45_000,
    'replay plays after retry',
  );
  expect((await focused(page)).testId).toBe('player');
});

test('a highlight that ends is followed by the next one of its rail ("lecture auto du résumé suivant" is on by default)', async () => {
  const { page } = stack.tv;
  // A fresh start, then down to Résumés, the last rail (Down stops there), and OK.
  await openApp(page, stack.appUrl, 'button-watch-live');
  await press(page, 'ArrowDown', 6); // channels, En direct, (Continuer), À venir, Replays, Résumés
  const first = await waitForFocus(page, /^tile-highlight-/);
  expect(first.path).toContain('rail-highlights');
  const order = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid="rail-highlights"] [data-testid^="tile-"]')).map(
      (e) => e.getAttribute('data-testid') ?? '',
    ),
  );
  const titleOf = async (tileId: string) =>
    (
      (await (await fetch(`${stack.appUrl}api/v1/highlights/${tileId.replace('tile-highlight-', '')}`)).json()) as {
        title: string;
      }
    ).title;
  const firstTitle = await titleOf(first.testId!);
  const nextTitle = await titleOf(itemAt(order, order.indexOf(first.testId ?? '') + 1));
  expect(nextTitle).not.toBe(firstTitle);
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(
    () => textsIn(page, 'player-title'),
    (t) => t[0] === firstTitle,
    15_000,
    'first highlight title',
  );
  // The clip is 10–14 s long: when it ends, the next one of the rail starts by itself
  // (its title shows with the overlay as it starts).
  await eventually(
    () => textsIn(page, 'player-title'),
    (t) => t[0] === nextTitle,
    60_000,
    'next highlight title',
  );
  await eventually(
    () => videoState(page),
    (v) => !v.paused && v.currentTime > 1,
    30_000,
    'next highlight playing',
  );
  await press(page, 'Backspace');
  // Back lands on the rail, on the tile that was opened.
  await waitForFocus(page, itemAt(order, order.indexOf(first.testId ?? '')));
});

test('"Sous-titres par défaut" on in the settings: playback starts with French subtitles shown', async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  await press(page, 'ArrowUp');
  await press(page, 'ArrowRight', 2);
  await waitForFocus(page, 'button-settings');
  await press(page, 'Enter');
  await waitForFocus(page, 'setting-language');
  await press(page, 'ArrowDown');
  await waitForFocus(page, 'setting-subtitles');
  await press(page, 'Enter');
  await eventually(
    () => focused(page),
    (f) => f.texts.includes('‹ Activé ›'),
    10_000,
    'subtitles on',
  );
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-settings');
  await press(page, 'ArrowDown');
  await waitForFocus(page, 'button-watch-live');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  const showing = await showingTextTrack(page, 30_000, 'subtitles shown without asking');
  expect(showing).toEqual(['fr']);
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-watch-live');
});

test('"Lecture auto du résumé suivant" off: a highlight that ends stays ended', async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  await press(page, 'ArrowUp');
  await press(page, 'ArrowRight', 2);
  await waitForFocus(page, 'button-settings');
  await press(page, 'Enter');
  await waitForFocus(page, 'setting-language');
  await press(page, 'ArrowDown', 2);
  await waitForFocus(page, 'setting-autoplayNextHighlight');
  await press(page, 'Enter');
  await eventually(
    () => focused(page),
    (f) => f.texts.includes('‹ Désactivé ›'),
    10_000,
    'autoplay off',
  );
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-settings');
  await press(page, 'ArrowDown', 7); // hero, channels, En direct, (Continuer), À venir, Replays, Résumés
  const first = await waitForFocus(page, /^tile-highlight-/);
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  const title = await eventually(
    () => textsIn(page, 'player-title'),
    (t) => t.length === 1,
    15_000,
    'title',
  );
  // The clip plays to its end, then nothing else starts: same title, ended state.
  await eventually(
    () => page.evaluate(() => document.querySelector('video')!.ended),
    (x) => x,
    60_000,
    'clip ended',
  );
  await page.waitForTimeout(1500);
  expect(
    await page.evaluate(() => document.querySelector('[data-testid="player-title"]')!.getAttribute('texture-text')),
  ).toBe(title[0]);
  expect(await page.evaluate(() => document.querySelector('video')!.ended)).toBe(true);
  await press(page, 'Backspace');
  await waitForFocus(page, first.testId!);
});
