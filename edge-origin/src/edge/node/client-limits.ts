// What Node's HTTP server enforces for the edge, from its config: the parser's size bound, the
// client time-outs (slowloris, idle keep-alive), the answers to requests the parser refuses
// (smuggling attempts, unknown methods, oversized heads), CONNECT, and the raw request targets
// the edge refuses before any URL parser rewrites them (proxy/request-target.ts).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { EdgeConfig } from '../config.ts';
import type { EdgeContext } from '../context.ts';
import { badTargetMessage, refusedTarget } from '../proxy/request-target.ts';

/** Options only createServer takes (the rest is applied by applyClientLimits, again on reload). */
export function serverOptions(config: EdgeConfig): { connectionsCheckingInterval: number } {
  // Node checks headersTimeout and requestTimeout on this period (default 30 s, far too coarse
  // for a 10 s header time-out).
  const shortest = Math.min(config.headersTimeoutMs, config.requestTimeoutMs || Number.POSITIVE_INFINITY);
  return { connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(shortest / 4))) };
}

export function applyClientLimits(http: Server, config: EdgeConfig): void {
  // The parser's bound covers the request line and the headers: room for both limits, so that
  // within it the general path answers the precise 414 or 431 (proxy/handler.ts). Node reads it
  // for each new connection (it is not in its types), so a reload applies to the next ones.
  (http as Server & { maxHeaderSize: number }).maxHeaderSize = config.maxHeaderBytes + config.maxUrlLength + 1024;
  http.requestTimeout = config.requestTimeoutMs;
  // Node refuses a header time-out longer than the whole request's.
  http.headersTimeout = config.requestTimeoutMs
    ? Math.min(config.headersTimeoutMs, config.requestTimeoutMs)
    : config.headersTimeoutMs;
  http.keepAliveTimeout = config.keepAliveTimeoutMs;
}

/** Answers what the parser refused, and CONNECT, then closes the connection (its framing is not trusted). */
export function guardConnections(http: Server, ctx: EdgeContext): void {
  http.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    const answer = clientErrorAnswer(error, ctx.config);
    // Counted only when answered: a socket destroyed mid-answer (an upstream body failing, a
    // slow client cut off) comes here too, and is no refused request.
    if (answer && closeWith(socket, answer.status, answer.text)) ctx.metrics.request(answer.status, 'ERROR');
    else if (!answer) socket.destroy();
  });
  http.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    ctx.metrics.request(405, 'ERROR');
    closeWith(socket, 405, 'Méthode non autorisée / Method not allowed: CONNECT', ctx.config.allowedMethods);
  });
}

/** A raw target the edge refuses: answered 400 here; false: carry on. */
export function refuseRawTarget(req: IncomingMessage, res: ServerResponse, ctx: EdgeContext): boolean {
  const reason = refusedTarget(req.url ?? '');
  if (!reason) return false;
  ctx.metrics.request(400, 'ERROR');
  res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-cache': 'ERROR' });
  res.end(`400 ${badTargetMessage(reason)}\n`);
  return true;
}

function clientErrorAnswer(
  error: NodeJS.ErrnoException & { rawPacket?: Buffer },
  config: EdgeConfig,
): { status: number; text: string } | null {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return null;
    case 'HPE_HEADER_OVERFLOW': {
      // Past the parser's bound: a 414 if the request line alone is too long (when it is in view).
      const head = error.rawPacket?.toString('latin1', 0, config.maxUrlLength + 64) ?? '';
      const lineEnd = head.indexOf('\r\n');
      if (/^[A-Z]+ \//.test(head) && (lineEnd < 0 || lineEnd > config.maxUrlLength))
        return { status: 414, text: `URI trop longue / URI too long (limite ${config.maxUrlLength} octets)` };
      return {
        status: 431,
        text: `En-têtes trop volumineux / Request header fields too large (limite ${config.maxHeaderBytes} octets)`,
      };
    }
    case 'HPE_INVALID_METHOD':
      return { status: 501, text: 'Méthode non prise en charge / Not implemented' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, text: 'Requête trop lente / Request timeout' };
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
      return {
        status: 400,
        text: `Cadrage ambigu / Ambiguous message framing: ${error.message.replace(/^Parse Error: /, '')}`,
      };
    default:
      return { status: 400, text: `Requête invalide / Bad request: ${error.message.replace(/^Parse Error: /, '')}` };
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
};

/** Answers and closes; false: closed without an answer (bytes of another one already went out). */
export function closeWith(socket: Duplex, status: number, text: string, allow?: string[]): boolean {
  // After bytes of an earlier response (keep-alive, pipelining), an answer here would land inside
  // or after it unasked for: close only, as Node does.
  if (!socket.writable || ((socket as Socket).bytesWritten ?? 0) > 0) {
    socket.destroy();
    return false;
  }
  socket.end(closingAnswer(status, text, allow), () => socket.destroy());
  return true;
}

/** The whole answer closeWith writes (UTF-8), for a writer of its own (node/native-front.ts). */
export function closingAnswer(status: number, text: string, allow?: string[]): string {
  const body = `${status} ${text}\n`;
  const head =
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nConnection: close\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n` +
    (allow ? `Allow: ${allow.join(', ')}\r\n` : '') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return head + body;
}
