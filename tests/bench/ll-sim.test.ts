// The LL-HLS benchmark's synthetic origin and player simulation, checked without a cache in
// between: a blocking reload is held until its part exists and refused past three target
// durations, and the simulation's counts add up (with no cache, every player request reaches
// the origin: "origin requests per part" must then be the players' requests per part).
import {
  startLlOrigin,
  partReadyAt,
  PLAYLIST_PATH,
  PARTS_PER_SEGMENT,
  TARGET_DURATION,
  type LlOrigin,
} from '../../bench/ll/ll-origin.ts';
import { runLlPlayerSim } from '../../bench/ll/ll-player-sim.ts';
import { containsPart, scanPlaylist } from '../../edge-origin/src/edge/hls/playlist.ts';

let origin: LlOrigin;
beforeAll(async () => {
  origin = await startLlOrigin();
});
afterAll(() => origin.close());

test('holds a blocking reload until its part exists, and answers 503 past three target durations', async () => {
  origin.epochMs = Date.now() - 10 * TARGET_DURATION * 1000;
  // The part after the next one: at most two parts away.
  const index = Math.floor((Date.now() - origin.epochMs) / 500) + 1;
  const [msn, part] = [Math.floor(index / PARTS_PER_SEGMENT), index % PARTS_PER_SEGMENT];
  const res = await fetch(`${origin.url}${PLAYLIST_PATH}?_HLS_msn=${msn}&_HLS_part=${part}`);
  const answeredAt = Date.now();
  expect(res.status).toBe(200);
  expect(answeredAt).toBeGreaterThanOrEqual(partReadyAt(origin, msn, part));
  expect(containsPart(scanPlaylist(await res.text())!, msn, part)).toBe(true);
  const tooFar = await fetch(`${origin.url}${PLAYLIST_PATH}?_HLS_msn=${msn + 10}&_HLS_part=0`);
  expect(tooFar.status).toBe(503);
  await tooFar.text();
});

test('the player simulation counts what reaches the origin', async () => {
  origin.reset();
  const result = await runLlPlayerSim(origin.url, origin, { players: 20, durationMs: 4000, processes: 1 });
  expect(result.errors).toBe(0);
  expect(result.partRequests).toBeGreaterThan(20);
  // No cache: every request of every player is an origin request.
  expect(result.originRequestsPerPart * result.uniqueParts).toBeCloseTo(result.partRequests);
  expect(result.originRequestsPerPlaylistVersion * result.uniqueReloads).toBeCloseTo(result.reloadRequests);
  expect(result.originRequestsPerPart).toBeGreaterThan(1);
});
