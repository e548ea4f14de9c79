// One load-generator process of crowd.ts: says "ready" once loaded, plays the viewers it is sent
// (each on its own keep-alive connection), records each one's requests and stalls with their
// wall-clock times, sends them back and exits.
import { HttpConnection, type HttpResult } from './http-connection.ts';
import { emptyStats, playLive } from './player.ts';
import { playReplay } from './replay-player.ts';
import type { FromCrowdProcess, RequestRecord, ToCrowdProcess, ViewerRecord } from './crowd.ts';

const epoch = (t: number) => performance.timeOrigin + t;
const send = (m: FromCrowdProcess, then: () => void) => process.send!(m, then);

async function run(m: ToCrowdProcess): Promise<{ index: number; record: ViewerRecord }[]> {
  const url = new URL(m.baseUrl);
  const port = Number(url.port || 80);
  const startAt = m.startAtEpochMs - performance.timeOrigin;
  const endAt = startAt + m.durationMs;
  const connections: HttpConnection[] = [];
  let ended = false;
  const ending = setTimeout(
    () => {
      ended = true;
      for (const c of connections) c.close();
    },
    Math.max(0, endAt - performance.now()),
  );
  const viewers = m.viewers.map(async ({ index, viewer }) => {
    await new Promise((r) => setTimeout(r, Math.max(0, startAt + viewer.joinAtMs - performance.now())));
    const requests: RequestRecord[] = [];
    const stats = emptyStats();
    const connection = new HttpConnection(url.hostname, port);
    connections.push(connection);
    // Keep the viewer's query (its CMCD session) on every request, as hls.js does with CMCD.
    const query = viewer.playlistPath.includes('?') ? viewer.playlistPath.slice(viewer.playlistPath.indexOf('?')) : '';
    const get = async (path: string, keepBody: boolean): Promise<HttpResult> => {
      const at = performance.now();
      const target = path.includes('?') || path === viewer.playlistPath ? path : path + query;
      const res = await connection.get(target, keepBody);
      if (!ended) requests.push({ at: epoch(at), ms: res.totalMs, path, status: res.status });
      return res;
    };
    if (!ended) {
      const common = { playlistPath: viewer.playlistPath, retryDelayMs: m.retryDelayMs, endAt, ended: () => ended };
      if (viewer.kind === 'live')
        await playLive(get, { ...common, liveSyncDurationCount: m.liveSyncDurationCount }, stats);
      else await playReplay(get, { ...common, startS: viewer.startS ?? 0, maxBufferS: m.maxBufferS }, stats);
    }
    const record: ViewerRecord = {
      ...viewer,
      requests,
      stallsAt: stats.stallStartedAt.map(epoch),
      reconnects: connection.reconnects,
      played: stats.startupMs.length > 0,
    };
    return { index, record };
  });
  const records = await Promise.all(viewers);
  clearTimeout(ending);
  ended = true;
  for (const c of connections) c.close();
  return records;
}

process.on('message', (m: ToCrowdProcess) => {
  if (m.type !== 'start') return;
  void run(m).then(
    (viewers) => send({ type: 'result', viewers }, () => process.exit(0)),
    (e: unknown) => send({ type: 'error', message: String((e as Error)?.stack ?? e) }, () => process.exit(1)),
  );
});
send({ type: 'ready' }, () => {});
