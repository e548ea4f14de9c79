// The benchmark's viewer simulation, checked against servers whose behaviour we know: a stall
// counter that could never count would make "zero stalls at 10,000 viewers" meaningless.
// A fake live stream (1 s segments, window of 6) served from memory on loopback:
//  - as fast as it gets → every viewer plays, nothing stalls, no errors;
//  - every segment answered 3 s late (longer than a segment lasts) → players run dry.
// And the minimal HTTP client against both framings a server may use (chunked, Content-Length).
import { startFakeLiveServer, type FakeLiveServer } from '../../bench/edge/viewer-sim/fake-live-server.ts';
import { simulateViewers } from '../../bench/edge/viewer-sim/simulate.ts';
import { HttpConnection } from '../../bench/edge/viewer-sim/http-connection.ts';
import { parseMediaPlaylist } from '../../bench/edge/viewer-sim/player.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

describe('viewer simulation', () => {
  let server: FakeLiveServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('its HTTP connection reads a chunked playlist and a sized segment over one keep-alive socket', async () => {
    server = await startFakeLiveServer({ segmentBytes: 12_345 });
    const connection = new HttpConnection('127.0.0.1', Number(new URL(server.baseUrl).port));
    try {
      const playlist = await connection.get(server.playlistPath, true);
      expect(playlist.status).toBe(200);
      const parsed = parseMediaPlaylist(playlist.body);
      expect(parsed?.segments).toHaveLength(6);
      const first = itemAt(parsed!.segments, 0).uri;
      const segment = await connection.get(`/live/${first}`, false);
      expect(segment).toMatchObject({ status: 200, bytes: 12_345 });
      const missing = await connection.get('/live/999999999.ts', false);
      expect(missing.status).toBe(404);
      expect(connection.reconnects).toBe(0);
    } finally {
      connection.close();
    }
  });

  test('against a fast live server, every viewer plays and none stalls', async () => {
    server = await startFakeLiveServer();
    const r = await simulateViewers({
      baseUrl: server.baseUrl,
      playlistPath: server.playlistPath,
      viewers: 20,
      durationMs: 4000,
      joinSpreadMs: 500,
      processes: 2,
    });
    expect(r.errors).toBe(0);
    expect(r.playing).toBe(20);
    expect(r.stalls).toBe(0);
    // Each viewer joined 3 segments behind the live edge and then followed it: at least those 3.
    expect(r.segmentRequests).toBeGreaterThanOrEqual(20 * 3);
    expect(r.simulator.processes).toBe(2);
  });

  test('against a server that answers segments 3 s late, players stall', async () => {
    server = await startFakeLiveServer({ segmentDelayMs: 3000 });
    const r = await simulateViewers({
      baseUrl: server.baseUrl,
      playlistPath: server.playlistPath,
      viewers: 5,
      durationMs: 7500,
      joinSpreadMs: 200,
      processes: 1,
    });
    expect(r.errors).toBe(0);
    expect(r.playing).toBe(5);
    // Playback starts at ~3 s on 1 s of media; the next segment arrives at ~6 s.
    expect(r.stalls).toBeGreaterThanOrEqual(5);
  });
});
