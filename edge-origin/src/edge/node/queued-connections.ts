// With the native front door, each worker of `--workers N` listens on the port itself
// (SO_REUSEPORT) instead of node:cluster's one socket. When a worker dies, Linux resets the
// connections still waiting in its own accept queue, unless net.ipv4.tcp_migrate_req (Linux 5.14+,
// per network namespace) lets it move them to another worker's socket. The edge cannot set it (a
// host setting, root only): it says so at start when it is off.
import { readFileSync } from 'node:fs';

const SYSCTL = '/proc/sys/net/ipv4/tcp_migrate_req';

/** What the operator is told at start, or null when a dying worker's queue moves to the others. */
export function queuedConnectionsWarning(read: () => string = () => readFileSync(SYSCTL, 'utf8')): string | null {
  let value: string;
  try {
    value = read().trim();
  } catch {
    return 'native front door with several workers: this kernel resets the connections waiting in a dying worker’s queue (no net.ipv4.tcp_migrate_req: Linux 5.14 or later moves them)';
  }
  return value === '0'
    ? 'native front door with several workers: net.ipv4.tcp_migrate_req is 0, so the connections waiting in a dying worker’s queue are reset; set it to 1 (deploy/edge/README.md)'
    : null;
}
