// The production builds: the modern initial JS stays within the 150 KB gzipped budget with
// hls.js out of it (loaded on first play), and the legacy build is plain ES5 (acorn,
// ecmaVersion 5) for Chrome-38-class TVs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acorn from 'acorn';
import { itemAt } from '../../shared/lang/item-at.ts';

const APP = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tv-app');
const BUDGET_GZIP = 150 * 1024;

let OUT = '';

beforeAll(() => {
  // Its own output dir: other test files may be building or serving at the same time.
  OUT = mkdtempSync(join(tmpdir(), 'cite-tv-build-'));
  execFileSync(process.execPath, [join(APP, 'build.mjs'), '--out', OUT], { stdio: 'pipe' });
}, 120_000);

afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
});

function scriptOf(dir: string): string {
  const html = readFileSync(join(OUT, dir, 'index.html'), 'utf8');
  // dist/ picks its bundle in an inline loader (the modern one loaded as a module), dist-legacy/ has a tag.
  const match = /load\('\.\/([^']+)', true/.exec(html) ?? /<script[^>]*src="\.\/([^"]+)"/.exec(html);
  if (!match) throw new Error(`${dir}/index.html loads no script`);
  return itemAt(match, 1);
}

test('modern: initial JS (entry + its static imports) ≤ 150 KB gzipped, hls.js only in a lazy chunk', () => {
  const entry = scriptOf('dist');
  const entryCode = readFileSync(join(OUT, 'dist', entry), 'utf8');
  const statics = [...entryCode.matchAll(/(?:^|[;\s])import\s*(?:[^'"]*?from\s*)?"(\.\/chunks\/[^"]+)"/g)].map((m) =>
    itemAt(m, 1),
  );
  const initial = [entry, ...statics];
  const size = initial.reduce((sum, f) => sum + gzipSync(readFileSync(join(OUT, 'dist', f))).length, 0);
  expect(size).toBeLessThanOrEqual(BUDGET_GZIP);
  // hls.js and the player page are reached only through dynamic imports (from the entry or a
  // chunk it loads at start), never loaded at start.
  const initialCode = initial.map((f) => readFileSync(join(OUT, 'dist', f), 'utf8')).join('\n');
  for (const lazy of ['hls', 'PlayerPage']) {
    const dynamic = [...initialCode.matchAll(new RegExp(`import\\("\\.\\/(?:chunks\\/)?(${lazy}-[^"]+)"\\)`, 'g'))].map(
      (m) => `chunks/${itemAt(m, 1)}`,
    );
    expect(new Set(dynamic).size).toBe(1);
    expect(initial).not.toContain(dynamic[0]);
  }
  for (const f of initial) expect(readFileSync(join(OUT, 'dist', f), 'utf8')).not.toContain('hls.js: ');
});

test('legacy: the app and hls.js parse as ES5 scripts; index.html loads a classic script', () => {
  const entry = scriptOf('dist-legacy');
  expect(readFileSync(join(OUT, 'dist-legacy', 'index.html'), 'utf8')).not.toContain('type="module"');
  const code = readFileSync(join(OUT, 'dist-legacy', entry), 'utf8');
  expect(() => acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' })).not.toThrow();
  const hls = readFileSync(join(OUT, 'dist-legacy', 'hls.min.js'), 'utf8');
  expect(() => acorn.parse(hls, { ecmaVersion: 5, sourceType: 'script' })).not.toThrow();
});

test("legacy: the player's component states keep their class names (Lightning names states after them; old engines cannot redefine a name)", () => {
  const code = readFileSync(join(OUT, 'dist-legacy', scriptOf('dist-legacy')), 'utf8');
  for (const name of ['Watching', 'Tracks', 'Chapters', 'Failed', 'Ended', 'Seeking'])
    expect(code).toContain(`function ${name}(`);
});
