#!/usr/bin/env node
// Builds the Node entry points into plain JavaScript with esbuild, so production runs `node`, not
// `tsx` (a second Node process and a TypeScript transform at every start):
//   edge-origin/dist/edge.mjs     the edge, every dependency inside: one file, runs with `node` alone
//                                 (what scripts/pack-edge.mjs ships to ISPs)
//   edge-origin/dist/origin.mjs   the origin, \
//   edge-origin/dist/start.mjs    `npm start`,  } workspace code bundled, npm packages left to node_modules
//   edge-origin/dist/encoder.mjs  the encoder, /  (sharp is native, ffmpeg is a binary)
// Each bundle has a <name>.inputs.json beside it (the source files it was made from) so that
// scripts/run.mjs can tell a stale build from a fresh one. The Deno entry points are untouched.
//   node scripts/build-server.mjs [--out <dir>] [edge|origin|start|encoder ...]   (default: all)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? resolve(args[outIndex + 1] ?? '.') : join(root, 'edge-origin/dist');
const names = args.filter((a, i) => !a.startsWith('--') && (outIndex < 0 || i !== outIndex + 1));
const ALL = ['edge', 'origin', 'start', 'encoder'];
const wanted = names.length ? names : ALL;
const unknown = wanted.filter((n) => !ALL.includes(n));
if (unknown.length) {
  console.error(`build-server: unknown entry point(s) ${unknown.join(', ')} (known: ${ALL.join(', ')})`);
  process.exit(2);
}

// The origin finds its folders (media, ingest, dist/regie, the repo root) with
// `new URL('../../../x', import.meta.url)` from its source files. In a bundle import.meta.url is
// the bundle's, so each source's own URL is put back: the bundle's URL resolved to that source's
// path, relative to the output folder (the bundle must stay inside the repository for this).
const keepSourceUrls = {
  name: 'keep-source-urls',
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(out, args.path).split('\\').join('/');
      return {
        contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

const bins = join(root, 'edge-origin/src/bin');
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
};
// CommonJS packages inside an ES module bundle call require() (for node:events and the like);
// this gives them Node's.
const requireBanner = {
  js: "import { createRequire as __citeTvCreateRequire } from 'node:module'; const require = __citeTvCreateRequire(import.meta.url);",
};

const entries = {
  edge: {
    entryPoints: [join(bins, 'edge.node.ts')],
    banner: requireBanner,
  },
  origin: { entryPoints: [join(bins, 'origin.node.ts')], packages: 'external', plugins: [keepSourceUrls] },
  start: { entryPoints: [join(bins, 'start.node.ts')], packages: 'external', plugins: [keepSourceUrls] },
  encoder: { entryPoints: [join(bins, 'encoder.node.ts')], packages: 'external', plugins: [keepSourceUrls] },
};

mkdirSync(out, { recursive: true });
const started = Date.now();
await Promise.all(
  wanted.map(async (name) => {
    const outfile = join(out, `${name}.mjs`);
    const result = await build({ ...common, ...entries[name], outfile });
    const all = Object.keys(result.metafile.inputs).map((p) => relative(root, join(process.cwd(), p)));
    const inputs = all.filter((p) => !p.includes('node_modules/'));
    writeFileSync(join(out, `${name}.inputs.json`), `${JSON.stringify(inputs, null, 1)}\n`);
    // The npm packages inside the bundle (their folders), for the license notices a package ships.
    const packages = new Set(all.flatMap((p) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1] ?? []));
    writeFileSync(join(out, `${name}.packages.json`), `${JSON.stringify([...packages].sort(), null, 1)}\n`);
  }),
);
// The edge's native front door (config nativeFrontDoor): a Node add-on compiled with g++ against
// Node's own headers (Node-API, so one build serves every Node of that ABI on this platform),
// beside edge.mjs. Without a compiler the edge still runs, with the JavaScript front door.
if (wanted.includes('edge')) buildNativeFrontDoor(join(out, 'front-door.node'));
// The origin's photo process runs a plain JavaScript file of its own (contributions/photo-child.mjs):
// beside the bundles, for an install that ships dist/ without the sources (deploy/origin's image).
if (wanted.some((n) => n === 'origin' || n === 'start'))
  copyFileSync(join(root, 'edge-origin/src/origin/contributions/photo-child.mjs'), join(out, 'photo-child.mjs'));
console.log(
  `server built into ${relative(process.cwd(), out) || '.'}: ${wanted.map((n) => `${n}.mjs`).join(', ')} (${Date.now() - started} ms)`,
);

function buildNativeFrontDoor(target) {
  const source = join(root, 'edge-origin/src/edge/node/native/front-door.cc');
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) return;
  const headers = [join(dirname(process.execPath), '../include/node'), '/usr/include/node'].find((d) =>
    existsSync(join(d, 'node_api.h')),
  );
  if (!headers) {
    console.warn('build-server: no Node headers (node_api.h): the native front door is not built');
    return;
  }
  const args = ['-std=c++17', '-O2', '-fPIC', '-shared', '-Wall', '-Wextra', '-Wno-unused-parameter'];
  args.push(`-I${headers}`, '-DNODE_GYP_MODULE_NAME=front_door', source, '-o', target, '-lpthread');
  const made = spawnSync(process.env.CXX || 'g++', args, { stdio: 'inherit' });
  if (made.status !== 0)
    console.warn(
      `build-server: the native front door did not build (${made.error?.message ?? `g++ exit ${made.status}`})`,
    );
}
