// The bench's upstream (`tsx pass-upstream.ts <port>`), a process of its own: what the edge passes
// through answers after PASS_UPSTREAM_DELAY_MS (20) as an origin's API would: a POST's body read
// whole and answered 201 `private, no-store` with a small JSON, a GET beacon 204 `no-store`; and a
// live playlist the edge may cache for 1 s (`/live/index.m3u8`), the concurrent viewer's request.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const delay = Number(process.env.PASS_UPSTREAM_DELAY_MS ?? 20);
let sequence = 0;
setInterval(() => sequence++, 1000).unref();

const server = createServer((req, res) => {
  if (req.url?.startsWith('/live/')) {
    const body = `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:${sequence}\n#EXTINF:2.0,\n${sequence}.ts\n`;
    res.writeHead(200, {
      'content-type': 'application/vnd.apple.mpegurl',
      'cache-control': 'max-age=1',
      'content-length': Buffer.byteLength(body),
    });
    return void res.end(body);
  }
  let bytes = 0;
  req.on('data', (c: Buffer) => (bytes += c.length));
  req.on('end', () =>
    setTimeout(() => {
      if (req.method === 'POST') {
        const body = JSON.stringify({ ok: true, bytes });
        res.writeHead(201, {
          'content-type': 'application/json',
          'cache-control': 'private, no-store',
          'content-length': Buffer.byteLength(body),
        });
        return void res.end(body);
      }
      res.writeHead(204, { 'cache-control': 'no-store' });
      res.end();
    }, delay),
  );
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
