#!/usr/bin/env node
// `npm run pack:edge`: the edge-only package an ISP installs, cite-tv-edge-<version>.tgz (an npm
// tarball: `tar xzf` it, or `npm install -g` it). It holds the edge as one file with every
// dependency inside (scripts/build-server.mjs), so it needs Node and nothing else: no npm install,
// no ffmpeg, Deno, Chromium or sharp (those are the origin's and the tests'). Also inside: the
// operator's README, the example config, the systemd unit, the licenses.
//   node scripts/pack-edge.mjs [--out <dir>]     (default: edge-origin/dist/)
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? resolve(process.argv[outIndex + 1] ?? '.') : join(root, 'edge-origin/dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const stage = mkdtempSync(join(tmpdir(), 'cite-tv-edge-'));
try {
  execFileSync(process.execPath, [join(root, 'scripts/build-server.mjs'), '--out', stage, 'edge'], {
    stdio: 'inherit',
  });
  // Run as a command (`npm install -g`, the bin link) as well as with `node edge.mjs`.
  const edge = join(stage, 'edge.mjs');
  // The source map and the LEGAL file stay out of the package: their pointers go, the notices are
  // in THIRD-PARTY-NOTICES.
  const code = readFileSync(edge, 'utf8')
    .replace(
      /\/\*! For license information please see edge\.mjs\.LEGAL\.txt \*\/\n/,
      '/*! Licenses: THIRD-PARTY-NOTICES */\n',
    )
    .replace(/\/\/# sourceMappingURL=edge\.mjs\.map\n?$/, '');
  // Run as a command, with the V8 flag the unit and the image pass (deploy/edge/README.md): env's
  // -S splits the line (coreutils 8.30 and later, every supported Debian, Ubuntu and RHEL).
  writeFileSync(edge, `#!/usr/bin/env -S node --no-memory-reducer\n${code}`);
  chmodSync(edge, 0o755);

  copyFileSync(join(root, 'deploy/edge/README.md'), join(stage, 'README.md'));
  copyFileSync(join(root, 'deploy/edge.example.json'), join(stage, 'edge.example.json'));
  copyFileSync(join(root, 'deploy/systemd/cite-tv-edge.service'), join(stage, 'cite-tv-edge.service'));
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  writeFileSync(
    join(stage, 'THIRD-PARTY-NOTICES'),
    notices(JSON.parse(readFileSync(join(stage, 'edge.packages.json'), 'utf8'))),
  );

  const manifest = {
    name: 'cite-tv-edge',
    version,
    description: "Cité TV's HLS edge cache, for the ISPs that host it: one file, Node.js only.",
    license: 'MIT',
    type: 'module',
    bin: { 'cite-tv-edge': 'edge.mjs' },
    main: 'edge.mjs',
    // Node 22 LTS is the target; 20 is what it is tested on too.
    engines: { node: '>=20' },
    // The native front door's add-on when this machine could build it (EDGE_NATIVE_FRONT_DOOR):
    // built for this platform (Linux, this CPU); elsewhere the edge uses its JavaScript door.
    files: [
      'edge.mjs',
      'edge.example.json',
      'cite-tv-edge.service',
      'THIRD-PARTY-NOTICES',
      ...(existsSync(join(stage, 'front-door.node')) ? ['front-door.node'] : []),
    ],
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  console.log(join(out, tarball ?? ''));
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** Each bundled package's name, version, license and license text. */
function notices(packageDirs) {
  const parts = ['The edge (edge.mjs) bundles these libraries; their licenses follow.\n'];
  for (const dir of packageDirs) {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENSE-MIT'].find((f) =>
      existsSync(join(root, dir, f)),
    );
    const text = file
      ? readFileSync(join(root, dir, file), 'utf8').trim()
      : `License: ${pkg.license ?? 'see the package'}`;
    parts.push(`${'-'.repeat(72)}\n${pkg.name} ${pkg.version} (${pkg.license ?? '?'})\n\n${text}\n`);
  }
  return parts.join('\n');
}
