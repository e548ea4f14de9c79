// The programme (7 days, live marked), search with the on-screen keyboard (accent-insensitive,
// results as you type) and settings (language, persisted across a restart), remote keys only.
import type { Page } from 'playwright-core';
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
import { KeyboardModel, KEYBOARD_ROWS } from '../../tv-app/src/search/keyboard-layout.ts';
import { useTvStack } from './use-tv-stack.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const stack = useTvStack();

/** Waits until `testId` is focused and shows exactly `texts` (the mirror follows a frame later). */
async function expectFocus(page: Page, testId: string, texts: string[]): Promise<void> {
  await eventually(
    () => focused(page),
    (f) => f.testId === testId && JSON.stringify(f.texts) === JSON.stringify(texts),
    10_000,
    `${testId} showing ${texts.join(' / ')}`,
  );
}

/**
 * Types `text` on the on-screen keyboard with arrows and OK, like a person with a remote.
 * `model` mirrors where the app's keyboard focus is (same layout and navigation rules).
 */
async function typeOnKeyboard(page: Page, model: KeyboardModel, text: string): Promise<void> {
  for (const char of text) {
    const row = KEYBOARD_ROWS.findIndex((r) => r.some((k) => k.kind === 'char' && k.char === char));
    const col = itemAt(KEYBOARD_ROWS, row).findIndex((k) => k.kind === 'char' && k.char === char);
    while (model.row !== row) {
      const dir = model.row < row ? 'down' : 'up';
      model.move(dir);
      await press(page, dir === 'down' ? 'ArrowDown' : 'ArrowUp');
    }
    while (model.col !== col) {
      const dir = model.col < col ? 'right' : 'left';
      model.move(dir);
      await press(page, dir === 'right' ? 'ArrowRight' : 'ArrowLeft');
    }
    await waitForFocus(page, `key-${char}`);
    await press(page, 'Enter');
  }
}

test('programme: 7 day tabs, today lists what is on air marked DIRECT; Right shows tomorrow', async () => {
  const { page } = stack.tv;
  await openApp(page, stack.appUrl, 'button-watch-live');
  await press(page, 'ArrowUp');
  await waitForFocus(page, 'button-programme');
  await press(page, 'Enter');
  await expectFocus(page, 'day-0', ["Aujourd'hui"]);
  const tabs = await page.evaluate(() => document.querySelectorAll('[data-testid^="day-"]').length);
  expect(tabs).toBe(7);
  const first = await textsIn(page, 'page-programme');
  expect(first).toContain('Demain');
  expect(first.filter((t) => t === 'DIRECT').length).toBeGreaterThanOrEqual(1);

  await press(page, 'ArrowDown');
  const row = await waitForFocus(page, /^programme-/);
  expect(row.texts).toContain('DIRECT');
  await page.waitForTimeout(500);
  await screenshot(page, 'programme');

  await press(page, 'ArrowUp');
  await press(page, 'ArrowRight');
  await waitForFocus(page, 'day-1');
  await press(page, 'ArrowDown');
  const tomorrow = await waitForFocus(page, /^programme-/);
  expect(tomorrow.texts).not.toContain('DIRECT');
  expect(tomorrow.testId).not.toBe(row.testId);

  // OK opens the event; Back returns to the same row of the same day.
  await press(page, 'Enter');
  await eventually(
    () => focused(page),
    (f) => (f.path[0] ?? '').startsWith('page-event-'),
    15_000,
    'event page',
  );
  await press(page, 'Backspace');
  await waitForFocus(page, tomorrow.testId!);
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-programme');
});

test('search: typing "theatre" without accents finds « Théâtre : Le Malade imaginaire » as you type', async () => {
  const { page } = stack.tv;
  await press(page, 'ArrowRight');
  await waitForFocus(page, 'button-search');
  await press(page, 'Enter');
  await waitForFocus(page, 'key-a');
  const keyboard = new KeyboardModel();

  await typeOnKeyboard(page, keyboard, 'thea');
  // Results already, before the word is complete.
  const partial = await eventually(
    () => textsIn(page, 'rail-search-results'),
    (t) => t.some((x) => x.includes('Théâtre')),
    10_000,
    'results for "thea"',
  );
  expect(partial.some((x) => x.startsWith('Théâtre : Le Malade imaginaire'))).toBe(true);
  await typeOnKeyboard(page, keyboard, 'tre');
  await eventually(
    () => textsIn(page, 'page-search'),
    (t) => t.includes('theatre'),
    10_000,
    'theatre',
  );

  // Down past the keyboard's last row reaches the results; OK opens the event.
  while (keyboard.move('down')) await press(page, 'ArrowDown');
  await press(page, 'ArrowDown');
  const result = await waitForFocus(page, /^tile-upcoming-culture-theatre-moliere$/);
  expect(result.path).toContain('rail-search-results');
  await screenshot(page, 'search');
  await press(page, 'Enter');
  await waitForFocus(page, /^page-event-culture-theatre-moliere$|^button-/);
  expect((await focused(page)).path[0]).toBe('page-event-culture-theatre-moliere');
  await press(page, 'Backspace');
  await waitForFocus(page, result.testId!);

  // Up returns to the key we left; nonsense finds nothing, and says so.
  await press(page, 'ArrowUp');
  await waitForFocus(page, 'key-space');
  await typeOnKeyboard(page, keyboard, 'zzq');
  await eventually(
    () => textsIn(page, 'page-search'),
    (t) => t.includes('Aucun résultat'),
    10_000,
    'no result message',
  );
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-search');
});

test('settings: switching to English changes the UI at once and survives a restart; back to French', async () => {
  const { page } = stack.tv;
  await press(page, 'ArrowRight');
  await waitForFocus(page, 'button-settings');
  await press(page, 'Enter');
  await expectFocus(page, 'setting-language', ['Langue', '‹ Français ›']);
  await press(page, 'Enter');
  await expectFocus(page, 'setting-language', ['Language', '‹ English ›']);
  await press(page, 'ArrowDown');
  await expectFocus(page, 'setting-subtitles', ['Subtitles by default', '‹ Off ›']);
  await press(page, 'ArrowRight');
  await expectFocus(page, 'setting-subtitles', ['Subtitles by default', '‹ On ›']);
  await screenshot(page, 'settings');

  // Screens opened after the switch speak English too (the search page was already opened
  // once in French in this session).
  await press(page, 'Backspace');
  await expectFocus(page, 'button-settings', ['Settings']);
  await press(page, 'ArrowLeft');
  await expectFocus(page, 'button-search', ['Search']);
  await press(page, 'Enter');
  await waitForFocus(page, 'key-a');
  await eventually(
    () => textsIn(page, 'page-search'),
    (t) => t.includes('Search') && t.includes('Type a title, a venue…'),
    10_000,
    'English search page',
  );
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-search');

  // A restart (the TV reloads the app): English and the subtitle choice are still there.
  await page.reload();
  await waitForFocus(page, 'button-watch-live');
  const home = await textsIn(page, 'page-home');
  expect(home).toContain('Channels');
  expect(home.some((t) => t.startsWith('LIVE NOW'))).toBe(true);
  await press(page, 'ArrowUp');
  await press(page, 'ArrowRight', 2);
  await waitForFocus(page, 'button-settings');
  await press(page, 'Enter');
  await waitForFocus(page, 'setting-language');
  await press(page, 'ArrowDown');
  await expectFocus(page, 'setting-subtitles', ['Subtitles by default', '‹ On ›']);
  await press(page, 'ArrowLeft');
  await press(page, 'ArrowUp');
  await press(page, 'Enter');
  await expectFocus(page, 'setting-language', ['Langue', '‹ Français ›']);
  await press(page, 'Backspace');
  await expectFocus(page, 'button-settings', ['Réglages']);
});

test('voice guidance: once on, moving focus reads the focused item aloud, in French', async () => {
  const { page } = stack.tv;
  // Record what the app asks the TV's speech engine to say (headless Chromium has no voices).
  await page.addInitScript(() => {
    const spoken: { text: string; lang: string }[] = [];
    (window as unknown as { __spoken: typeof spoken }).__spoken = spoken;
    window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => void spoken.push({ text: u.text, lang: u.lang });
  });
  await page.reload();
  await waitForFocus(page, 'button-watch-live');
  await press(page, 'ArrowUp');
  await press(page, 'ArrowRight', 2);
  await press(page, 'Enter');
  await waitForFocus(page, 'setting-language');
  await press(page, 'ArrowDown', 3);
  await expectFocus(page, 'setting-voiceGuidance', ['Guidage vocal', '‹ Désactivé ›']);
  await press(page, 'Enter');
  await expectFocus(page, 'setting-voiceGuidance', ['Guidage vocal', '‹ Activé ›']);
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-settings');
  await press(page, 'ArrowDown', 2);
  await waitForFocus(page, 'channel-sport');
  const spoken = await eventually(
    () => page.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string }[] }).__spoken),
    (s) => s.some((u) => u.text === "C'Sport"),
    10_000,
    'channel name spoken',
  );
  expect(spoken.find((u) => u.text === "C'Sport")!.lang).toBe('fr-FR');

  // What is not a focus move is read too: the quit question, and "Pause" in the player.
  await press(page, 'Escape');
  await waitForFocus(page, 'button-cancel');
  const said = () =>
    page.evaluate(() => (window as unknown as { __spoken: { text: string }[] }).__spoken.map((u) => u.text));
  await eventually(said, (s) => s.includes('Quitter Cité TV ?'), 10_000, 'quit question spoken');
  await press(page, 'Enter');
  await press(page, 'ArrowUp');
  await waitForFocus(page, 'button-watch-live');
  await press(page, 'Enter');
  await waitForFocus(page, 'player');
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 0.5 && !v.paused,
    45_000,
    'playing',
  );
  await press(page, 'Enter');
  await eventually(said, (s) => s.includes('Pause'), 10_000, 'pause spoken');
  await press(page, 'Backspace');
  await waitForFocus(page, 'button-watch-live');
});
