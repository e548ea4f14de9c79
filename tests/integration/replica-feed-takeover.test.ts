// Issue #15, the takeover with a live feed: two origin replica processes (Node, tsx) with their
// ingest on, one redis-server, an edge with A first and B as its fallback, a venue encoder (real
// ffmpeg, SRT) pushing sport to A, the holder. A is SIGKILLed; the encoder, its primary gone,
// reconnects to its backup URL, B (README « Replicas »: how venue encoders fail over; ffmpeg has
// no backup URL, so the test starts the same encoder on B once the first one has given up).
// What a viewer through the edge sees: the playlist never stops advancing for longer than a
// dead holder's lease can last (lease + renewal + a segment), the media sequence never goes back,
// B's segments come after an EXT-X-DISCONTINUITY, every segment listed by both keeps its
// discontinuity number (what hls.js ≥ 1.6 checks on each reload), and what plays at the end is the
// feed again (a new ingest session, on B), not B's loop or slate. Which object is which: the segments'
// ETags (`"ingest-<session>-<unit>-…"`, `"slate-…"`, `"<media version>-<channel>-…"`). And a TV's
// player, the TV app's hls.js in real Chromium, plays on through it: no reload thrown away, no
// fatal error, the picture moving on into B's segments.
import { afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { createRequire } from 'node:module';
import { eventually, launchTv, screenshot, type TvBrowser } from '../support/browser.ts';
import type { ChildProcess } from 'node:child_process';
import { createClient } from 'redis';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { playlistSegments } from '../support/ingest.ts';
import { MEDIA_TIMEOUT_MS, ensureTestMedia } from '../support/media.ts';
import { leaseHolder, srtEncoder, startReplicaProcess, until, type ReplicaProcess } from '../support/replicas.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const ADMIN = 'replica-feed-takeover-admin-0123';
const CHANNEL = 'sport'; // channel 0: its SRT port is the base port
const PLAYLIST = `/hls/live/${CHANNEL}/v360/index.m3u8`;
const LEASE_MS = 3000;
const RENEW_MS = 500;
const SEGMENT_MS = 2000;
/**
 * The longest a viewer may see the playlist stand still: a dead holder's lease lives up to
 * LEASE_MS after its last renewal, the survivor takes it at its next tick (RENEW_MS) and
 * publishes at the next slot (a segment). (B answers from its own timeline before that already,
 * once the edge has found A dead: this is the bound, not the expectation.) Plus the viewer's own
 * poll period (1 s).
 */
const MAX_STILL_MS = LEASE_MS + RENEW_MS + SEGMENT_MS + 1000;

let redis: TestRedis;
let a: ReplicaProcess | undefined;
let b: ReplicaProcess | undefined;
let edge: StartedEdge | undefined;
let lease: ReturnType<typeof createClient>;
let tv: TvBrowser | undefined;
/** The TV's requests as they ended, in order (`sent`, `at`: when asked, when ended). */
const tvRequests: { sent: number; at: number; url: string; status: number; failure?: string }[] = [];
const encoders: ChildProcess[] = [];

/** What the TV's hls.js reports (window.report): its errors, and the fragments it played. */
interface PlayerReport {
  /** `reason`: hls.js's message (a playlist it threw away carries both playlists in it). */
  errors: { details: string; fatal: boolean; reason?: string }[];
  played: { sn: number; cc: number }[];
  frames: number;
  time: number;
}

/** The TV app's hls.js (its version, its low-latency mode) playing `src` muted, reporting as it goes. */
async function startPlayer(src: string): Promise<void> {
  tv = await launchTv();
  // What the TV asked and got, for the failure message: which reload hung, which was thrown away.
  tv.page.on('requestfinished', (request) => {
    void request.response().then((response) =>
      tvRequests.push({
        sent: request.timing().startTime,
        at: Date.now(),
        url: request.url(),
        status: response?.status() ?? 0,
      }),
    );
  });
  tv.page.on('requestfailed', (request) =>
    tvRequests.push({
      sent: request.timing().startTime,
      at: Date.now(),
      url: request.url(),
      status: 0,
      failure: request.failure()?.errorText ?? '',
    }),
  );
  await tv.page.setContent('<!doctype html><video muted width="960" height="540"></video>');
  await tv.page.addScriptTag({ path: createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js') });
  await tv.page.evaluate((url) => {
    type Event = { details: string; fatal: boolean; reason?: string; frag?: { sn: number; cc: number } };
    interface HlsLike {
      on(event: string, listener: (name: string, data: Event) => void): void;
      loadSource(url: string): void;
      attachMedia(video: HTMLVideoElement): void;
    }
    const H = (
      window as unknown as {
        Hls: {
          new (config: object): HlsLike;
          Events: { ERROR: string; FRAG_CHANGED: string; MANIFEST_PARSED: string };
        };
      }
    ).Hls;
    const video = document.querySelector('video')!;
    const report = {
      errors: [] as { details: string; fatal: boolean; reason?: string }[],
      played: [] as { sn: number; cc: number }[],
    };
    (window as unknown as { report: typeof report }).report = report;
    const hls = new H({ lowLatencyMode: true });
    hls.on(H.Events.ERROR, (_e: string, d: Event) =>
      report.errors.push({ details: d.details, fatal: d.fatal, ...(d.reason ? { reason: d.reason } : {}) }),
    );
    hls.on(H.Events.FRAG_CHANGED, (_e: string, d: Event) => report.played.push({ sn: d.frag!.sn, cc: d.frag!.cc }));
    hls.on(H.Events.MANIFEST_PARSED, () => void video.play());
    hls.loadSource(url);
    hls.attachMedia(video);
  }, src);
}

const playerReport = () =>
  tv!.page.evaluate((): PlayerReport => {
    const video = document.querySelector('video')!;
    const { errors, played } = (window as unknown as { report: Omit<PlayerReport, 'frames' | 'time'> }).report;
    return { errors, played, frames: video.getVideoPlaybackQuality().totalVideoFrames, time: video.currentTime };
  });

const startReplica = (id: string) =>
  startReplicaProcess({
    id,
    redisUrl: redis.url,
    leaseMs: LEASE_MS,
    renewMs: RENEW_MS,
    adminToken: ADMIN,
    ingest: true,
  });

function encoder(replica: ReplicaProcess, key: string, label: string): ChildProcess {
  const child = srtEncoder(replica.ingest!.srtPort, CHANNEL, key, label);
  encoders.push(child);
  return child;
}

const staffGet = async <T>(replica: ReplicaProcess, path: string): Promise<T> => {
  const res = await fetch(`${replica.url}/api/v1/staff/ingest${path}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
};
const ingestState = (replica: ReplicaProcess) =>
  staffGet<{ state: string }>(replica, `/${CHANNEL}`).then(
    (s) => s.state,
    () => undefined,
  );

beforeAll(() => ensureTestMedia(), MEDIA_TIMEOUT_MS);

// Everything anew for each run of the test: the run kills A, so a retry (tests/support/retry-once.ts)
// needs its own replicas, Redis and edge to test anything.
beforeEach(async () => {
  encoders.length = 0;
  tvRequests.length = 0;
  redis = await startRedis();
  lease = createClient({ url: redis.url });
  await lease.connect();
  a = await startReplica('a');
  await until('A to hold the lease', async () => ((await leaseHolder(lease, CHANNEL)) === 'a' ? true : undefined));
  b = await startReplica('b');
  edge = await startEdge({ upstreamUrl: a.url, fallbackUpstreamUrls: [b.url], upstreamDownMemoryMs: 10_000 });
}, 60_000);

afterEach(async () => {
  await tv?.close();
  tv = undefined;
  for (const child of encoders) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await edge?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await lease?.quit().catch(() => undefined);
  await redis?.stop();
  edge = a = b = undefined;
});

interface Seen {
  uri: string;
  msn: number;
  discontinuity: boolean;
  /** Listed with EXT-X-GAP (not fetched: no media). */
  gap: boolean;
  etag: string;
  /** When the viewer first saw it listed. */
  at: number;
}

test('the holder of a channel on air is SIGKILLed: the viewer gets the feed back from the other replica', async () => {
  const { streamKey } = await staffGet<{ streamKey: string }>(a!, `/${CHANNEL}`);
  encoder(a!, streamKey, 'A');
  await until(
    'A to receive the feed',
    async () => ((await ingestState(a!)) === 'receiving' ? true : undefined),
    30_000,
  );

  // The viewer: the media playlist through the edge every second, every new segment fetched.
  const seen: Seen[] = [];
  const byUri = new Map<string, Seen>();
  const errors: string[] = [];
  // Per watch, when it began and when the newest listed segment changed: the playlist is only
  // watched while a watch runs (not while the TV starts, which can take seconds on a loaded box).
  const advances: number[][] = [];
  const sequences: number[] = [];
  const playlists: { at: number; text: string }[] = []; // every playlist the viewer got, in order
  let newest = '';
  const watch = async (untilDone: () => boolean, maxMs: number) => {
    const deadline = Date.now() + maxMs;
    const run = [Date.now()];
    advances.push(run);
    while (!untilDone() && Date.now() < deadline) {
      const tick = Date.now();
      try {
        const res = await fetch(`${edge!.url}${PLAYLIST}`);
        const text = await res.text();
        if (res.status !== 200) errors.push(`playlist ${res.status}`);
        else {
          const msn = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1]);
          sequences.push(msn);
          playlists.push({ at: tick, text });
          const segments = playlistSegments(text);
          const last = segments.at(-1)?.uri ?? '';
          if (last !== newest) {
            newest = last;
            run.push(tick);
          }
          for (const [i, s] of segments.entries()) {
            const prior = byUri.get(s.uri);
            // A discontinuity is the segment's wherever it is listed (it moves up the window as is).
            if (prior) {
              prior.discontinuity ||= s.discontinuity;
              prior.gap ||= s.gap;
              continue;
            }
            if (i < segments.length - 3) continue; // joining: the newest three, as a player starts
            if (s.gap) {
              // EXT-X-GAP: no media, a player does not load it.
              const entry = { uri: s.uri, msn: msn + i, discontinuity: s.discontinuity, gap: true, etag: '', at: tick };
              seen.push(entry);
              byUri.set(s.uri, entry);
              continue;
            }
            const seg = await fetch(new URL(s.uri, `${edge!.url}${PLAYLIST}`));
            const bytes = (await seg.arrayBuffer()).byteLength;
            if (seg.status !== 200 || bytes === 0) {
              errors.push(`segment ${s.uri} ${seg.status}`);
              continue;
            }
            const entry = {
              uri: s.uri,
              msn: msn + i,
              discontinuity: s.discontinuity,
              gap: false,
              etag: seg.headers.get('etag') ?? '',
              at: tick,
            };
            seen.push(entry);
            byUri.set(s.uri, entry);
          }
        }
      } catch (error) {
        errors.push(`fetch: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))));
    }
  };
  const session = (etag: string) => /^"ingest-(.+?)-\d+-v360-\d+"$/.exec(etag)?.[1];
  const feedFrom = (s: Seen) => session(s.etag);

  // The feed on the TV through the edge, from A.
  await watch(() => seen.filter((s) => feedFrom(s)).length >= 3, 30_000);
  const sessionA = feedFrom(seen.at(-1)!);
  expect(sessionA).toBeDefined();
  expect(errors).toEqual([]);
  // A TV plays the channel through the edge, while the viewer above keeps watching (a TV starts in
  // up to 10 s on a loaded box: a viewer that paused meanwhile would join again at the newest three
  // segments, skipping A's last ones).
  let tvPlaying = false;
  const tvStarted = (async () => {
    await startPlayer(`${edge!.url}/hls/live/${CHANNEL}/master.m3u8`);
    // Watching, not starting: it has moved from one fragment to the next twice. (Killed that early,
    // the TV used to freeze for good in about a run of three: it asked B for the parts A had just
    // announced and got B's slate under their names; B now answers 404 there: origin README.)
    return eventually(
      playerReport,
      (r) => r.frames > 0 && r.time > 1 && r.played.length >= 2,
      30_000,
      'the TV playing',
    );
  })().finally(() => (tvPlaying = true));
  await watch(() => tvPlaying, 60_000);
  const playing = await tvStarted;

  // A dies with the feed on air. The encoder finds its primary gone and moves to its backup, B
  // (when ffmpeg gives up on the dead SRT peer, or after 8 s, what a venue encoder's backup
  // switch would take at most).
  const first = encoders[0]!;
  a!.child.kill('SIGKILL');
  const killedAt = Date.now();
  // What A shared of the slots it listed (live-lease.ts), as B finds it: the newest is the last
  // slot a viewer may hold from A, as a segment or as parts of the one being made.
  const shared = JSON.parse((await lease.get(`citetv:live:slots:${CHANNEL}`)) ?? '{"slots":[]}') as {
    id?: string;
    slots: { sequence: number }[];
  };
  expect(shared.id).toBe('a');
  const lastListedByA = Math.max(...shared.slots.map((s) => s.sequence));
  const gaveUp = new Promise<string>((resolve) => {
    first.once('exit', () => resolve('exited'));
    setTimeout(() => resolve('killed after 8 s'), 8000);
  });
  let movedAt = 0;
  let how = '';
  void gaveUp.then((why) => {
    how = why;
    if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
    movedAt = Date.now();
    encoder(b!, streamKey, 'B');
  });
  // Until B's feed has been on the viewer's playlist for three segments.
  const isFeedOnB = (s: Seen) => s.at > killedAt && feedFrom(s) !== undefined && feedFrom(s) !== sessionA;
  await watch(() => seen.filter(isFeedOnB).length >= 3, 45_000);

  const after = seen.filter((s) => s.at > killedAt);
  const report = seen.map((s) => `${s.msn}${s.discontinuity ? ' D' : ''} ${s.etag} +${s.at - killedAt}ms`).join('\n');
  const feedOnB = after.filter(isFeedOnB);
  const stills = advances.flatMap((run) => run.slice(1).map((t, i) => t - run[i]!));
  process.stderr.write(`${report}\n`);
  process.stderr.write(
    `[replica-feed-takeover] encoder moved ${movedAt - killedAt} ms after the kill (${how}); B's feed listed ${
      (feedOnB[0]?.at ?? Number.NaN) - killedAt
    } ms after; longest still playlist ${Math.max(...stills)} ms; errors ${errors.length}\n`,
  );
  expect({ report, feedOnB: feedOnB.length }).toEqual({ report, feedOnB: 3 });
  // The player's view, as hls.js (1.6 on, the TV's 1.7.4) checks it on every live reload: a
  // segment listed again keeps its discontinuity number (EXT-X-DISCONTINUITY-SEQUENCE plus the
  // EXT-X-DISCONTINUITY tags up to it), else « discontinuity sequence mismatch » and the reload is
  // thrown away; and EXT-X-DISCONTINUITY-SEQUENCE never goes back. Across A's last playlists and
  // B's after the takeover (A shares its numbering through Redis).
  expect(discontinuityMismatches(playlists, killedAt)).toEqual([]);
  expect(await leaseHolder(lease, CHANNEL)).toBe('b');

  // Never backwards: the playlists' media sequence, and the segments in the order first listed.
  for (let i = 1; i < sequences.length; i++) expect(sequences[i]).toBeGreaterThanOrEqual(sequences[i - 1]!);
  for (let i = 1; i < seen.length; i++) expect(seen[i]!.msn).toBeGreaterThan(seen[i - 1]!.msn);
  // The playlist kept advancing: never still longer than a dead holder's lease allows.
  for (const still of stills) expect(still).toBeLessThanOrEqual(MAX_STILL_MS);
  // At most a couple of failed requests (the edge's one failed connection to A, a late segment).
  expect(errors.length).toBeLessThanOrEqual(2);

  // A's last feed segment, then B's segments after a discontinuity: B's first own (its slate or
  // loop, or its feed straight away), and B's feed after one more when it was not the first.
  // B's first own slot is the first after the last A listed: A may have had the next one on air
  // as parts when it died (LL-HLS), and a player holding it (as hls.js does, its fragment hint)
  // must get it with A's flag and number from B too; B's segment for it is then its own content
  // without a discontinuity of its own, and the one after it starts B's run.
  const lastOfA = seen.map((s) => feedFrom(s) === sessionA).lastIndexOf(true);
  const firstOfB = seen[lastOfA + 1]!;
  expect(firstOfB.msn).toBe(seen[lastOfA]!.msn + 1);
  expect(lastListedByA).toBeGreaterThanOrEqual(seen[lastOfA]!.msn);
  // A may have listed more than this viewer (polling each second, late on a loaded box) fetched
  // from it: a segment per slot since the viewer last saw one, then the next on air as parts and
  // the one after hinted (a TV in low-latency mode asks for them).
  const sinceSeen = Math.ceil((killedAt - seen[lastOfA]!.at) / SEGMENT_MS);
  expect(lastListedByA).toBeLessThanOrEqual(seen[lastOfA]!.msn + sinceSeen + 2);
  // A's slots this viewer had not fetched from A when it died are gaps in B's playlists: B does
  // not have A's feed, and its own slate there would be a picture from elsewhere under A's flags
  // (no discontinuity before it). What the viewer got listed as media before B's own is A's feed.
  const afterLastOfA = seen.filter((s) => s.msn > seen[lastOfA]!.msn && s.msn <= lastListedByA);
  expect(afterLastOfA.map((s) => [s.msn, s.gap])).toEqual(afterLastOfA.map((s) => [s.msn, true]));
  const firstOwnOfB = byUri.get(`${lastListedByA + 1}.ts`);
  expect(firstOwnOfB?.discontinuity).toBe(true);
  expect(feedOnB[0]!.discontinuity).toBe(true);
  // What plays at the end is the feed, on B, not B's loop or slate.
  for (const s of seen.slice(-3)) expect(isFeedOnB(s)).toBe(true);
  expect(await ingestState(b!)).toBe('receiving');

  // The TV played on through the takeover: into B's slots (after the last A listed), the picture
  // moving, and hls.js never threw a reload away (levelParsingError: « discontinuity sequence
  // mismatch ») nor gave up.
  const tvAfter = await eventually(
    playerReport,
    (r) => r.played.some((f) => f.sn > lastListedByA + 1) && r.time > playing.time + 8,
    30_000,
    'the TV playing B’s segments',
  ).catch((error: unknown) => {
    const journal = tvRequests
      .filter((r) => r.at > killedAt - 5000)
      .map(
        (r) =>
          `+${Math.round(r.sent - killedAt)}..+${r.at - killedAt}ms ${r.status} ${new URL(r.url).pathname}${new URL(r.url).search} ${r.failure ?? ''}`,
      );
    process.stderr.write(
      `[replica-feed-takeover] the TV's requests from 5 s before the kill:\n${journal.join('\n')}\n`,
    );
    throw error;
  });
  await screenshot(tv!.page, 'replica-feed-takeover-tv');
  process.stderr.write(
    `[replica-feed-takeover] TV: played ${tvAfter.played.map((f) => `${f.sn}/${f.cc}`).join(' ')}; errors ${JSON.stringify(tvAfter.errors)}\n`,
  );
  // Nor did it get a picture from elsewhere in A's slots: B lists those it cannot serve as gaps
  // (before, hls.js parsed B's slate there as A's feed: fragParsingError, holes, fragGap).
  const wrong = ['levelParsingError', 'fragParsingError'];
  expect(tvAfter.errors.filter((e) => e.fatal || wrong.includes(e.details))).toEqual([]);
  expect(tvAfter.frames).toBeGreaterThan(playing.frames + 100);
}, 180_000);

/** Where the viewer's playlists disagree on a segment's discontinuity number, or its sequence goes back. */
function discontinuityMismatches(playlists: { at: number; text: string }[], killedAt: number): string[] {
  const numbers = new Map<string, number>();
  const mismatches: string[] = [];
  let sequence = 0;
  for (const { at, text } of playlists) {
    const when = `+${at - killedAt} ms`;
    const own = Number(/#EXT-X-DISCONTINUITY-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
    if (own < sequence) mismatches.push(`EXT-X-DISCONTINUITY-SEQUENCE ${sequence} -> ${own} at ${when}`);
    sequence = Math.max(sequence, own);
    let n = own;
    for (const segment of playlistSegments(text)) {
      if (segment.discontinuity) n++;
      const before = numbers.get(segment.uri);
      if (before !== undefined && before !== n) mismatches.push(`${segment.uri}: ${before} then ${n} at ${when}`);
      numbers.set(segment.uri, n);
    }
  }
  return mismatches;
}
