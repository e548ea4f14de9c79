// The front door's own reader of request heads (edge/node/request-head.ts) against node:http's
// (llhttp): whatever head it accepts, node:http reads the same method, target, headers and raw
// headers from the same bytes, and does not refuse it. Generated heads mix what players send with
// what they should not (bad tokens, controls, obs-text, folding, odd whitespace, duplicates,
// framing fields, other methods and versions); what the reader refuses is node:http's to judge.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { headEnd, readPlainHead } from '../../edge-origin/src/edge/node/request-head.ts';

interface View {
  method: string;
  url: string;
  headers: Record<string, unknown>;
  rawHeaders: string[];
}

let server: Server;
let port: number;
let seen: ((view: View | 'refused') => void) | undefined;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    seen?.({ method: req.method!, url: req.url!, headers: { ...req.headers }, rawHeaders: [...req.rawHeaders] });
    res.end();
  });
  server.on('clientError', (_error, socket) => {
    seen?.('refused');
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** What node:http reads of `head` (latin1 bytes); 'waits' when it still waits for more after a second. */
function nodeView(head: string): Promise<View | 'refused' | 'waits'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => done('waits'), 1000);
    const done = (view: View | 'refused' | 'waits') => {
      clearTimeout(timer);
      seen = undefined;
      socket.destroy();
      resolve(view);
    };
    seen = done;
    socket.on('error', () => undefined);
    socket.resume();
    socket.on('close', () => seen === done && done('refused'));
    socket.write(Buffer.from(head, 'latin1'));
  });
}

function ours(head: string): View | null {
  const end = headEnd(head, 0);
  return end < 0 ? null : readPlainHead(head, 0, end);
}

test('what players send is read, as node:http reads it', async () => {
  const heads = [
    'GET /hls/live/sport/v1/index.m3u8 HTTP/1.1\r\nHost: edge.cite.example\r\n\r\n',
    'HEAD /hls/live/sport/v1/7.ts HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n',
    'GET /hls/live/sport/v1/index.m3u8?CMCD=bl%3D2000%2Csid%3D%22v1%22 HTTP/1.1\r\nHost: e\r\nConnection: Keep-Alive\r\n' +
      'CMCD-Session: sid="v1"\r\nAccept-Encoding: gzip, deflate\r\nOrigin: http://tv\r\nReferer: http://tv/\r\n\r\n',
    'GET /a HTTP/1.1\r\nHost:e\r\nX-Empty:\r\nX-Tabs:\t v \t\r\n\r\n',
  ];
  for (const head of heads) {
    const view = ours(head);
    expect(view).not.toBeNull();
    expect(view).toEqual(await nodeView(head));
  }
});

test('what it refuses is left to node:http: framing, connection changes, duplicates, other versions and methods', () => {
  for (const head of [
    'GET /a HTTP/1.1\r\nHost: e\r\nContent-Length: 0\r\n\r\n',
    'GET /a HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: chunked\r\n\r\n',
    'GET /a HTTP/1.1\r\nHost: e\r\nConnection: close\r\n\r\n',
    'GET /a HTTP/1.1\r\nHost: e\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n',
    'GET /a HTTP/1.1\r\nHost: e\r\nExpect: 100-continue\r\n\r\n',
    'GET /a HTTP/1.1\r\nHost: e\r\nhost: f\r\n\r\n',
    'GET /a HTTP/1.0\r\nHost: e\r\n\r\n',
    'POST /a HTTP/1.1\r\nHost: e\r\n\r\n',
    'GET http://e/a HTTP/1.1\r\nHost: e\r\n\r\n',
    'GET /a HTTP/1.1\r\nHost: e\r\nX: a\r\n b\r\n\r\n',
    'GET /a HTTP/1.1\r\nHost: e\r\nX: caf\xe9\r\n\r\n',
    'GET /a HTTP/1.1\r\nHost: e\r\n__proto__: x\r\n\r\n',
    'GET /a HTTP/1.1\r\nHost: e\r\n',
  ])
    expect([head, ours(head)]).toEqual([head, null]);
});

// Pieces a head is made of: mostly plain, sometimes not.
const mostly = <T>(plain: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: plain, weight: 12 }, { arbitrary: odd, weight: 1 });
const methods = mostly(fc.constantFrom('GET', 'HEAD'), fc.constantFrom('POST', 'get', 'GET ', 'OPTIONS', 'PRI'));
const targetChars = fc.constantFrom(...'/abc09-._~%?=&;:@!$()*+,[]'.split(''));
const oddTargetChars = fc.constantFrom(...'#"<>\\^`{|} \t\x7f\xe9'.split(''));
const targets = mostly(
  fc.array(mostly(targetChars, oddTargetChars), { maxLength: 20 }).map((c) => `/${c.join('')}`),
  fc.constantFrom('*', 'http://e/a', '', 'a'),
);
const versions = mostly(fc.constant('HTTP/1.1'), fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'http/1.1', 'HTTP/1.1 '));
const tokenChars = fc.constantFrom(..."abcXYZ-_!#$%&'*+.^`|~09".split(''));
const oddNameChars = fc.constantFrom(...' \t:"(),/;<=>?@[]{}\\\x01\xe9'.split(''));
const names = mostly(
  fc.oneof(
    fc.constantFrom('Host', 'host', 'Accept', 'User-Agent', 'CMCD-Request', 'Connection', 'Content-Length', 'Range'),
    fc.array(tokenChars, { minLength: 1, maxLength: 8 }).map((c) => `X-${c.join('')}`),
  ),
  fc.array(mostly(tokenChars, oddNameChars), { maxLength: 8 }).map((c) => c.join('')),
);
const valueChars = fc.constantFrom(...'abc 09\t,;="-*/:'.split(''));
const oddValueChars = fc.constantFrom(...'\x00\x01\x7f\xe9\xff\r\n'.split(''));
const values = fc.oneof(
  fc.constantFrom('e', 'keep-alive', 'close', '*/*', ' v ', '', '0', 'bytes=0-1'),
  fc.array(mostly(valueChars, oddValueChars), { maxLength: 12 }).map((c) => c.join('')),
);
const separators = mostly(fc.constantFrom(': ', ':', ':\t', ':  '), fc.constantFrom(' : ', ' :'));
const lineEnds = mostly(fc.constant('\r\n'), fc.constantFrom('\n', '\r\n ', '\r\n\t'));
const heads = fc
  .tuple(
    methods,
    targets,
    versions,
    fc.array(fc.tuple(names, separators, values, lineEnds), { maxLength: 5 }),
    fc.boolean(),
  )
  .map(([method, target, version, fields, withHost]) => {
    let head = `${method} ${target} ${version}\r\n`;
    if (withHost) head += 'Host: edge.example\r\n';
    for (const [name, sep, value, end] of fields) head += `${name}${sep}${value}${end}`;
    return `${head}\r\n`;
  });

test('any head it accepts, node:http accepts and reads the same way (generated heads)', async () => {
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(heads, async (head) => {
      const view = ours(head);
      if (!view) return;
      accepted++;
      expect([JSON.stringify(head), await nodeView(head)]).toEqual([JSON.stringify(head), view]);
    }),
    { numRuns: 1000, seed: 20261204 },
  );
  // Not vacuous: a good share of the generated heads were plain.
  expect(accepted).toBeGreaterThan(100);
}, 60_000);
