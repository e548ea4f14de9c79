#!/usr/bin/env node
// `npm start`: the whole system on one machine, on the embedded defaults (memory store, no Redis).
// 1. builds the TV app when it has not been built yet (tv-app/dist/index.html),
// 2. hands over to edge-origin/src/bin/start.node.ts, which makes the demo media on first start,
//    then runs the origin and, in front of it, the edge, and prints the URL to open.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const built = ['tv-app/dist/index.html', 'edge-origin/dist/regie/index.html', 'edge-origin/dist/participer/index.html'];
if (!built.every((file) => existsSync(path.join(root, file)))) {
  console.log('start: building the TV app, the régie and the phone page (first start)…');
  run('npm', ['run', '--silent', 'build']);
}

const tsx = path.join(root, 'node_modules/.bin/tsx');
const child = spawn(tsx, [path.join(root, 'edge-origin/src/bin/start.node.ts')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
