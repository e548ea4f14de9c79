// Varnish (Debian's varnishd) as the other reference cache for LL-HLS: its waiting list collapses
// requests for an object being fetched and wakes every waiter when the answer is in, and it
// streams bodies to all of them (do_stream). The VCL keeps what a sensible HLS setup keeps: the
// origin's Cache-Control (a blocking reload's answer for six target durations, a plain playlist
// half of one), a short grace, a first-byte timeout above the spec's three-target-duration hold.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startProcess, type Started } from '../edge/processes.ts';

export function ensureVarnish(): string {
  const binary = '/usr/sbin/varnishd';
  if (existsSync(binary)) return binary;
  console.log('bench: varnish is missing, installing it from Debian apt…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'varnish'], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0 || !existsSync(binary))
    throw new Error('bench: could not install varnish (apt-get install varnish)');
  return binary;
}

export function varnishVcl(upstream: URL): string {
  return `vcl 4.1;
backend origin {
  .host = "${upstream.hostname}";
  .port = "${upstream.port}";
  .connect_timeout = 3s;
  .first_byte_timeout = 20s;
  .between_bytes_timeout = 10s;
}
sub vcl_backend_response {
  set beresp.grace = 1s;
  set beresp.do_stream = true;
}
`;
}

export function startVarnish(binary: string, port: number, upstreamUrl: string): Started {
  const dir = `/dev/shm/cite-tv-bench-varnish-${process.pid}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const vcl = path.join(dir, 'bench.vcl');
  writeFileSync(vcl, varnishVcl(new URL(upstreamUrl)));
  return startProcess('varnish', binary, [
    '-F',
    '-a',
    `127.0.0.1:${port}`,
    '-f',
    vcl,
    '-n',
    path.join(dir, 'work'),
    '-s',
    'malloc,256m',
    '-p',
    'thread_pool_min=50',
  ]);
}
