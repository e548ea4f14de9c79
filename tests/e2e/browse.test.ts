// Browsing with the remote only: home (hero, channels, rails), a channel page, event
// details (upcoming with its countdown; a replay with Regarder / Voir le résumé and
// related highlights), playing a replay, then "Reprendre" and "Continuer à regarder".
// Back goes up one level at a time and puts focus back where it was.
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

const stack = useTvStack();

/** Whether an image whose URL ends with `path` is currently uploaded as a texture. */
function uploaded(path: string): Promise<boolean> {
  return stack.tv.page.evaluate((p) => {
    const node = document.querySelector('[data-testid="page-home"]') as unknown as {
      element: { stage: { textureManager: { _uploadedTextureSources: { lookupId?: string }[] } } };
    };
    return node.element.stage.textureManager._uploadedTextureSources.some(
      (ts) => typeof ts.lookupId === 'string' && ts.lookupId.endsWith(p),
    );
  }, path);
}

test('home shows the hero on air, the four channels and the rails', async () => {
  const { page } = stack.tv;
  const first = await openApp(page, stack.appUrl, 'button-watch-live');
  expect(first.path).toEqual(['page-home', 'row-hero', 'button-watch-live']);
  const home = await textsIn(page, 'page-home');
  expect(home.some((t) => t.startsWith('EN DIRECT MAINTENANT'))).toBe(true);
  // The four channels, each shown by its logo (the text name is only a fallback).
  for (const id of ['sport', 'culture', 'business', 'agglo']) expect(await isVisible(page, `channel-${id}`)).toBe(true);
  await eventually(
    () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll('[data-testid^="channel-"] [ref="Logo"]')).map(
          (e) => e.getAttribute('texture-src') ?? '',
        ),
      ),
    (srcs) => srcs.length === 4 && srcs.every((s) => /\/images\/logos\/\w+\.png$/.test(s)),
    10_000,
    'four channel logos',
  );
  for (const title of ['Les chaînes', 'En direct']) expect(home).toContain(title);
  await page.waitForTimeout(1000);
  await screenshot(page, 'home');

  // The hero's "Détails" opens the live event's page, whose first action is to watch it live.
  await press(page, 'ArrowRight');
  await waitForFocus(page, 'button-details');
  await press(page, 'Enter');
  const live = await waitForFocus(page, 'button-watchLive');
  expect(live.path[0]).toMatch(/^page-event-/);
  await eventually(
    () => textsIn(page, itemAt(live.path, 0)),
    (t) => t.some((x) => x.startsWith('● DIRECT · ')),
    10_000,
    'live label',
  );
  await screenshot(page, 'event-live');
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-details');
  await press(page, 'ArrowLeft');
  await waitForFocus(page, 'button-watch-live');
});

test('channel page: OK on a channel opens it; Back returns to that channel tile', async () => {
  const { page } = stack.tv;
  await press(page, 'ArrowDown');
  await press(page, 'ArrowRight');
  await waitForFocus(page, 'channel-culture');
  await press(page, 'Enter');
  const onChannel = await waitForFocus(page, /^button-watch-live$/);
  expect(onChannel.path[0]).toBe('page-channel-culture');
  const texts = await textsIn(page, 'page-channel-culture');
  expect(texts).toContain('À venir');
  expect(texts).toContain('Replays');
  await page.waitForTimeout(800);
  await screenshot(page, 'channel');

  // Down to the upcoming rail: the first event shows its countdown; OK opens its details.
  await press(page, 'ArrowDown');
  const upcoming = await waitForFocus(page, /^tile-upcoming-/);
  expect(upcoming.texts.some((t) => /^Dans \d/.test(t))).toBe(true);
  await press(page, 'Enter');
  const eventId = upcoming.testId!.replace('tile-upcoming-', '');
  await eventually(
    () => focused(page),
    (f) => f.path[0] === `page-event-${eventId}`,
    15_000,
    'event page',
  );
  const when = (t: string) => t.startsWith('Le ') && t.includes(' à ') && t.includes('Dans');
  await eventually(
    () => textsIn(page, `page-event-${eventId}`),
    (texts) => texts.some(when),
    15_000,
    'date with countdown',
  );
  // Its 1280×720 poster is on the GPU while the page is shown…
  const heroPoster = `/images/posters/${eventId}/hero.jpg`;
  await eventually(
    () => uploaded(heroPoster),
    (x) => x,
    15_000,
    'event poster uploaded',
  );
  await page.waitForTimeout(800);
  await screenshot(page, 'event-upcoming');

  await press(page, 'Backspace');
  await waitForFocus(page, upcoming.testId!);
  // …and released when the page is left.
  await eventually(
    () => uploaded(heroPoster),
    (x) => !x,
    10_000,
    'event poster released',
  );
  await press(page, 'Backspace');
  const back = await waitForFocus(page, 'channel-culture');
  expect(back.path).toEqual(['page-home', 'rail-channels', 'channel-culture']);
});

test('a replay: details with Regarder and Voir le résumé, playback, then Reprendre and Continuer à regarder', async () => {
  const { page } = stack.tv;
  // From the channels row: En direct, then À venir, then Replays.
  await press(page, 'ArrowDown', 3);
  const replayTile = await waitForFocus(page, /^tile-replay-/);
  expect(replayTile.path).toContain('rail-replays');
  await press(page, 'Enter');
  const watch = await waitForFocus(page, 'button-watch');
  const eventPage = itemAt(watch.path, 0);
  await eventually(
    () => textsIn(page, eventPage),
    (t) => t.includes('Voir le résumé') && t.includes('Résumés associés'),
    10_000,
    'replay actions and related',
  );
  await page.waitForTimeout(800);
  await screenshot(page, 'event-replay');

  // Regarder: the replay plays from the start.
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 12 && v.totalVideoFrames > 0,
    60_000,
    'replay past 12 s',
  );
  await screenshot(page, 'player-replay');

  // Back: the details now offer to resume, and the home has a "continue watching" rail.
  await press(page, 'Backspace');
  const resume = await waitForFocus(page, 'button-resume');
  expect(resume.path[0]).toBe(eventPage);
  await eventually(
    () => textsIn(page, eventPage),
    (t) => t.includes('Depuis le début'),
    10_000,
    'Depuis le début',
  );
  await page.waitForTimeout(500);
  await screenshot(page, 'event-resume');

  await press(page, 'Backspace');
  await waitForFocus(page, replayTile.testId!);
  // The new rail sits right under "En direct": Up twice from Replays (past À venir).
  await press(page, 'ArrowUp', 2);
  const cont = await waitForFocus(page, /^tile-continue-replay-/);
  expect(cont.path).toContain('rail-continue');
  expect(cont.testId).toBe(`tile-continue-${replayTile.testId!.replace('tile-', '')}`);

  // OK on it resumes where playback stopped (not from zero).
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  const resumed = await eventually(
    () => videoState(page),
    (v) => v.readyState >= 2 && v.currentTime > 0,
    45_000,
    'resumed playback',
  );
  expect(resumed.currentTime).toBeGreaterThan(8);
  await press(page, 'Backspace');
  await waitForFocus(page, cont.testId!);
});
