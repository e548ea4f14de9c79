#!/usr/bin/env node
// `npm run edge|origin|encoder` (and `npm start`, through scripts/start.mjs): runs the built
// bundle, edge-origin/dist/<name>.mjs, inside this very process (no tsx, no second Node), when it
// is there and newer than every source it was built from. Otherwise it says why and runs the
// TypeScript sources through tsx, as before the build existed (`npm run build` makes the bundles).
//   node scripts/run.mjs <edge|origin|start|encoder> [args...]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Where the bundles are: edge-origin/dist, or SERVER_DIST_DIR (the tests' own builds).
const dist = process.env.SERVER_DIST_DIR
  ? path.resolve(process.env.SERVER_DIST_DIR)
  : path.join(root, 'edge-origin/dist');
const shown = path.relative(process.cwd(), dist) || '.';
const ENTRIES = ['edge', 'origin', 'start', 'encoder'];

/** Why edge-origin/dist/<entry>.mjs cannot be used ('' when it can). */
export function staleReason(entry) {
  const bundle = path.join(dist, `${entry}.mjs`);
  const inputsFile = path.join(dist, `${entry}.inputs.json`);
  if (!existsSync(bundle) || !existsSync(inputsFile)) return 'is not built yet';
  const builtAt = statSync(bundle).mtimeMs;
  for (const input of JSON.parse(readFileSync(inputsFile, 'utf8'))) {
    const file = path.join(root, input);
    if (!existsSync(file)) return `is older than its sources (${input} is gone)`;
    if (statSync(file).mtimeMs > builtAt) return `is older than its sources (${input} changed)`;
  }
  return '';
}

/** Runs an entry point with `args` (its own flags), built if fresh, else from source with tsx. */
export async function runEntry(entry, args) {
  const why = staleReason(entry);
  if (!why) {
    // The bundle reads its flags from process.argv like the sources do; cluster workers re-run
    // this script with the same arguments, so they land here too.
    await import(pathToFileURL(path.join(dist, `${entry}.mjs`)).href);
    return;
  }
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  if (!existsSync(tsx)) {
    console.error(`${entry}: ${shown}/${entry}.mjs ${why}, and tsx is not installed: run npm run build`);
    process.exit(1);
  }
  console.error(
    `${entry}: ${shown}/${entry}.mjs ${why}: running the TypeScript sources with tsx (npm run build makes it)`,
  );
  const child = spawn(tsx, [path.join(root, `edge-origin/src/bin/${entry}.node.ts`), ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const entry = process.argv[2] ?? '';
  if (!ENTRIES.includes(entry)) {
    console.error(`usage: node scripts/run.mjs <${ENTRIES.join('|')}> [args...]`);
    process.exit(2);
  }
  await runEntry(entry, process.argv.slice(3));
}
