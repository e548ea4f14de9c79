// The real live path, end to end: Debian's ffmpeg as the venue's encoder pushes SRT or RTMP to the
// origin's ingest, and ffmpeg as a viewer's client reads the channel through the edge. The burned-
// in wall clock, read back with tesseract, proves the picture is the encoder's and that it moves.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync, readdirSync, readlinkSync } from 'node:fs';
import { runFfmpeg } from '../support/ffmpeg.ts';
import { CHANNEL_IDS } from '../../shared/catalog/types.ts';
import type { Replay } from '../../shared/catalog/types.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { eventually } from '../support/browser.ts';
import {
  ADMIN,
  adminStaff,
  eventOnAir,
  grabLiveFrame,
  readClock,
  secondsOfDay,
  startIngestStack,
  readLive,
} from '../support/ingest.ts';
import type { Encoder, IngestStack } from '../support/ingest.ts';
import type { ChannelIngestStatus } from '../../edge-origin/src/origin/ingest/index.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', 'ingest');
let stack: IngestStack;
/** The RTMP encoder on air on culture from the third test on (it hangs up in the last). */
let cultureEncoder: Encoder;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startIngestStack();
}, MEDIA_TIMEOUT_MS);
afterAll(() => stack?.close());

async function status(channel: string): Promise<ChannelIngestStatus> {
  const response = await fetch(`${stack.originUrl}/api/v1/staff/ingest`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const body = (await response.json()) as { channels: ChannelIngestStatus[] };
  return body.channels.find((c) => c.channel === channel)!;
}

/** The picture's clock, seconds of the day, through the edge; retried while tesseract misreads. */
async function clockOnAir(channel: string, name: string): Promise<number> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const png = join(ARTIFACTS, `${name}-${attempt}.png`);
    await grabLiveFrame(`${stack.edgeUrl}/hls/live/${channel}/master.m3u8`, png, 1);
    const clock = await readClock(png, 640, 360);
    if (clock !== null) return clock;
  }
  throw new Error(`no clock read on ${channel}`);
}

describe('live ingest: an encoder reaches the viewers', () => {
  test('SRT: the encoder’s picture plays through the edge, read by ffmpeg, its clock advancing', async () => {
    await stack.encoder('sport', { protocol: 'srt' });
    const on = await eventually(
      () => status('sport'),
      (s) => s.state === 'receiving' && (s.feed?.segments ?? 0) >= 3,
      30_000,
      'sport receiving',
    );
    expect(on.feed).toMatchObject({
      protocol: 'srt',
      input: { format: 'mpegts', video: { codec: 'h264', width: 640, height: 360, fps: 25 }, audio: { codec: 'aac' } },
    });
    expect(on.feed!.bitrateKbps).toBeGreaterThan(100);
    expect(on.feed!.secondsSinceKeyframe).not.toBeNull();
    expect(on.feed!.secondsSinceKeyframe!).toBeLessThan(2.5); // the test encoder sends one a second

    // A viewer's client reads the live through the edge without an error.
    const read = await readLive(`${stack.edgeUrl}/hls/live/sport/master.m3u8`, 6);
    expect(read.stderr).toBe('');
    expect(read.code).toBe(0);

    // The newest picture on air is the encoder's, seconds old, and its clock moves on.
    const first = await clockOnAir('sport', 'srt-clock-1');
    const lag = secondsOfDay() - first;
    expect(lag).toBeGreaterThan(0);
    expect(lag).toBeLessThan(30); // generous: a loaded machine adds seconds

    await new Promise((r) => setTimeout(r, 4000));
    const second = await clockOnAir('sport', 'srt-clock-2');
    expect(second - first).toBeGreaterThanOrEqual(2);
  }, 120_000);

  test('a second publisher on a busy channel is refused, over RTMP and SRT, and the live goes on', async () => {
    const before = await status('sport');
    const rtmp = await stack.encoder('sport', { protocol: 'rtmp', seconds: 8 });
    expect(await rtmp.exited).not.toBe(0);
    const srt = await stack.encoder('sport', { protocol: 'srt', seconds: 8 });
    await eventually(
      async () =>
        stack.logs
          .filter((l) => l.event === 'refused' && l.channel === 'sport' && l.reason === 'busy')
          .map((l) => l.protocol),
      (p) => p.includes('rtmp') && p.includes('srt'),
      20_000,
      'both refusals logged',
    );
    await srt.kill();
    const refusal = stack.logs.find((l) => l.event === 'refused' && l.reason === 'busy')!;
    expect(refusal.message).toMatch(/Chaîne occupée : un direct arrive déjà en SRT/);
    const after = await eventually(
      () => status('sport'),
      (s) => (s.feed?.segments ?? 0) > (before.feed?.segments ?? 0) + 2,
      20_000,
      'sport still on air',
    );
    expect(after.feed!.since).toBe(before.feed!.since);
    expect(after.state).toBe('receiving');
  }, 90_000);

  test('a wrong key, a wrong channel, an unsupported codec: refused with a log line that says why, the key never logged', async () => {
    const refusals = async () =>
      stack.logs
        .filter((l) => l.event === 'refused' && l.channel === 'culture')
        .map((l) => `${l.protocol}:${l.reason}`);
    // One RTMP publisher at a time: each refusal closes the door for a moment before it reopens.
    const wrongRtmp = await stack.encoder('culture', { protocol: 'rtmp', key: 'not-the-key-0123456789' });
    const wrongSrt = await stack.encoder('culture', { protocol: 'srt', key: 'not-the-passphrase-0123' });
    await eventually(refusals, (r) => r.includes('rtmp:wrong_key'), 20_000, 'wrong RTMP key refused');
    await new Promise((r) => setTimeout(r, 1000));
    const wrongApp = await stack.encoder('culture', { protocol: 'rtmp', channel: 'agglo' });
    await eventually(
      refusals,
      (r) => r.includes('rtmp:wrong_key') && r.includes('srt:wrong_key') && r.includes('rtmp:unknown_channel'),
      30_000,
      'culture refusals',
    );
    await Promise.all([wrongRtmp.kill(), wrongSrt.kill(), wrongApp.kill()]);
    const mpeg2 = await stack.encoder('business', { protocol: 'srt', videoCodec: 'mpeg2video' });
    const refused = await eventually(
      async () => stack.logs.find((l) => l.event === 'refused' && l.channel === 'business'),
      (l) => l !== undefined,
      30_000,
      'mpeg2 refused',
    );
    await mpeg2.kill();
    expect(refused!.message).toMatch(/Codec vidéo « mpeg2video » refusé : H\.264 ou HEVC attendu/);
    expect((await status('culture')).state).not.toBe('receiving');
    expect((await status('culture')).lastRefusal).not.toBeNull();
    // Not one secret in the logs.
    const logged = JSON.stringify(stack.logs);
    for (const channel of ['sport', 'culture', 'business', 'agglo'] as const)
      expect(logged).not.toContain(await stack.key(channel));
    // The doors reopen: the right key is taken afterwards.
    cultureEncoder = await stack.encoder('culture', { protocol: 'rtmp', audio: false });
    const on = await eventually(
      () => status('culture'),
      (s) => s.state === 'receiving',
      30_000,
      'culture receiving',
    );
    expect(on.feed).toMatchObject({ protocol: 'rtmp', input: { format: 'flv', video: { codec: 'h264' } } });
    expect(on.feed!.input.audio).toBeUndefined();
    // Video without audio plays with a silent track; its clock advances.
    await eventually(
      () => status('culture'),
      (s) => (s.feed?.segments ?? 0) >= 2,
      20_000,
      'culture segments',
    );
    const read = await readLive(`${stack.edgeUrl}/hls/live/culture/master.m3u8`, 4);
    expect(read.stderr).toBe('');
    const first = await clockOnAir('culture', 'rtmp-clock-1');
    await new Promise((r) => setTimeout(r, 4000));
    expect((await clockOnAir('culture', 'rtmp-clock-2')) - first).toBeGreaterThanOrEqual(2);
  }, 150_000);

  test('HEVC in, H.264 ladder out', async () => {
    await stack.encoder('business', { protocol: 'srt', videoCodec: 'hevc' });
    const on = await eventually(
      () => status('business'),
      (s) => s.state === 'receiving' && (s.feed?.segments ?? 0) >= 2,
      40_000,
      'business receiving HEVC',
    );
    expect(on.feed!.input.video!.codec).toBe('hevc');
    const read = await readLive(`${stack.edgeUrl}/hls/live/business/master.m3u8`, 4);
    expect(read.stderr).toBe('');
  }, 90_000);

  test('the stream key is shown to admins only and rotates: the old key is refused, the new one taken', async () => {
    const editorView = await fetch(`${stack.originUrl}/api/v1/staff/ingest/agglo`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(editorView.status).toBe(401);
    const old = await stack.key('agglo');
    const rotated = await fetch(`${stack.originUrl}/api/v1/staff/ingest/agglo/key`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(rotated.status).toBe(200);
    const body = (await rotated.json()) as {
      streamKey: string;
      urls: { srt: string; rtmp: { server: string; streamKey: string } };
    };
    expect(body.streamKey).not.toBe(old);
    expect(body.urls.rtmp.server).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+\/agglo$/);
    expect(body.urls.srt).toContain(`passphrase=${body.streamKey}`);
    // Give the SRT door a moment to reopen with the new passphrase.
    await new Promise((r) => setTimeout(r, 1500));
    const stale = await stack.encoder('agglo', { protocol: 'srt', key: old });
    await eventually(
      async () => stack.logs.some((l) => l.event === 'refused' && l.channel === 'agglo' && l.reason === 'wrong_key'),
      Boolean,
      20_000,
      'old key refused',
    );
    await stale.kill();
    await stack.encoder('agglo', { protocol: 'srt', key: body.streamKey });
    await eventually(
      () => status('agglo'),
      (s) => s.state === 'receiving',
      30_000,
      'agglo receiving with the new key',
    );
  }, 90_000);

  test('start → 20 s of the feed → stop → publish: the replay is those 20 s (± one segment), read by ffmpeg, showing the feed', async () => {
    // agglo is on air from the previous test (SRT, the new key).
    const staff = adminStaff(stack.originUrl);
    await eventually(
      () => status('agglo'),
      (s) => (s.feed?.segments ?? 0) >= 2,
      20_000,
      'agglo feed',
    );
    const startedAt = secondsOfDay();
    const event = await eventOnAir(stack.originUrl, 'agglo', 'Conseil communautaire');
    await new Promise((r) => setTimeout(r, 20_000));
    await staff('POST', `/events/${event.id}/stop`);
    const replay = await staff<Replay>('POST', `/events/${event.id}/publish`, {
      chapters: [
        { title: 'Ouverture', start: 0 },
        { title: 'Débats', start: 12 },
      ],
    });
    expect(Math.abs(replay.duration - 20)).toBeLessThanOrEqual(2);
    expect(replay.chapters.map((c) => c.title)).toEqual(['Ouverture', 'Débats']);
    // ffmpeg reads every video frame of the replay through the edge: 25 a second, as long as the
    // replay says (frames, not timestamps: a slot of slate inside would restart those).
    const url = `${stack.edgeUrl}${replay.playbackUrl}`;
    const read = await runFfmpeg(
      ['-v', 'error', '-stats', '-i', url, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-'],
      60_000,
    );
    expect(read.code).toBe(0);
    const frames = [...read.stderr.matchAll(/frame=\s*(\d+)/g)].map((m) => Number(m[1]));
    expect(Math.abs(itemAt(frames, frames.length - 1) / 25 - 20)).toBeLessThanOrEqual(2);
    expect(read.stderr.replace(/.*frame=.*\r?/g, '').trim()).toBe('');
    // Its pictures are the encoder's: the burned clock, from when the recording started (less the
    // way from the encoder to the origin, a few seconds; more on a loaded machine).
    const png = join(ARTIFACTS, 'replay-first-frame.png');
    await runFfmpeg(['-loglevel', 'error', '-y', '-i', url, '-map', '0:v:1', '-frames:v', '1', png], 60_000);
    const clock = await readClock(png, 640, 360);
    expect(clock).not.toBeNull();
    expect(clock!).toBeGreaterThan(startedAt - 30);
    expect(clock!).toBeLessThan(startedAt + 3);
  }, 120_000);

  test('the ingest’s metrics: segments on air, input bitrate, refusals, each channel as its status says', async () => {
    const response = await fetch(`${stack.originUrl}/api/v1/staff/ingest/metrics`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const text = await response.text();
    const statuses = await Promise.all(CHANNEL_IDS.map(status));
    // agglo is on air since the key rotation; a feed lost since then would say why here.
    expect(statuses.find((s) => s.channel === 'agglo')).toMatchObject({ state: 'receiving' });
    for (const s of statuses) {
      const receiving = s.state === 'receiving';
      expect(text).toContain(`ingest_receiving{channel="${s.channel}"} ${receiving ? 1 : 0}`);
      if (receiving) expect(text).toMatch(new RegExp(`ingest_input_bitrate_bits\\{channel="${s.channel}"\\} [1-9]`));
      // A feed lost on air is counted, and its cause is told to the staff.
      if (s.lastDrop) {
        expect(text).toMatch(new RegExp(`ingest_feed_drops_total\\{channel="${s.channel}"\\} [1-9]`));
        expect(s.lastDrop.cause).not.toBe('');
      }
    }
    expect(text).toMatch(/ingest_segments_total\{channel="sport"\} [1-9]/);
    expect(text).toMatch(/ingest_refusals_total\{channel="culture",protocol="rtmp",reason="wrong_key"\} [1-9]/);
    expect(text).toMatch(/ingest_packager_lag_seconds\{channel="sport"\} /);
  });

  test('a feed lost on air says why: the encoder hanging up, the transcoder dying', async () => {
    // Culture's RTMP encoder goes away (its TCP connection closes): the link, not silence.
    const since = Date.now();
    await cultureEncoder.kill();
    const hungUp = await eventually(
      () => status('culture'),
      (s) => s.lastDrop !== null && Date.parse(s.lastDrop.at) >= since,
      20_000,
      'culture lost',
    );
    expect(hungUp.lastDrop!.protocol).toBe('rtmp');
    expect(hungUp.lastDrop!.cause).toMatch(
      /^(L’encodeur a fermé la liaison|Liaison perdue avec l’encodeur \(ffmpeg : .+\))$/,
    );
    // Business's transcoder (HEVC in, from the fourth test) is killed under its feed.
    const before = await status('business');
    expect(before.state).toBe('receiving');
    const killed = killTranscoders(join(stack.config.dir, 'business'));
    expect(killed).toBeGreaterThan(0);
    const died = await eventually(
      () => status('business'),
      (s) => s.lastDrop !== null && Date.parse(s.lastDrop.at) >= since,
      20_000,
      'business lost',
    );
    expect(died.lastDrop).toMatchObject({ protocol: 'srt', cause: 'Le transcodeur s’est arrêté (code SIGKILL)' });
    expect(died.restarts).toBe(before.restarts + 1);
  });
});

/** SIGKILLs the transcoders working in `dir` (a channel's sessions: each runs in its own directory). */
function killTranscoders(dir: string): number {
  let killed = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue; // gone, or not ours to read
    }
    if (!cwd.startsWith(`${dir}/`)) continue;
    process.kill(Number(pid), 'SIGKILL');
    killed++;
  }
  return killed;
}
