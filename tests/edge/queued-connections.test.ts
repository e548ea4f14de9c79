// A worker of --workers 2 that dies must leave no connection unanswered for good.
// - The native front door: each worker listens on the port itself (SO_REUSEPORT), so a worker that
//   dies leaves the connections waiting in its own accept queue to the kernel. With
//   net.ipv4.tcp_migrate_req=1, as deploy/ sets it, the kernel moves them to the other worker,
//   which answers every one; with 0 they are reset, and the edge says so at start.
// - The JavaScript door: node:cluster's one socket, from which each worker accepts (SCHED_NONE).
//   Under node:cluster's default round robin the primary handed a connection to the stopped
//   worker, and after the kill nobody answered nor closed it (a viewer hung in CI that way).
// Each case runs the real entry point in a network namespace of its own (unshare -n, as root: the
// setting is per namespace, so the machine's own is left as it is), with a worker stopped while
// connections come, then killed (scenarios/queued-connections.mjs).
import { expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { queuedConnectionsWarning } from '../../edge-origin/src/edge/node/queued-connections.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCENARIO = path.join(ROOT, 'tests/edge/scenarios/queued-connections.mjs');

interface Outcome {
  started: boolean;
  queued: number;
  answered: number;
  reset: number;
  other: number;
  /** What became of all the connections, those the running worker took at once included. */
  all: { answered: number; reset: number; other: number };
  warned: boolean;
  output: string;
}

function scenario(migrate: 0 | 1, door: 'native' | 'js' = 'native'): Promise<Outcome> {
  const script = `ip link set lo up && echo ${migrate} > /proc/sys/net/ipv4/tcp_migrate_req && exec "${process.execPath}" "${SCENARIO}" "${ROOT}" ${door}`;
  return new Promise((resolve, reject) => {
    execFile('unshare', ['-n', 'sh', '-c', script], { cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      const line = stdout.trim().split('\n').pop() ?? '';
      resolve(JSON.parse(line) as Outcome);
    });
  });
}

test('net.ipv4.tcp_migrate_req=1: a killed worker’s waiting connections are answered by the other worker, and the edge does not warn', async () => {
  const outcome = await scenario(1);
  expect(outcome.started).toBe(true);
  expect(outcome.queued).toBeGreaterThan(0); // some connections did wait on the stopped worker
  expect({ answered: outcome.answered, reset: outcome.reset, other: outcome.other }).toEqual({
    answered: outcome.queued,
    reset: 0,
    other: 0,
  });
  expect(outcome.warned).toBe(false);
}, 150_000);

test('net.ipv4.tcp_migrate_req=0: they are reset, as the edge warned at start', async () => {
  const outcome = await scenario(0);
  expect(outcome.started).toBe(true);
  expect(outcome.queued).toBeGreaterThan(0);
  expect(outcome.reset).toBeGreaterThan(0);
  expect(outcome.warned).toBe(true);
  expect(outcome.output).toMatch(/edge: native front door with several workers: net\.ipv4\.tcp_migrate_req is 0/);
}, 150_000);

test('the JavaScript door: a worker stopped then killed leaves no connection unanswered, the other worker takes them all', async () => {
  const outcome = await scenario(0, 'js');
  expect(outcome.started).toBe(true);
  // 40 connections, each with a request: every one answered 200, none reset, none left hanging.
  expect(outcome.all).toEqual({ answered: 40, reset: 0, other: 0 });
  expect(outcome.warned).toBe(false);
}, 150_000);

test('the start-up warning: none when the setting is on, what to set when off, what is missing on an older kernel', () => {
  expect(queuedConnectionsWarning(() => '1\n')).toBeNull();
  expect(queuedConnectionsWarning(() => '0\n')).toMatch(/tcp_migrate_req is 0.*set it to 1/);
  const missing = () => {
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  };
  expect(queuedConnectionsWarning(missing)).toMatch(/this kernel resets .*Linux 5\.14/);
});
