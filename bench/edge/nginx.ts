// nginx configured as a best-practice HLS cache, the peer our edge is measured against:
// cache lock (collapse), stale while updating in the background, short playlist TTL, long
// segment TTL, cache on tmpfs, keep-alive to the upstream, 2 workers (one per core).
import { mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startProcess, type Started } from './processes.ts';

export function ensureNginx(): string {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(p)) return p;
  console.log('bench: nginx is missing, installing it from Debian apt…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'nginx-light'], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0 || !existsSync('/usr/sbin/nginx'))
    throw new Error('bench: could not install nginx (apt-get install nginx-light)');
  return '/usr/sbin/nginx';
}

export function nginxConfig(prefix: string, port: number, upstream: URL, playlistTtlSeconds: number): string {
  // As root, nginx's workers would switch to `nobody`, who cannot write the cache directory.
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  return `
${user}
worker_processes 2;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 16384; multi_accept on; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 100000; keepalive_timeout 60s;
  client_body_temp_path ${prefix}/tmp/body; proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi; uwsgi_temp_path ${prefix}/tmp/uwsgi; scgi_temp_path ${prefix}/tmp/scgi;
  proxy_cache_path ${prefix}/cache levels=1:2 keys_zone=hls:64m max_size=2g inactive=10m use_temp_path=off;
  upstream origin { server ${upstream.host}; keepalive 64; }
  server {
    listen 127.0.0.1:${port} reuseport backlog=16384;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_cache hls;
    proxy_cache_key $uri$is_args$args;
    proxy_cache_lock on;
    proxy_cache_lock_timeout 10s;
    proxy_cache_lock_age 10s;
    proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504;
    proxy_cache_background_update on;
    proxy_cache_revalidate on;
    add_header X-Cache $upstream_cache_status always;
    location ~ \\.m3u8$ {
      proxy_ignore_headers Cache-Control Expires;
      proxy_cache_valid 200 ${playlistTtlSeconds}s;
      proxy_cache_valid 404 1s;
      proxy_pass http://origin;
    }
    location / {
      proxy_cache_valid 200 206 365d;
      proxy_cache_valid 404 1s;
      proxy_pass http://origin;
    }
  }
}
`;
}

export function startNginx(binary: string, port: number, upstreamUrl: string, playlistTtlSeconds: number): Started {
  const prefix = `/dev/shm/cite-tv-bench-nginx-${process.pid}`;
  rmSync(prefix, { recursive: true, force: true }); // every run starts with an empty cache
  for (const d of ['cache', 'tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi']) {
    mkdirSync(path.join(prefix, d), { recursive: true });
  }
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig(prefix, port, new URL(upstreamUrl), playlistTtlSeconds));
  return startProcess('nginx', binary, ['-p', prefix, '-c', conf, '-g', 'daemon off; master_process on;']);
}
