// The Node fast path for requests the edge passes through uncached (uploads, beacons and pings by
// POST, PUT, DELETE...).
//
// WHY: through the general path each of them costs a web Request over Node's, a Hono pass, Headers
// copies, undici's fetch with a web stream for the body each way (plus the first-byte clock's
// TransformStream and the idle timeout's wrapper), a Response, and @hono/node-server reading it back:
// about 1 ms of CPU each, so a flood of photo uploads (issue #13) or an ad break's burst of pings
// (#14) held the event loop and slowed every viewer's playlist. Here node:http proxies it on a
// keep-alive Agent, request and answer bodies piped with backpressure.
//
// WHAT IT GUARANTEES: the same answer as the general path (tests/edge/fast-pass.test.ts compares
// them): the same decision (proxy/pass-through.ts passesThrough), the same upstream fields
// (proxy/handler.ts lazyForwardedHeaders, UpstreamClient.forwardHeaders: hop-by-hop out, Via,
// X-Forwarded-*), the same timeouts (connect; first byte counted from the request body's last
// byte; idle between the answer's chunks while the client keeps up), the same 502/504 words
// (UpstreamClient.failure, proxy/respond.ts gatewayErrorParts), the same answer fields
// (passAnswerHeaders, written as @hono/node-server writes a Response), §4.4 invalidation, the same
// metrics, access log line and audience observation (proxy/record.ts). A client gone ends the
// upstream request. It takes only plain requests (plain-request.ts: no Authorization or
// preconditions, plain target and host, well under the limits, outside signed-URL prefixes, not
// naming this edge in Via) without Upgrade: with a method other than GET and HEAD (no failover:
// their bodies cannot be replayed, on either path), or a GET or HEAD under config.passPrefixes
// when there is one upstream only (the general path may try a second); anything else takes the
// general path.
// Two differences, both in what the upstream sees or sends, not in answers: the client's
// Content-Length goes upstream (fetch sends a streamed body chunked), and an encoded answer the
// upstream sends although asked for identity is passed on as it is (fetch decodes it).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { withoutHopByHop } from '../http/headers.ts';
import { lazyForwardedHeaders } from '../proxy/handler.ts';
import { invalidateAfterUnsafe, passAnswerHeaders, passesThrough } from '../proxy/pass-through.ts';
import { bodylessStatus, gatewayErrorParts } from '../proxy/respond.ts';
import { isPlainRequest, recordOf } from './plain-request.ts';
import { headersFromRaw, outgoingFields } from './header-list.ts';
import { relayInterim } from './interim.ts';
import { type LingerLimits, lingerOnUnreadBody } from './lingering-close.ts';
import type { Edge } from '../app.ts';

export interface FastPassPath {
  /** Proxies the request if it is a plain pass-through; false: the general path must answer. */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
  /** Requests taken here (tests check the path really was taken). */
  readonly served: number;
  /** Closes the kept-alive upstream connections. */
  close(): void;
}

/**
 * An upload's rest, after an answer its upstream gave early, read and dropped up to these before
 * the phone's connection may be cut (lingering-close.ts): a 16 MB photo form and then some, over a
 * slow 4G uplink.
 */
const UNREAD_BODY_LINGER: LingerLimits = { maxBytes: 64 * 1024 * 1024, maxMs: 30_000 };

export function createFastPassPath(edge: Edge): FastPassPath {
  const ctx = edge.context;
  const { config } = ctx;
  const secure = new URL(config.upstreamUrl).protocol === 'https:';
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, scheduling: 'lifo' })
    : new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
  const send = secure ? httpsRequest : httpRequest;
  const connectedEvent = secure ? 'secureConnect' : 'connect';
  let served = 0;

  return {
    get served() {
      return served;
    },
    close: () => agent.destroy(),
    serve(req, res) {
      const method = req.method ?? '';
      const h = req.headers;
      const requestTarget = req.url ?? '';
      const query = requestTarget.indexOf('?');
      const path = query < 0 ? requestTarget : requestTarget.slice(0, query);
      if (method === 'TRACE' || !passesThrough(config, method, path, (name) => h[name] !== undefined)) return false;
      // A GET or HEAD passed through may fail over to the next upstream on the general path.
      const bodiless = method === 'GET' || method === 'HEAD';
      if (bodiless && config.fallbackUpstreamUrls.length > 0) return false;
      if (!isPlainRequest(req, config) || h.upgrade !== undefined) return false;

      const url = new URL(`http://${h.host!}${requestTarget}`);
      const client = req.socket.remoteAddress;
      const headers = ctx.upstream.forwardHeaders(
        lazyForwardedHeaders(headersFromRaw(req.rawHeaders), url, client)(),
        url.host,
      );
      const fields = outgoingFields(headers, false);
      if (h['content-length'] !== undefined) fields['content-length'] = h['content-length'];
      // One upstream, as the general path asks for a request with a body (a streamed body cannot be
      // sent twice) or with no other upstream: the first not lately found unreachable.
      const base = ctx.upstream.ordered()[0] ?? config.upstreamUrl;
      const target = ctx.upstream.target(base, url.pathname + url.search);
      const requestTime = ctx.now();
      // Built before anything is taken from the request: if Node refuses it, the general path answers.
      const up = send(target, { method, headers: fields, agent });

      // From here on, this request is ours.
      served++;
      const record = recordOf(ctx, req, url);
      record.arrived();
      /** Set once the upstream's answer is in, or the 502/504 is out. */
      let settled = false;
      let answering = false;
      let connectTimer: NodeJS.Timeout | undefined;
      let firstByteTimer: NodeJS.Timeout | undefined;
      let clientGone = false;

      const fail = (how: 'connect-timeout' | 'first-byte-timeout' | 'unreachable', error?: unknown) => {
        if (settled) return;
        settled = true;
        // A client gone is no fault of the upstream's (the general path, whose body stream fails
        // then, takes it for one: a difference kept on purpose).
        if (!clientGone) ctx.upstream.unreachable(base);
        clearTimeout(connectTimer);
        clearTimeout(firstByteTimer);
        req.unpipe(up);
        up.destroy();
        ctx.metrics.upstream('error', 0);
        // As fetch words it: `fetch failed`, its cause's code (UpstreamClient.failure's `describe`).
        const failure = ctx.upstream.failure(target.origin, how, new TypeError('fetch failed', { cause: error }));
        const { status, headers: answer, text } = gatewayErrorParts(ctx, failure.kind, failure.message);
        const body = Buffer.from(text);
        // As @hono/node-server writes a Response with a text body: its length last, so spelt.
        const out: Record<string, string | string[] | number> = outgoingFields(answer, true);
        out['Content-Length'] = body.byteLength;
        record.answered(status, 'ERROR', -1);
        if (res.destroyed) return;
        res.writeHead(status, out);
        res.end(body);
      };

      up.on('socket', (socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(() => fail('connect-timeout'), config.upstreamConnectTimeoutMs);
        socket.once(connectedEvent, () => clearTimeout(connectTimer));
      });
      // The first byte is awaited from the request's last one (a phone's photo over 4G is not a
      // slow origin), as upstream/upstream-client.ts does.
      up.on('finish', () => {
        if (!settled) firstByteTimer = setTimeout(() => fail('first-byte-timeout'), config.upstreamFirstByteTimeoutMs);
      });
      up.on('information', (info) => {
        if (info.statusCode === 102 || info.statusCode === 103)
          relayInterim(res, info.statusCode, info.headers as Record<string, string | string[]>);
      });
      up.on('error', (error) => {
        if (!settled) fail('unreachable', error);
        // Gone mid-answer: it cannot complete. Gone after it (the upstream stopped reading an
        // upload it had answered): the rest of the body is read and dropped (lingering-close.ts).
        else if (answering && !res.writableFinished) res.destroy();
        else req.unpipe(up);
      });
      // The answer is out before the whole body went up (the upstream answered early): the rest
      // is the viewer's connection's to read and drop (lingering-close.ts), and this upstream
      // connection, mid-body, must not carry another request (the upstream would read it as body).
      res.once('finish', () => {
        if (req.readableEnded) return;
        req.unpipe(up);
        up.destroy();
      });
      lingerOnUnreadBody(req, res, UNREAD_BODY_LINGER);
      // A client gone (mid-upload, or mid-answer): the upstream request ends too.
      res.on('close', () => {
        if (res.writableFinished) return;
        clientGone = true;
        up.destroy(new Error('client closed the connection'));
      });

      up.on('response', (upstream) => {
        if (settled) return void upstream.destroy();
        settled = true;
        answering = true;
        ctx.upstream.reached(base);
        clearTimeout(connectTimer);
        clearTimeout(firstByteTimer);
        const status = upstream.statusCode!;
        const upstreamSeconds = ctx.now() - requestTime;
        ctx.metrics.upstream(status, upstreamSeconds);
        const upstreamHeaders = withoutHopByHop(headersFromRaw(upstream.rawHeaders));
        invalidateAfterUnsafe(ctx, method, url, status, upstreamHeaders);
        const answer = passAnswerHeaders(ctx, upstreamHeaders);
        const length = answer.get('content-length');
        record.answered(status, 'PASS', Number(length ?? -1), upstreamSeconds);
        if (bodylessStatus(status) || method === 'HEAD') {
          upstream.resume();
          res.writeHead(status, outgoingFields(answer, false));
          return void res.end();
        }
        // Head out at once, as @hono/node-server sends a streamed Response (without a length: chunked).
        res.writeHead(status, outgoingFields(answer, true));
        res.flushHeaders();
        stream(upstream, res);
      });

      /** The answer's body, piped with backpressure; upstream silent past the idle timeout (while
       * the client keeps up) or gone mid-body: the answer cannot complete, the client is cut. */
      function stream(upstream: IncomingMessage, to: ServerResponse): void {
        let waiting = false;
        const idle = setTimeout(() => {
          if (waiting) return void idle.refresh();
          up.destroy();
          to.destroy();
        }, config.upstreamIdleTimeoutMs);
        upstream.on('data', (chunk: Buffer) => {
          idle.refresh();
          if (!to.write(chunk)) {
            waiting = true;
            upstream.pause();
          }
        });
        to.on('drain', () => {
          waiting = false;
          idle.refresh();
          upstream.resume();
        });
        upstream.on('end', () => {
          clearTimeout(idle);
          to.end();
        });
        upstream.on('close', () => {
          clearTimeout(idle);
          if (!upstream.complete) to.destroy();
        });
      }

      req.pipe(up);
      return true;
    },
  };
}
