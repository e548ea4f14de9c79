// An answer of the Node fast paths as node:http puts it on the wire, for the front door
// (front-door.ts), which writes to the socket itself: what ServerResponse's writeHead(status,
// fields) then end(body) send on a keep-alive HTTP/1.1 request (Node's _storeHeader): the status
// line, the fields as given, Date unless given, Connection and Keep-Alive, and the body framed by
// the Content-Length given, else chunked. tests/edge/fast-hit.test.ts holds both writers to the
// same bytes.
import { STATUS_CODES } from 'node:http';

/** What a fast path answers: writeHead's arguments and end's. */
export interface FastAnswer {
  status: number;
  /** Flat [name, value, ...], lower-case names, as writeHead takes them. */
  fields: string[];
  /** Null: no body (HEAD, a bodyless status, or an empty answer). */
  body: Uint8Array | null;
}

export interface Wire {
  head: string;
  /** The body's bytes as framed (chunked: size line, body, last chunk), or null for none. */
  chunks: (Uint8Array | string)[];
}

let dateSecond = -1;
let dateText = '';

/** Date as node:http writes it: the current second, made once per second. */
function utcDate(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/**
 * `answer` as node:http sends it, `isHead` for a HEAD request; `keepAliveTimeoutMs` is the
 * server's (Keep-Alive: timeout=, whole seconds); `date`, the Date value when the fields have none
 * (default: now's; the native front door puts a marker there, node/native-front.ts).
 */
export function wireAnswer(answer: FastAnswer, isHead: boolean, keepAliveTimeoutMs: number, date?: string): Wire {
  const { status, fields, body } = answer;
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
  const dateValue = date;
  let hasDate = false;
  let length = false;
  let keepAliveField = false;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    head += `${name}: ${fields[i + 1]}\r\n`;
    if (name === 'date') hasDate = true;
    else if (name === 'content-length') length = true;
    else if (name === 'keep-alive') keepAliveField = true;
  }
  if (!hasDate) head += `Date: ${dateValue ?? utcDate(Date.now())}\r\n`;
  head += 'Connection: keep-alive\r\n';
  if (keepAliveTimeoutMs > 0 && !keepAliveField)
    head += `Keep-Alive: timeout=${Math.floor(keepAliveTimeoutMs / 1000)}\r\n`;
  const hasBody = !isHead && status !== 204 && status !== 304 && !(status >= 100 && status <= 199);
  if (!hasBody || length) return { head: `${head}\r\n`, chunks: hasBody && body ? [body] : [] };
  // No length given: Node frames the body chunked, in one chunk then the last one.
  head += 'Transfer-Encoding: chunked\r\n\r\n';
  if (!body || body.byteLength === 0) return { head, chunks: ['0\r\n\r\n'] };
  return { head, chunks: [`${body.byteLength.toString(16)}\r\n`, body, '\r\n0\r\n\r\n'] };
}
