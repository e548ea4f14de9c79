#!/usr/bin/env node
// Builds the spectators' phone page (edge-origin/src/origin/contributions/page, plain TypeScript)
// with esbuild into edge-origin/dist/participer/: index.html and app.js. ES2019 in one classic
// script: it runs on the phones of three years ago. With it the broadcast's lower third
// (contributions/bandeau): bandeau.html and bandeau.js. `--out <dir>` builds elsewhere.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'edge-origin/src/origin/contributions/page');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : join(root, 'edge-origin/dist/participer');
mkdirSync(out, { recursive: true });
const bundle = (entry, outfile) =>
  build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    target: ['es2019', 'chrome80'],
    minify: true,
    outfile,
    logLevel: 'warning',
  });
await bundle(join(src, 'main.ts'), join(out, 'app.js'));
writeFileSync(join(out, 'index.html'), readFileSync(join(src, 'index.html'), 'utf8'));
const bandeau = join(src, '../bandeau');
await bundle(join(bandeau, 'main.ts'), join(out, 'bandeau.js'));
writeFileSync(join(out, 'bandeau.html'), readFileSync(join(bandeau, 'index.html'), 'utf8'));
console.log(`phone page built into ${out}`);
