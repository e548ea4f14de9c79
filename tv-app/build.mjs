// Builds the TV app with esbuild (no Lightning CLI).
//   node build.mjs          → dist/ (modern: ES modules, hls.js split out and loaded on first play)
//                             dist-legacy/ (Chrome-38-class TVs: ES5 IIFE, core-js polyfills)
//   node build.mjs --test   → dist-test/ (modern + Lightning inspector + readable class names)
// The legacy path (FIELD-NOTES): esbuild cannot emit ES5, so esbuild bundles an ES2017 IIFE with
// core-js/stable, SWC lowers it for chrome 38, and acorn (ecmaVersion 5) proves the result parses.
import { build } from 'esbuild';
import { transformFileSync } from '@swc/core';
import * as acorn from 'acorn';
import { mkdirSync, rmSync, writeFileSync, copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const isTest = process.argv.includes('--test') || process.env.TV_APP_TEST_BUILD === '1';

const FONTS = [
  ['Inter', 'inter-latin-400-normal.woff2'],
  ['InterSemiBold', 'inter-latin-600-normal.woff2'],
  ['InterBold', 'inter-latin-700-normal.woff2'],
];

function html({ script, module }) {
  // The canvas sits above the <video> (z-index 2 over 1) and is cleared transparent,
  // so the UI draws over the picture; the body is black for the letterbox.
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cité TV</title>
<style>
  html, body { margin: 0; padding: 0; width: 100%; height: 100%; overflow: hidden; background: #000; }
  canvas { position: absolute; top: 0; left: 0; z-index: 2; }
  video#player { position: absolute; top: 0; left: 0; width: 100%; height: 100%; z-index: 1; background: #000; }
</style>
</head>
<body>
<script ${module ? 'type="module" ' : ''}src="${script}"></script>
</body>
</html>
`;
}

function copyFonts(outdir) {
  mkdirSync(join(outdir, 'fonts'), { recursive: true });
  const dir = dirname(require.resolve('@fontsource/inter/package.json'));
  for (const [, file] of FONTS) copyFileSync(join(dir, 'files', file), join(outdir, 'fonts', file));
}

const common = {
  bundle: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __TEST_BUILD__: String(isTest), __FONTS__: JSON.stringify(FONTS) },
};

async function buildModern(outdir, { test }) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: { main: join(here, 'src/main.ts') },
    outdir,
    format: 'esm',
    splitting: true, // hls.js becomes its own chunk, fetched by the dynamic import on first play
    target: ['chrome69'],
    minify: !test,
    keepNames: test,
    define: { ...common.define, __TEST_BUILD__: String(test) },
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
  }).then((result) => writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile)));
  writeFileSync(join(outdir, 'index.html'), html({ script: './main.js', module: true }));
  copyFonts(outdir);
}

async function buildLegacy(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const stage1 = join(outdir, 'app.es2017.js');
  await build({
    ...common,
    entryPoints: [join(here, 'src/main.legacy.ts')],
    outfile: stage1,
    format: 'iife',
    target: ['es2017'],
    minify: true,
    define: { ...common.define, __TEST_BUILD__: 'false' },
  });
  const out = transformFileSync(stage1, {
    swcrc: false,
    jsc: { parser: { syntax: 'ecmascript' }, loose: true, externalHelpers: false },
    env: { targets: { chrome: '38' } },
    minify: true,
    module: { type: 'es6' }, // no imports left: keeps SWC from wrapping the IIFE in CommonJS
    isModule: false,
  });
  rmSync(stage1);
  writeFileSync(join(outdir, 'app.js'), out.code);
  acorn.parse(out.code, { ecmaVersion: 5, sourceType: 'script' }); // throws if not ES5
  writeFileSync(join(outdir, 'index.html'), html({ script: './app.js', module: false }));
  copyFonts(outdir);
}

function gz(file) {
  return gzipSync(readFileSync(file)).length;
}

function report(outdir, initial) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const lines = [`${outdir.replace(here + '/', '')}: initial ${initial} ${kb(gz(join(outdir, initial)))} gzipped`];
  const chunks = join(outdir, 'chunks');
  try {
    for (const f of readdirSync(chunks)) lines.push(`  lazy chunks/${f} ${kb(gz(join(chunks, f)))} gzipped`);
  } catch {}
  console.log(lines.join('\n'));
}

if (isTest) {
  await buildModern(join(here, 'dist-test'), { test: true });
  report(join(here, 'dist-test'), 'main.js');
} else {
  await buildModern(join(here, 'dist'), { test: false });
  report(join(here, 'dist'), 'main.js');
  await buildLegacy(join(here, 'dist-legacy'));
  report(join(here, 'dist-legacy'), 'app.js');
}
