// The same origin under Deno (Deno.serve), started the documented way from the npm `deno`.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { ChannelsResponse } from '../../shared/catalog/types.ts';
import { MEDIA_TIMEOUT_MS, ensureTestMedia } from '../support/media.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
let deno: ChildProcess | undefined;

beforeAll(() => ensureTestMedia(), MEDIA_TIMEOUT_MS);
afterAll(async () => {
  if (deno && deno.exitCode === null && deno.signalCode === null) {
    const exited = new Promise((resolve) => deno!.once('exit', resolve));
    deno.kill('SIGTERM');
    await exited;
  }
});

test('origin.deno.ts serves the catalog and live HLS under Deno', async () => {
  // The deno binary itself (not `npx deno`), so the pid we stop is deno's.
  deno = spawn(
    `${ROOT}node_modules/deno/deno`,
    [
      'run',
      '--allow-net',
      '--allow-read',
      '--allow-env',
      '--allow-write',
      '--allow-sys',
      '--node-modules-dir=manual',
      'edge-origin/src/bin/origin.deno.ts',
    ],
    {
      cwd: ROOT,
      // The « listening » line is the logger's, at info.
      env: { ...process.env, ORIGIN_PORT: '0', ORIGIN_HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  deno.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    deno!.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/[^\s"]+)/.exec(out);
      if (match) resolve(itemAt(match, 1));
    });
    deno!.once('exit', (code) => reject(new Error(`deno exited (${code}): ${stderr}`)));
  });

  const response = await fetch(`${url}/api/v1/channels`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as ChannelsResponse;
  expect(body.channels.map((c) => c.name)).toEqual(["C'Sport", "C'Culture", "C'Business", "C'Agglo"]);

  const playlist = await fetch(`${url}/hls/live/business/v360/index.m3u8`);
  expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
  // The newest whole segment: the last URI line (LL-HLS tags may follow it).
  const last = (await playlist.text())
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .at(-1)!;
  const segment = await fetch(`${url}/hls/live/business/v360/${last}`);
  expect(segment.status).toBe(200);
  expect(new Uint8Array(await segment.arrayBuffer())[0]).toBe(0x47);
}, 120_000);
