// Which HTTP client the edge's Node fast pass (edge-origin/src/edge/node/fast-pass.ts) should proxy with
// (`tsx bench/pass/clients.ts`): CPU per upstream request, the client and a loopback upstream in one
// process, rounds of 200 POSTs of 4 KB at once on kept-alive connections, three rounds each, interleaved.
import { createServer, Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Pool, fetch as ufetch, Agent as UAgent } from 'undici';
const srv = createServer((req, res) => {
  let n = 0;
  req.on('data', (c) => (n += c.length));
  req.on('end', () => {
    const b = JSON.stringify({ ok: true, n });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) });
    res.end(b);
  });
});
srv.keepAliveTimeout = 65_000;
await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
const { port } = srv.address() as AddressInfo;
const body = Buffer.alloc(4096, 'x');
const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 256 });
const uagent = new UAgent();
const headers = {
  'content-type': 'application/octet-stream',
  'content-length': '4096',
  via: '1.1 edge',
  'x-forwarded-for': '127.0.0.1',
};
const clients: Record<string, () => Promise<void>> = {
  'node:http': () =>
    new Promise((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port, method: 'POST', path: '/p', agent, headers }, (res) => {
        res.on('data', () => {});
        res.on('end', resolve);
      });
      r.on('error', reject);
      Readable.from([body]).pipe(r);
    }),
  'undici.request': async () => {
    const res = await pool.request({ path: '/p', method: 'POST', headers, body: Readable.from([body]) });
    for await (const _ of res.body) {
    }
  },
  'undici fetch': async () => {
    const res = await ufetch(`http://127.0.0.1:${port}/p`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Blob([body]).stream(),
      duplex: 'half',
      dispatcher: uagent,
    } as unknown as Parameters<typeof ufetch>[1]);
    await res.arrayBuffer();
  },
};
const results: Record<string, number[]> = {};
for (let round = 0; round < 3; round++) {
  for (const [name, one] of Object.entries(clients)) {
    for (let w = 0; w < 2; w++) await Promise.all(Array.from({ length: 200 }, one));
    const c0 = process.cpuUsage();
    for (let r = 0; r < 10; r++) await Promise.all(Array.from({ length: 200 }, one));
    const c = process.cpuUsage(c0);
    (results[name] ??= []).push((c.user + c.system) / 1000 / 2000);
  }
}
for (const [k, v] of Object.entries(results))
  console.log(k.padEnd(16), v.map((x) => x.toFixed(3)).join(' '), 'ms CPU/request (client + upstream, one process)');
srv.close();
srv.closeAllConnections();
agent.destroy();
await pool.close();
await uagent.close();
