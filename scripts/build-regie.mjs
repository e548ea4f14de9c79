#!/usr/bin/env node
// Builds the régie (edge-origin/src/origin/regie/client, TypeScript + hono/jsx/dom) with esbuild
// into edge-origin/dist/regie/: index.html and one bundle. `--out <dir>` builds elsewhere.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'edge-origin/src/origin/regie/client');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : join(root, 'edge-origin/dist/regie');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(src, 'main.tsx')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx/dom',
  outfile: join(out, 'regie.js'),
  logLevel: 'warning',
});
writeFileSync(join(out, 'index.html'), readFileSync(join(src, 'index.html'), 'utf8'));
console.log(`régie built into ${out}`);
