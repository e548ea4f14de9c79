// One build for every TV: dist/index.html's inline loader picks the modern bundle or the ES5 one
// by what the engine can do. The real loader from a real production build runs here against
// engines of the TVs in the field, each emulated by the features it has (a fresh JS realm with
// the built-ins the engine lacks removed). None of them is asked for its user agent: navigator
// and location throw when touched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import * as acorn from 'acorn';
import { itemAt } from '../../shared/lang/item-at.ts';

const APP = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tv-app');
let OUT = '';
let HTML = '';

beforeAll(() => {
  OUT = mkdtempSync(join(tmpdir(), 'cite-tv-choice-'));
  execFileSync(process.execPath, [join(APP, 'build.mjs'), '--out', OUT], { stdio: 'pipe' });
  HTML = readFileSync(join(OUT, 'dist', 'index.html'), 'utf8');
}, 120_000);

afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
});

interface Engine {
  modules: boolean;
  fromEntries: boolean;
  flatMap: boolean;
}
interface Tag {
  type?: string;
  src?: string;
  noModule?: boolean;
  onerror?: (() => void) | null;
}

function loaderOf(html: string): string {
  const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => itemAt(m, 1));
  expect(inline).toHaveLength(1);
  return itemAt(inline, 0);
}

/** Runs the loader in a realm shaped like `engine`; returns the tags it added, in order. */
function run(engine: Engine): Tag[] {
  const added: Tag[] = [];
  const untouchable = new Proxy(
    {},
    {
      get: (_t, key) => {
        throw new Error(`the loader read ${String(key)}: it must test features, not the device`);
      },
    },
  );
  const document = {
    createElement: (name: string): Tag => {
      expect(name).toBe('script');
      return engine.modules ? { noModule: false } : {};
    },
    body: { appendChild: (tag: Tag) => added.push(tag) },
  };
  const realm = createContext({ document, navigator: untouchable, location: untouchable });
  if (!engine.fromEntries) runInContext('delete Object.fromEntries;', realm);
  if (!engine.flatMap) runInContext('delete Array.prototype.flatMap;', realm);
  runInContext(loaderOf(HTML), realm);
  return added;
}

const CHROME_38 = { modules: false, fromEntries: false, flatMap: false }; // 2014-2016 TVs
const CHROME_63 = { modules: true, fromEntries: false, flatMap: false }; // Tizen 5.0 (2019)
const CHROME_68 = { modules: true, fromEntries: false, flatMap: true }; // webOS 5 (2020)
const MODERN = { modules: true, fromEntries: true, flatMap: true };

test('the loader is ES5, inline, and the only script: nothing loads before the choice', () => {
  const loader = loaderOf(HTML);
  expect(() => acorn.parse(loader, { ecmaVersion: 5, sourceType: 'script' })).not.toThrow();
  expect(HTML).not.toMatch(/<script[^>]*\ssrc=/);
  expect(HTML).not.toMatch(/userAgent|navigator/);
});

test('an engine without ES modules (Chrome 38 class) gets the ES5 bundle as a classic script', () => {
  const tags = run(CHROME_38);
  expect(tags).toHaveLength(1);
  expect(itemAt(tags, 0).src).toMatch(/^\.\/app-[0-9a-f]{8}\.js$/);
  expect(itemAt(tags, 0).type).toBeUndefined();
});

test('engines with modules but without what the modern bundle uses unpolyfilled get the ES5 bundle', () => {
  for (const engine of [CHROME_63, CHROME_68, { ...MODERN, fromEntries: false }, { ...MODERN, flatMap: false }]) {
    const tags = run(engine);
    expect(tags.map((t) => [t.type, t.src?.replace(/-[^.]+\./, '-*.')])).toEqual([[undefined, './app-*.js']]);
  }
});

test('a modern engine gets the module bundle, and the ES5 one if the module graph cannot be fetched', () => {
  const tags = run(MODERN);
  expect(tags).toHaveLength(1);
  const modern = itemAt(tags, 0);
  expect(modern.type).toBe('module');
  expect(modern.src).toMatch(/^\.\/main-[A-Z0-9]+\.js$/);
  // The modern file is the build's entry, the legacy one the ES5 build's.
  expect(readFileSync(join(OUT, 'dist', modern.src ?? ''), 'utf8')).toMatch(/\bimport\b/);
  // A module graph that fails to load (e.g. refused from file://) fires `error` on the tag.
  modern.onerror?.();
  expect(tags).toHaveLength(2);
  const legacy = itemAt(tags, 1);
  expect(legacy.type).toBeUndefined();
  const es5 = readFileSync(join(OUT, 'dist', legacy.src ?? ''), 'utf8');
  expect(es5).toBe(readFileSync(join(OUT, 'dist-legacy', legacy.src ?? ''), 'utf8'));
  expect(() => acorn.parse(es5, { ecmaVersion: 5, sourceType: 'script' })).not.toThrow();
});
