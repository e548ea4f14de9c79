// `npm run bench` (flood part, BENCH=flood): does a flood of spectators' photos slow the live?
// The origin and the edge as `npm start` runs them (two processes on this box); simulated viewers
// read the live through the edge (media playlist once a second, each new segment), while
// uploaders post 12-megapixel JPEGs through the edge as fast as they are answered (a hostile
// flood: each with a new device id, a 503 retried at once, Retry-After ignored). Per origin
// setting, in the same run: the live's answer times without the flood, then with it.
//  - `bounded`: the defaults (contributions/config.ts: one re-encode at a time, a line of 4,
//    one libvips thread);
//  - `unbounded`: as before issue #13's line (every upload re-encoded at once, sharp's threads).
// Writes bench/results/flood.json (BENCH_RESULTS_NAME=other: other.json) and prints the table.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testJpeg } from '../../tests/support/contributions.ts';
import {
  freePort,
  MachineMeter,
  ResourceMeter,
  sleep,
  startProcess,
  waitForHttp,
  type Started,
} from '../edge/processes.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const ADMIN = 'bench-flood-admin-token-0123456789';

const settings = {
  seconds: Number(process.env.BENCH_FLOOD_SECONDS ?? 30),
  viewers: Number(process.env.BENCH_FLOOD_VIEWERS ?? 20),
  uploaders: Number(process.env.BENCH_FLOOD_UPLOADERS ?? 16),
  photo: process.env.BENCH_FLOOD_PHOTO ?? '4000x3000',
  resultsName: process.env.BENCH_RESULTS_NAME ?? 'flood',
};

const ORIGIN_SETTINGS = {
  bounded: {},
  unbounded: {
    CONTRIB_PHOTO_CONCURRENCY: '1000',
    CONTRIB_PHOTO_QUEUE_LENGTH: '0',
    CONTRIB_PHOTO_THREADS: String(os.cpus().length),
  },
} satisfies Record<string, Record<string, string>>;
type Setting = keyof typeof ORIGIN_SETTINGS;

interface Times {
  count: number;
  p50: number;
  p99: number;
  max: number;
  failed: number;
}

function times(ms: number[], failed: number): Times {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN) * 10) / 10;
  return { count: s.length, p50: at(0.5), p99: at(0.99), max: at(1), failed };
}

interface Phase {
  playlist: Times;
  segment: Times;
  uploads?: { sent: number; accepted: number; busy: number; other: number; perSecondAccepted: number };
  originCpuCores: number;
  originPeakRssMB: number;
  edgeCpuCores: number;
  machineBusyCores: number;
}

async function timed(url: string): Promise<{ ms: number; ok: boolean; text: string }> {
  const t0 = performance.now();
  try {
    const response = await fetch(url);
    const body = await response.arrayBuffer();
    return { ms: performance.now() - t0, ok: response.ok, text: response.ok ? new TextDecoder().decode(body) : '' };
  } catch {
    return { ms: performance.now() - t0, ok: false, text: '' };
  }
}

/** A viewer: the media playlist once a second, and each segment it has not read yet. */
async function viewer(
  mediaUrl: string,
  until: number,
  out: { playlist: number[]; segment: number[]; failed: number[] },
) {
  let last = '';
  await sleep(Math.random() * 1000);
  while (Date.now() < until) {
    const next = Date.now() + 1000;
    const playlist = await timed(mediaUrl);
    if (playlist.ok) out.playlist.push(playlist.ms);
    else out.failed[0] = (out.failed[0] ?? 0) + 1;
    const uri = playlist.text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .pop();
    if (uri && uri !== last) {
      last = uri;
      const segment = await timed(new URL(uri, mediaUrl).href);
      if (segment.ok) out.segment.push(segment.ms);
      else out.failed[1] = (out.failed[1] ?? 0) + 1;
    }
    await sleep(Math.max(0, next - Date.now()));
  }
}

async function uploader(
  url: string,
  photo: Blob,
  until: number,
  tally: { sent: number; accepted: number; busy: number; other: number },
  id: number,
) {
  for (let n = 0; Date.now() < until; n++) {
    const form = new FormData();
    form.set('photo', photo, 'photo.jpg');
    form.set('firstName', 'Flot');
    form.set('message', 'Encore une');
    form.set('terms', 'on');
    form.set('deviceId', `bench-flood-${id}-${n}-${Date.now().toString(36)}`);
    tally.sent++;
    try {
      const response = await fetch(url, { method: 'POST', body: form });
      await response.arrayBuffer();
      if (response.status === 201) tally.accepted++;
      else if (response.status === 503) tally.busy++;
      else tally.other++;
    } catch {
      tally.other++;
    }
  }
}

async function openEvent(originUrl: string): Promise<string> {
  const call = (method: string, p: string, body: unknown) =>
    fetch(`${originUrl}/api/v1/staff${p}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const iso = (ms: number) => new Date(ms).toISOString();
  for (let i = 0; ; i++) {
    const made = await call('POST', '/events', {
      channelId: 'sport',
      title: 'Banc d’essai : le flot de photos',
      venue: 'Palais des sports',
      startsAt: iso(Date.now() + 3_600_000),
      endsAt: iso(Date.now() + 7_200_000),
    });
    if (made.status === 201) {
      const { id } = (await made.json()) as { id: string };
      const window = await call('PUT', `/contributions/events/${id}/settings`, {
        opensAt: iso(Date.now() - 60_000),
        closesAt: iso(Date.now() + 3_600_000),
      });
      if (window.status !== 200) throw new Error(`bench: flood: window not opened: ${window.status}`);
      return id;
    }
    if (i > 100) throw new Error(`bench: flood: event not created: ${made.status}`);
    await sleep(200);
  }
}

async function phase(
  edgeUrl: string,
  mediaUrl: string,
  eventId: string | null,
  photo: Blob,
  servers: { origin: Started; edge: Started },
): Promise<Phase> {
  const until = Date.now() + settings.seconds * 1000;
  const seen = { playlist: [] as number[], segment: [] as number[], failed: [0, 0] };
  const tally = { sent: 0, accepted: 0, busy: 0, other: 0 };
  const originMeter = new ResourceMeter(servers.origin);
  const edgeMeter = new ResourceMeter(servers.edge);
  const machine = new MachineMeter();
  originMeter.start();
  edgeMeter.start();
  const uploadUrl = `${edgeUrl}/api/v1/contributions/events/${eventId}`;
  await Promise.all([
    ...Array.from({ length: settings.viewers }, () => viewer(mediaUrl, until, seen)),
    ...(eventId
      ? Array.from({ length: settings.uploaders }, (_, i) => uploader(uploadUrl, photo, until, tally, i))
      : []),
  ]);
  const origin = originMeter.stop();
  const edge = edgeMeter.stop();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    playlist: times(seen.playlist, seen.failed[0] ?? 0),
    segment: times(seen.segment, seen.failed[1] ?? 0),
    ...(eventId ? { uploads: { ...tally, perSecondAccepted: round(tally.accepted / settings.seconds) } } : {}),
    originCpuCores: round(origin.cpuCores),
    originPeakRssMB: Math.round(origin.peakRssBytes / 1024 ** 2),
    edgeCpuCores: round(edge.cpuCores),
    machineBusyCores: round(machine.stop().busyCores),
  };
}

async function measure(setting: Setting, photo: Blob): Promise<{ quiet: Phase; flood: Phase }> {
  const contribDir = mkdtempSync(path.join(os.tmpdir(), 'cite-tv-bench-flood-'));
  const [originPort, edgePort] = [await freePort(), await freePort()];
  const origin = startProcess('origin', tsx, [path.join(root, 'edge-origin/src/bin/origin.node.ts')], {
    ORIGIN_PORT: String(originPort),
    STAFF_ADMIN_TOKEN: ADMIN,
    LOG_LEVEL: 'warn',
    CONTRIB_DIR: contribDir,
    CONTRIB_PER_ADDRESS_LIMIT: '100000000',
    CONTRIB_PER_EVENT_LIMIT: '100000000',
    CONTRIB_PER_EVENT_MAX_BYTES: String(1024 ** 4),
    CONTRIB_MEDIA_MAX_BYTES: String(1024 ** 4),
    ...ORIGIN_SETTINGS[setting],
  });
  const originUrl = `http://127.0.0.1:${originPort}`;
  const edgeUrl = `http://127.0.0.1:${edgePort}`;
  let edge: Started | undefined;
  try {
    await waitForHttp(`${originUrl}/api/v1/channels`, 300_000, origin);
    edge = startProcess('edge', tsx, [path.join(root, 'edge-origin/src/bin/edge.node.ts')], {
      EDGE_PORT: String(edgePort),
      UPSTREAM_URL: originUrl,
      EDGE_ACCESS_LOG: 'false',
    });
    const master = `${edgeUrl}/hls/live/sport/master.m3u8`;
    await waitForHttp(master, 120_000, edge);
    const rendition = (await (await fetch(master)).text()).split('\n').find((l) => l && !l.startsWith('#'));
    if (!rendition) throw new Error('bench: flood: no rendition in the master playlist');
    const mediaUrl = new URL(rendition, master).href;
    const eventId = await openEvent(originUrl);
    console.log(`bench: flood: ${setting}: ${settings.viewers} viewers, ${settings.seconds} s without a flood…`);
    const quiet = await phase(edgeUrl, mediaUrl, null, photo, { origin, edge });
    console.log(`bench: flood: ${setting}: the same with ${settings.uploaders} uploaders…`);
    const flood = await phase(edgeUrl, mediaUrl, eventId, photo, { origin, edge });
    return { quiet, flood };
  } finally {
    await edge?.stop();
    await origin.stop();
    rmSync(contribDir, { recursive: true, force: true });
  }
}

async function main() {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  const [w = 4000, h = 3000] = settings.photo.split('x').map(Number);
  const jpeg = testJpeg(w, h);
  const photo = new Blob([jpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' });
  const results = {} as Record<Setting, { quiet: Phase; flood: Phase }>;
  for (const setting of Object.keys(ORIGIN_SETTINGS) as Setting[]) {
    results[setting] = await measure(setting, photo);
    await sleep(1000);
  }
  const out = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', loadavg: os.loadavg() },
    settings: { ...settings, photoBytes: jpeg.length },
    results,
  };
  const file = path.join(root, `bench/results/${settings.resultsName}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);

  console.log(
    '\n| origin | flood | playlist p50 / p99 ms | segment p50 / p99 ms | photos accepted /s | 503 | origin CPU | edge CPU |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [setting, { quiet, flood }] of Object.entries(results)) {
    for (const [name, p] of [
      ['no', quiet],
      ['yes', flood],
    ] as const) {
      console.log(
        `| ${setting} | ${name} | ${p.playlist.p50} / ${p.playlist.p99} | ${p.segment.p50} / ${p.segment.p99} | ${p.uploads?.perSecondAccepted ?? '–'} | ${p.uploads?.busy ?? '–'} | ${p.originCpuCores} | ${p.edgeCpuCores} |`,
      );
    }
  }
  console.log(`\nbench: flood: ${file}`);
}

await main();
