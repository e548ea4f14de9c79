// The channel's public SRT port, relayed datagram for datagram to the ffmpeg listening on a
// private loopback port. Why: libsrt carries an accepted connection on its listening UDP port and
// rejects any further caller itself, silently for us; with the relay in front, the ingest sees
// every caller (its address) and can say in its log that a second publisher knocked on a busy
// channel. It reads nothing of SRT: each caller gets its own upstream socket, replies go back the
// same way, a caller silent for 10 s is forgotten. Node only (dgram).
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';

export interface SrtRelayOptions {
  host: string;
  port: number;
  /** The private port ffmpeg listens on (it changes when the listener is reopened). */
  target: () => number;
  /** A caller not seen before: `drop` stops its datagrams here (nobody is listening behind). */
  onCaller: (remote: string) => 'forward' | 'drop';
  /** The public port could not be bound (taken by another program). */
  onError: (error: Error) => void;
}

const IDLE_MS = 10_000;

export class SrtRelay {
  readonly #socket: Socket;
  readonly #callers = new Map<string, { upstream: Socket | null; seen: number }>();
  readonly #sweep: ReturnType<typeof setInterval>;

  constructor(readonly options: SrtRelayOptions) {
    this.#socket = createSocket('udp4');
    this.#socket.on('error', (error) => options.onError(error));
    this.#socket.on('message', (msg, rinfo) => this.#fromCaller(msg, rinfo.address, rinfo.port));
    this.#socket.bind(options.port, options.host);
    this.#sweep = setInterval(() => this.#forgetIdle(), IDLE_MS / 2);
  }

  close(): void {
    clearInterval(this.#sweep);
    for (const c of this.#callers.values()) c.upstream?.close();
    this.#callers.clear();
    this.#socket.close();
  }

  #fromCaller(msg: Buffer, address: string, port: number): void {
    const remote = `${address}:${port}`;
    let caller = this.#callers.get(remote);
    if (!caller) {
      const upstream = this.options.onCaller(remote) === 'forward' ? this.#upstreamFor(address, port) : null;
      caller = { upstream, seen: 0 };
      this.#callers.set(remote, caller);
    }
    caller.seen = Date.now();
    caller.upstream?.send(msg, this.options.target(), '127.0.0.1');
  }

  #upstreamFor(address: string, port: number): Socket {
    const upstream = createSocket('udp4');
    upstream.on('message', (reply) => this.#socket.send(reply, port, address));
    upstream.on('error', () => upstream.close());
    upstream.bind(0, '127.0.0.1');
    return upstream;
  }

  #forgetIdle(): void {
    const now = Date.now();
    for (const [remote, c] of this.#callers) {
      if (now - c.seen > IDLE_MS) {
        c.upstream?.close();
        this.#callers.delete(remote);
      }
    }
  }
}
