// The Node listener's way with a beacon to collect (beacons/): answered 204 from node:http at
// once, without a web Request or Response; the same answer, count and log line as the general
// path's (beacons/answer.ts; tests/edge/beacons.test.ts compares them).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { beaconFields, collects } from '../beacons/answer.ts';
import { readsRequest } from '../proxy/record.ts';
import { PEER_HEADER } from '../upstream/upstream-client.ts';
import { isPlainRequest, recordOf, type PlainHeadOn } from './plain-request.ts';
import type { FastAnswer } from './response-head.ts';
import type { Edge } from '../app.ts';

export interface FastBeaconPath {
  /** Collects and answers the request if it is a beacon to collect; false: another path must. */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
  /** The same for the front door (front-door.ts): the answer and `sent` to call once written; null: another path must. */
  answer(req: PlainHeadOn): { answer: FastAnswer; sent(): void } | null;
  /** Requests answered here (tests check this path really was taken). */
  readonly served: number;
}

export function createFastBeaconPath(edge: Edge): FastBeaconPath | null {
  const ctx = edge.context;
  const collector = ctx.beacons;
  if (!collector) return null;
  let served = 0;
  const path: FastBeaconPath = {
    get served() {
      return served;
    },
    serve(req, res) {
      const taken = path.answer(req);
      if (!taken) return false;
      res.writeHead(taken.answer.status, taken.answer.fields);
      res.end();
      taken.sent();
      return true;
    },
    answer(req) {
      // First the prefix (a string compare): every request comes here before the hit path.
      const target = req.url ?? '';
      if (!collects(ctx, req.method ?? '', target, req.headers[PEER_HEADER] === ctx.peerSecret)) return null;
      if (!isPlainRequest(req, ctx.config)) return null;
      served++;
      const url = readsRequest(ctx, target) ? new URL(`http://${req.headers.host!}${target}`) : undefined;
      const record = recordOf(ctx, req, url);
      record.arrived();
      collector.collect(target, ctx.now() * 1000);
      return {
        answer: { status: 204, fields: Object.entries(beaconFields(ctx)).flat(), body: null },
        sent: () => record.answered(204, 'BEACON', -1),
      };
    },
  };
  return path;
}
