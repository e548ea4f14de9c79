// Builds the TV app with esbuild (no Lightning CLI).
//   node build.mjs          → dist/ (modern: ES modules, hls.js split out and loaded on first play)
//                             dist-legacy/ (Chrome-38-class TVs: ES5 IIFE, core-js polyfills)
//   node build.mjs --test   → dist-test/ (modern, unminified, + Lightning inspector)
// The legacy path (FIELD-NOTES): esbuild cannot emit ES5, so esbuild bundles an ES2017 IIFE with
// core-js/stable, SWC lowers it for chrome 38, and acorn (ecmaVersion 5) proves the result parses.
import { build } from 'esbuild';
import { transformFileSync, transformSync } from '@swc/core';
import * as acorn from 'acorn';
import { mkdirSync, rmSync, writeFileSync, copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const isTest = process.argv.includes('--test') || process.env.TV_APP_TEST_BUILD === '1';
// `--out <dir>`: build somewhere else (tests build into their own temp dirs, so parallel
// test files never delete each other's files). Test build → <dir>; production → <dir>/dist
// and <dir>/dist-legacy.
const outIndex = process.argv.indexOf('--out');
const outRoot = outIndex > 0 ? process.argv[outIndex + 1] : null;

const FONTS = [
  ['Inter', 'inter-latin-400-normal.woff2'],
  ['InterSemiBold', 'inter-latin-600-normal.woff2'],
  ['InterBold', 'inter-latin-700-normal.woff2'],
];

/**
 * dist/index.html's loader: one build for every TV, the bundle chosen by what the engine can do,
 * never by its user agent. The modern bundle needs ES modules and uses Object.fromEntries and
 * Array.prototype.flatMap unpolyfilled (Chrome 73 class; esbuild's chrome69 syntax target is
 * older), so an engine with modules but without them (Tizen 5.0's Chromium 63, webOS 5's 68) would
 * fail on it: `<script type="module">` + `nomodule` alone would send them there. Those and every
 * engine without modules get the ES5 bundle with core-js. ES5 itself, inline (no extra request).
 * A module graph the engine cannot fetch (module scripts are CORS requests, and a packaged app's
 * page is a file:// one, which some engines refuse them) fires `error` on the tag: the ES5 bundle
 * then, the same capability test by the result.
 */
function loaderScript(modern, legacy) {
  return `(function (d) {
  function load(src, module, onerror) {
    var s = d.createElement('script');
    if (module) s.type = 'module';
    s.onerror = onerror;
    s.src = src;
    d.body.appendChild(s);
  }
  function legacy() {
    load('${legacy}', false, null);
  }
  var probe = d.createElement('script');
  if ('noModule' in probe && typeof Object.fromEntries === 'function' && typeof [].flatMap === 'function') {
    load('${modern}', true, legacy);
  } else {
    legacy();
  }
})(document);`;
}

function html({ script, module, inline }) {
  // The canvas sits above the <video> (z-index 2 over 1) and is cleared transparent,
  // so the UI draws over the picture; the body is black for the letterbox.
  const tag = inline
    ? `<script>\n${inline}\n</script>`
    : `<script ${module ? 'type="module" ' : ''}src="${script}"></script>`;
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
${tag}
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
  define: { __TEST_BUILD__: String(isTest), __LEGACY_BUILD__: 'false', __FONTS__: JSON.stringify(FONTS) },
};

/** The output file esbuild wrote for entry `entry` (names carry a content hash). */
function entryOutput(metafile, entry) {
  const [file] = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint?.endsWith(entry)) ?? [];
  if (!file) throw new Error(`build: no output for ${entry}`);
  return file.slice(file.lastIndexOf('/') + 1);
}

async function buildModern(outdir, { test }) {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    ...common,
    entryPoints: { main: join(here, 'src/main.ts') },
    outdir,
    format: 'esm',
    splitting: true, // hls.js becomes its own chunk, fetched by the dynamic import on first play
    target: ['chrome69'],
    // Test builds are not minified, so class names stay readable in the inspector
    // (type="ChannelTile"). NOT esbuild's keepNames: it injects __name() calls into every
    // function, and Lightning serialises its image worker with Function.toString() into a
    // Blob worker where __name does not exist: the worker throws and no image ever loads.
    minify: !test,
    define: { ...common.define, __TEST_BUILD__: String(test) },
    // Content-hashed names: edges and TVs may cache scripts for long; only index.html
    // (tiny, revalidated) names the current bundle.
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
  });
  writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  const main = entryOutput(result.metafile, 'src/main.ts');
  writeFileSync(join(outdir, 'index.html'), html({ script: `./${main}`, module: true }));
  copyFonts(outdir);
  return main;
}

const LEGACY_TARGETS = { chrome: '38' };

/** `import "core-js/modules/…"` lines for what the legacy targets miss (SWC's env entry mode). */
function legacyPolyfills() {
  const coreJs = JSON.parse(readFileSync(require.resolve('core-js/package.json'), 'utf8')).version;
  return transformSync("import 'core-js/stable';", {
    swcrc: false,
    filename: 'polyfills.js',
    jsc: { parser: { syntax: 'ecmascript' } },
    env: { targets: LEGACY_TARGETS, mode: 'entry', coreJs },
    module: { type: 'es6' },
    isModule: true,
  }).code;
}

/** Legacy only: modules swapped for their `.legacy.ts` sibling (no dynamic import in an IIFE). */
const legacySwaps = {
  name: 'legacy-swaps',
  setup(b) {
    b.onResolve({ filter: /\/(player-page|venue)-loader\.ts$/ }, (args) => ({
      path: join(args.resolveDir, args.path.replace(/\.ts$/, '.legacy.ts')),
    }));
  },
};

async function buildLegacy(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const stage1 = join(outdir, 'app.es2017.js');
  await build({
    ...common,
    // Polyfills first, then the app. Only the core-js modules Chrome 38 lacks: SWC's `entry`
    // mode expands `import 'core-js/stable'` into exactly those for the target.
    // fetch (Chrome 42+) is a web API core-js does not cover: whatwg-fetch adds it.
    stdin: {
      contents: `${legacyPolyfills()}\nimport 'whatwg-fetch';\nimport './src/main.ts';\n`,
      resolveDir: here,
      sourcefile: 'legacy-entry.js',
      loader: 'js',
    },
    outfile: stage1,
    plugins: [legacySwaps],
    format: 'iife',
    target: ['es2017'],
    // Not minified here: esbuild's minifier drops class names, and Lightning names component
    // states after their classes. SWC minifies below, keeping them (ui/state.ts pins the names
    // on modern engines; Chrome-38-class ones cannot redefine a function's name).
    minify: false,
    define: { ...common.define, __TEST_BUILD__: 'false', __LEGACY_BUILD__: 'true' },
  });
  const keepNames = { keep_classnames: true, keep_fnames: true };
  const out = transformFileSync(stage1, {
    swcrc: false,
    jsc: {
      parser: { syntax: 'ecmascript' },
      loose: true,
      externalHelpers: false,
      minify: { compress: keepNames, mangle: keepNames },
    },
    env: { targets: LEGACY_TARGETS },
    minify: true,
    module: { type: 'es6' }, // no imports left: keeps SWC from wrapping the IIFE in CommonJS
    isModule: false,
  });
  rmSync(stage1);
  acorn.parse(out.code, { ecmaVersion: 5, sourceType: 'script' }); // throws if not ES5
  const name = `app-${createHash('sha256').update(out.code).digest('hex').slice(0, 8)}.js`;
  writeFileSync(join(outdir, name), out.code);
  writeFileSync(join(outdir, 'index.html'), html({ script: `./${name}`, module: false }));
  copyFonts(outdir);
  // hls.js's own ES5 UMD build, added by the player on first play (see player/hls-player.ts).
  const hls = readFileSync(join(dirname(require.resolve('hls.js/package.json')), 'dist', 'hls.min.js'), 'utf8');
  acorn.parse(hls, { ecmaVersion: 5, sourceType: 'script' });
  writeFileSync(join(outdir, 'hls.min.js'), hls);
  return name;
}

function gz(file) {
  return gzipSync(readFileSync(file)).length;
}

/** Gzipped sizes: the initial JS (entry + the chunks it imports statically) and the lazy chunks. */
function sizes(outdir, entry) {
  const metaPath = join(outdir, 'meta.json');
  let initialFiles = [entry];
  try {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    const key = Object.keys(meta.outputs).find((k) => k.endsWith(`/${entry}`));
    const statics = meta.outputs[key].imports
      .filter((i) => i.kind === 'import-statement')
      .map((i) => i.path.slice(i.path.indexOf('/chunks/') + 1));
    initialFiles = [entry, ...statics];
  } catch {
    // Legacy build: one file, no metafile.
  }
  const initial = initialFiles.reduce((sum, f) => sum + gz(join(outdir, f)), 0);
  const lazy = [];
  try {
    lazy.push({ file: 'hls.min.js', gzip: gz(join(outdir, 'hls.min.js')) });
  } catch {}
  try {
    for (const f of readdirSync(join(outdir, 'chunks'))) {
      if (!initialFiles.includes(`chunks/${f}`))
        lazy.push({ file: `chunks/${f}`, gzip: gz(join(outdir, 'chunks', f)) });
    }
  } catch {}
  return { initialFiles, initialGzip: initial, lazy };
}

function report(outdir, entry) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const s = sizes(outdir, entry);
  const lines = [
    `${outdir.replace(`${here}/`, '')}: initial JS ${kb(s.initialGzip)} gzipped (${s.initialFiles.join(' + ')})`,
  ];
  for (const l of s.lazy) lines.push(`  lazy ${l.file} ${kb(l.gzip)} gzipped`);
  console.log(lines.join('\n'));
}

if (isTest) {
  const dir = outRoot ?? join(here, 'dist-test');
  report(dir, await buildModern(dir, { test: true }));
} else {
  const modern = join(outRoot ?? here, 'dist');
  const legacy = join(outRoot ?? here, 'dist-legacy');
  const modernMain = await buildModern(modern, { test: false });
  const legacyApp = await buildLegacy(legacy);
  // dist/ is the one build every TV loads (hosted, Tizen and webOS packages): the ES5 bundle and
  // hls.js's ES5 build sit beside the modern one (same fonts, hls.min.js where the legacy player
  // asks for it), and index.html picks one by capability. dist-legacy/ stays a legacy-only copy.
  copyFileSync(join(legacy, legacyApp), join(modern, legacyApp));
  copyFileSync(join(legacy, 'hls.min.js'), join(modern, 'hls.min.js'));
  writeFileSync(join(modern, 'index.html'), html({ inline: loaderScript(`./${modernMain}`, `./${legacyApp}`) }));
  report(modern, modernMain);
  report(legacy, legacyApp);
}
