// The request heads the front door (front-door.ts) reads itself: a plain HTTP/1.1 GET or HEAD, as
// players send them, and nothing else. Anything this reader is not sure of is not its to judge:
// it answers null and node:http's parser (llhttp) reads the same bytes, with its own errors for
// what is malformed or hostile. So the grammar is narrower than RFC 9112's: a request line of
// `GET|HEAD SP origin-form SP HTTP/1.1`, fields of a token, a colon and visible ASCII, no field
// twice, none that frames a body or changes the connection (Content-Length, Transfer-Encoding,
// Expect, Upgrade, a Connection other than keep-alive), and a Host. What it accepts, it sees as node:http does
// (method, url, headers by lower-case name, values trimmed, rawHeaders in order):
// tests/edge/request-head.test.ts holds the two readers to the same view.

/** A request as the Node fast paths read one: the parts of node:http's IncomingMessage they use. */
export interface PlainHead {
  method: string;
  url: string;
  headers: Record<string, string>;
  rawHeaders: string[];
}

/** tchar (RFC 9110 §5.6.2), by char code. */
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TOKEN[c] = 1;
for (let c = 65; c <= 90; c++) TOKEN[c] = 1;
for (let c = 97; c <= 122; c++) TOKEN[c] = 1;

/** Fields that frame a body, ask for an interim answer or change the connection: node:http's to handle. */
const NOT_PLAIN = new Set(['content-length', 'transfer-encoding', 'expect', 'upgrade', 'te', 'trailer']);

const SP = 32;
const HT = 9;

/**
 * Reads the head in `text` (bytes as latin1) from `start` to `end`, the index of the CRLF CRLF
 * that closes it; null when it is not a plain GET/HEAD this reader is sure of.
 */
export function readPlainHead(text: string, start: number, end: number): PlainHead | null {
  const lineEnd = text.indexOf('\r\n', start);
  // The request line: GET or HEAD, one space, an origin-form target, one space, HTTP/1.1.
  let method: string;
  let at: number;
  if (text.startsWith('GET /', start)) {
    method = 'GET';
    at = start + 4;
  } else if (text.startsWith('HEAD /', start)) {
    method = 'HEAD';
    at = start + 5;
  } else return null;
  const targetEnd = lineEnd - 9;
  if (targetEnd <= at || !text.startsWith(' HTTP/1.1', targetEnd)) return null;
  for (let i = at; i < targetEnd; i++) {
    const c = text.charCodeAt(i);
    // Visible ASCII only (no space, no control, no obs-text).
    if (c <= SP || c >= 127) return null;
  }
  const url = text.slice(at, targetEnd);
  const headers: Record<string, string> = {};
  const rawHeaders: string[] = [];
  let line = lineEnd + 2;
  while (line < end + 2) {
    const next = text.indexOf('\r\n', line);
    // Field name: a token, the colon right after it.
    let i = line;
    for (; i < next; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128 || TOKEN[c] !== 1) break;
    }
    if (i === line || i === next || text.charCodeAt(i) !== 58) return null;
    const name = text.slice(line, i);
    // Value: optional whitespace around visible ASCII, spaces and tabs.
    let from = i + 1;
    let to = next;
    for (let j = from; j < to; j++) {
      const c = text.charCodeAt(j);
      if ((c < SP && c !== HT) || c >= 127) return null;
    }
    while (from < to && isWhitespace(text.charCodeAt(from))) from++;
    while (to > from && isWhitespace(text.charCodeAt(to - 1))) to--;
    const value = text.slice(from, to);
    const lower = name.toLowerCase();
    if (Object.hasOwn(headers, lower) || NOT_PLAIN.has(lower) || lower === '__proto__') return null;
    if (lower === 'connection' && value.toLowerCase() !== 'keep-alive') return null;
    headers[lower] = value;
    rawHeaders.push(name, value);
    line = next + 2;
  }
  // HTTP/1.1 without Host: node:http answers 400 itself.
  if (headers.host === undefined) return null;
  return { method, url, headers, rawHeaders };
}

function isWhitespace(c: number): boolean {
  return c === SP || c === HT;
}

/**
 * Index of the CRLF CRLF ending the head that starts at `start`, or -1 while it is incomplete. A
 * lone CR or LF before it falls inside a line, where readPlainHead refuses every control byte.
 */
export function headEnd(text: string, start: number): number {
  return text.indexOf('\r\n\r\n', start);
}
