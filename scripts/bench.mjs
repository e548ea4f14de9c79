#!/usr/bin/env node
// `npm run bench`: the heavy measurements, kept out of `npm test` (CI stays short).
//   BENCH=edge|ll|tv|ingest|latency|flood|pass|site|all (default all), or BENCH=soak (30 minutes: never part of all). Each part writes its JSON and chart under bench/results/.
// Installs its peers and load generator (nginx, Varnish, wrk) from Debian apt when missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const which = process.env.BENCH ?? 'all';

const missing = [];
if (!existsSync('/usr/bin/wrk')) missing.push('wrk');
if (!existsSync('/usr/sbin/nginx')) missing.push('nginx-light');
if (!existsSync('/usr/sbin/varnishd')) missing.push('varnish');
if (missing.length > 0) {
  console.log(`bench: installing from Debian apt: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) {
    console.error(`bench: cannot install ${missing.join(' ')}; install them and run again`);
    process.exit(1);
  }
}

const parts = {
  edge: 'bench/edge/run.ts',
  ll: 'bench/ll/run.ts',
  tv: 'bench/tv/run.ts',
  ingest: 'bench/ingest/run.ts',
  latency: 'bench/latency/run.ts',
  flood: 'bench/flood/run.ts',
  pass: 'bench/pass/run.ts',
  site: 'bench/site/run.ts',
  soak: 'bench/soak/run.ts',
};
for (const [name, file] of Object.entries(parts)) {
  if (which !== name && (which !== 'all' || name === 'soak')) continue;
  if (!existsSync(path.join(root, file))) {
    console.log(`bench: ${name}: not written yet (${file})`);
    continue;
  }
  console.log(`bench: ${name}`);
  // Through sh to raise the open-file limit first (Node cannot): 10,000 simulated viewers hold
  // 10,000 connections, and the servers under test inherit the limit from here.
  const raise = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';
  const r = spawnSync('sh', ['-c', raise, path.join(root, 'node_modules/.bin/tsx'), path.join(root, file)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
