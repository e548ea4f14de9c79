// Run by tests/edge/queued-connections.test.ts inside a network namespace of its own (loopback up,
// net.ipv4.tcp_migrate_req as the test set it): an edge with --workers 2 and the front door named
// by the second argument (`native`: each worker its own socket; `js`: node:cluster's shared one),
// one worker stopped while new connections come, then killed. Prints, as JSON, what became of the
// connections that were waiting for it, of all of them, and whether the edge warned at start.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

const root = process.argv[2];
const door = process.argv[3] === 'js' ? 'js' : 'native';
const CONNECTIONS = 40;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check, ms) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (check()) return true;
  return false;
}

const upstream = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'video/mp2t', 'cache-control': 'max-age=600' });
  res.end('x'.repeat(1000));
});
await new Promise((resolve) => upstream.listen(18081, '127.0.0.1', resolve));
const edge = spawn(process.execPath, ['--import', 'tsx', 'edge-origin/src/bin/edge.node.ts', '--workers', '2'], {
  cwd: root,
  env: {
    ...process.env,
    EDGE_PORT: '18080',
    EDGE_HOST: '127.0.0.1',
    UPSTREAM_URL: 'http://127.0.0.1:18081',
    EDGE_NATIVE_FRONT_DOOR: String(door === 'native'),
    EDGE_ACCESS_LOG: 'false',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
edge.stdout.on('data', (d) => (output += d));
edge.stderr.on('data', (d) => (output += d));

/** The primary's workers (its other children are tsx's esbuild services). */
const workers = () =>
  readFileSync(`/proc/${edge.pid}/task/${edge.pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('edge.node.ts'));

/** How many workers listen, as the primary counts them (edge_workers; the scrape is answered from loopback). */
async function listening() {
  try {
    const text = await (
      await fetch('http://127.0.0.1:18080/_edge/metrics', { headers: { connection: 'close' } })
    ).text();
    return Number(/^edge_workers (\d+)/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}
async function bothListening() {
  for (const end = Date.now() + 20_000; Date.now() < end; await sleep(200)) if ((await listening()) === 2) return true;
  return false;
}

const result = {
  started: false,
  queued: 0,
  answered: 0,
  reset: 0,
  other: 0,
  all: { answered: 0, reset: 0, other: 0 },
  warned: false,
  output: '',
};
try {
  // Both workers listening, not only the first that announced it.
  result.started = (await until(() => /listening on/.test(output), 60_000)) && (await bothListening());
  if (result.started) {
    const [stopped] = workers();
    process.kill(stopped, 'SIGSTOP');
    const states = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const state = { value: 'waiting' };
      states.push(state);
      const socket = net.connect(18080, '127.0.0.1', () => socket.write('GET /seg.ts HTTP/1.1\r\nHost: edge\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => {
        text += d;
        if (text.startsWith('HTTP/1.1 200 ')) state.value = 'answered';
      });
      socket.on('error', (error) => {
        if (state.value === 'waiting') state.value = error.code === 'ECONNRESET' ? 'reset' : String(error.code);
      });
      socket.on('close', () => {
        if (state.value === 'waiting') state.value = 'closed';
      });
    }
    // The running worker answers its share; the stopped one's wait in its queue.
    await sleep(1000);
    const waiting = states.filter((s) => s.value === 'waiting');
    result.queued = waiting.length;
    process.kill(stopped, 'SIGKILL');
    await until(() => states.every((s) => s.value !== 'waiting'), 5000);
    const tally = (into, list) => {
      for (const s of list) {
        if (s.value === 'answered') into.answered++;
        else if (s.value === 'reset') into.reset++;
        else into.other++; // closed without an answer, another error, or still waiting 5 s on
      }
    };
    tally(result, waiting);
    tally(result.all, states);
  }
  result.warned = /tcp_migrate_req/.test(output);
} finally {
  result.output = output.slice(-2000);
  edge.kill('SIGTERM');
  await until(() => edge.exitCode !== null || edge.signalCode !== null, 5000);
  if (edge.exitCode === null) edge.kill('SIGKILL');
  upstream.close();
  console.log(JSON.stringify(result));
  process.exit(0);
}
