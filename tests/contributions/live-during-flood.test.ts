// A flood of photos must not stop the live (issue #13). Through the edge, as a venue's phones
// send them (the QR code names the edge the TV came from): forty uploads kept in flight while a
// viewer reads the live, which keeps answering with the newest segments; the photos' work runs in
// its own process at the a lower CPU priority; and while the photo line is full, a phone hears
// « réessayez » before its photo's bytes are taken (a slow 4G upload does not have to finish).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testJpeg } from '../support/contributions.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { staffClient } from '../support/staff-api.ts';

const ADMIN = 'live-during-flood-token-0123456789';
const UPLOADS = 40;
const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let dir: string;
let stack: Stack;
let eventId = '';
const staff = staffClient(() => stack.originUrl, ADMIN);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cite-tv-live-flood-'));
  stack = await startStack({
    origin: {
      staffAdminToken: ADMIN,
      contributions: {
        config: {
          mediaDir: dir,
          perAddressLimit: 1_000_000,
          perEventLimit: 1_000_000,
          photoConcurrency: 1,
          photoQueueLength: 2,
        },
      },
    },
  });
  for (let i = 0; !eventId; i++) {
    const made = await staff<{ id: string }>('POST', '/events', {
      channelId: 'sport',
      title: 'Handball : Cité contre Port',
      venue: 'Palais des sports',
      startsAt: iso(Date.now() + 3_600_000),
      endsAt: iso(Date.now() + 7_200_000),
    });
    if (made.status === 201) eventId = made.body.id;
    else if (i > 50) throw new Error(`event not created: ${JSON.stringify(made)}`);
    else await sleep(200);
  }
  const window = await staff('PUT', `/contributions/events/${eventId}/settings`, {
    opensAt: iso(Date.now() - 60_000),
    closesAt: iso(Date.now() + 3_600_000),
  });
  expect(window.status).toBe(200);
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `UPLOADS` phones sending 12-megapixel photos through the edge, each again as soon as answered. */
function startFlood() {
  const photo = testJpeg(4000, 3000);
  const statuses = new Map<number, number>();
  let inFlight = 0;
  let stopped = false;
  const phones = Array.from({ length: UPLOADS }, async (_, i) => {
    for (let n = 0; !stopped; n++) {
      inFlight++;
      try {
        const form = new FormData();
        form.set('photo', new Blob([photo as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), 'photo.jpg');
        form.set('firstName', 'Léa');
        form.set('terms', 'on');
        form.set('deviceId', `flood-${i}-${n}-phone`);
        const r = await fetch(`${stack.edgeUrl}/api/v1/contributions/events/${eventId}`, {
          method: 'POST',
          body: form,
        });
        await r.arrayBuffer();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      } catch {
        statuses.set(0, (statuses.get(0) ?? 0) + 1); // no answer at all
      } finally {
        inFlight--;
      }
    }
  });
  return {
    statuses,
    inFlight: () => inFlight,
    answered: () => [...statuses.values()].reduce((a, b) => a + b, 0),
    async stop() {
      stopped = true;
      await Promise.all(phones);
    },
  };
}

/** The newest segment's media sequence number in a media playlist, and its URI. */
function newest(playlist: string): { msn: number; uri: string } {
  const uri =
    playlist
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .pop() ?? '';
  const msn = Number(/(\d+)\.ts(\?|$)/.exec(uri)?.[1] ?? Number.NaN);
  return { msn, uri };
}

/** The photo processes started by this test's origin, with their nice value (Linux /proc). */
function photoProcesses(): { pid: number; nice: number }[] {
  const found: { pid: number; nice: number }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[1]: the parent's pid; fields[16]: the nice value.
      if (cmdline.includes('photo-child.mjs') && Number(fields[1]) === process.pid)
        found.push({ pid: Number(name), nice: Number(fields[16]) });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

describe('a flood of photos through the edge', () => {
  test('the live keeps answering with its newest segments while forty uploads are in flight', async () => {
    const master = `${stack.edgeUrl}/hls/live/sport/master.m3u8`;
    const rendition = (await (await fetch(master)).text()).split('\n').find((l) => l && !l.startsWith('#')) ?? '';
    const viaEdge = new URL(rendition, master).href;
    const atOrigin = viaEdge.replace(stack.edgeUrl, stack.originUrl);
    const flood = startFlood();
    try {
      // The photo line is at work (some sendings answered) before the live is looked at.
      for (const until = Date.now() + 60_000; flood.answered() < 5 && Date.now() < until; ) await sleep(100);
      expect(flood.answered()).toBeGreaterThanOrEqual(5);
      // The photos' work is in its own process, at a lower CPU priority (nice 10). One at work; a
      // replaced one (idle stop, deadline) may still be exiting beside it: each at nice 10.
      const workers = photoProcesses();
      expect(workers.length).toBeGreaterThanOrEqual(1);
      expect(workers.map((w) => w.nice)).toEqual(workers.map(() => 10));

      const first = newest(await (await fetch(atOrigin)).text()).msn;
      let last = first;
      const inFlightSeen: number[] = [];
      // Until the live has published two new segments (about 4 s): every read answers, current.
      for (const until = Date.now() + 90_000; last < first + 2 && Date.now() < until; ) {
        const originNow = newest(await (await fetch(atOrigin)).text()).msn;
        const response = await fetch(viaEdge);
        expect(response.status).toBe(200);
        const seen = newest(await response.text());
        inFlightSeen.push(flood.inFlight());
        // The viewer's playlist is the live's, not an old copy kept while the origin was busy
        // (the edge may keep one for a second and revalidate in the background: one segment).
        expect(seen.msn).toBeGreaterThanOrEqual(originNow - 1);
        const segment = await fetch(new URL(seen.uri, viaEdge));
        expect(segment.status).toBe(200);
        expect((await segment.arrayBuffer()).byteLength).toBeGreaterThan(1000);
        last = Math.max(last, seen.msn);
        await sleep(500);
      }
      expect(last).toBeGreaterThanOrEqual(first + 2);
      // The uploads were still going on while the live was read.
      expect(Math.min(...inFlightSeen)).toBeGreaterThan(UPLOADS / 2);
    } finally {
      await flood.stop();
    }
    // Every sending was answered, taken (201) or refused for now (503); nothing else, no 5xx.
    // (How many are taken depends on the CPU the box has left: flood.test.ts checks the 201s.)
    expect([...flood.statuses.keys()].filter((status) => status !== 201 && status !== 503)).toEqual([]);
    expect(flood.statuses.get(503)).toBeGreaterThan(0);
  }, 180_000);

  test('while the line is full, a phone is told to retry before its photo is uploaded', async () => {
    const edge = new URL(stack.edgeUrl);
    const declared = 4 * 1024 * 1024;
    const boundary = '----citetvflood';
    const start = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="photo.jpg"\r\n` +
        'Content-Type: image/jpeg\r\n\r\n',
    );
    const partial = Buffer.concat([start, Buffer.alloc(64 * 1024, 0xff)]);
    /** A slow phone: the headers and the first 64 KB of a 4 MB body, then nothing more for 5 s. */
    const slowPhone = () =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(edge.port), edge.hostname);
        let answer = '';
        const timer = setTimeout(() => socket.destroy(), 5000);
        socket.on('connect', () => {
          socket.write(
            `POST /api/v1/contributions/events/${eventId} HTTP/1.1\r\nHost: ${edge.host}\r\n` +
              `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${declared}\r\n\r\n`,
          );
          socket.write(partial);
        });
        socket.on('data', (d: Buffer) => {
          answer += d.toString('utf8');
          if (/\r\n\r\n[\s\S]*\}/.test(answer)) socket.destroy();
        });
        socket.on('error', () => {});
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(answer);
        });
      });

    const flood = startFlood();
    let refused = '';
    try {
      // The line is full only now and then: ask until a refusal comes (a phone let in waits for
      // the rest of its body, which never comes: it gives up after 5 s and asks again).
      for (const until = Date.now() + 120_000; !refused && Date.now() < until; ) {
        const answer = await slowPhone();
        if (answer.startsWith('HTTP/1.1 503')) refused = answer;
      }
    } finally {
      await flood.stop();
    }
    // Answered with only 64 KB of the 4 MB sent: the rest was never needed.
    expect(refused).toMatch(/^HTTP\/1\.1 503/);
    expect(refused).toMatch(/\r\nretry-after: 5\r\n/i);
    expect(refused).toContain('réessayez dans 5 secondes');
    expect(partial.length).toBeLessThan(declared / 10);
  }, 180_000);
});
