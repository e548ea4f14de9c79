#!/usr/bin/env node
// `npm start`: the whole system on one machine, on the embedded defaults (memory store, no Redis).
// 1. builds the TV app, the régie, the phone page and the server bundles when they have not been
//    built yet (tv-app/dist/index.html, edge-origin/dist/…),
// 2. runs edge-origin/dist/start.mjs (built from edge-origin/src/bin/start.node.ts) in this process,
//    or the sources through tsx when the bundle is older than them (scripts/run.mjs says so); it
//    makes the demo media on first start, then runs the origin and, in front of it, the edge, and
//    prints the URL to open.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runEntry } from './run.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const built = [
  'tv-app/dist/index.html',
  'edge-origin/dist/regie/index.html',
  'edge-origin/dist/participer/index.html',
  'edge-origin/dist/start.mjs',
];
if (!built.every((file) => existsSync(path.join(root, file)))) {
  console.log('start: building the TV app, the régie, the phone page and the server (first start)…');
  run('npm', ['run', '--silent', 'build']);
}

await runEntry('start', process.argv.slice(2));
