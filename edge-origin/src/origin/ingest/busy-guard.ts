// While a channel is on air, its RTMP port is answered by us rather than by the operating system,
// so a second publisher is refused with a log line that says why: ffmpeg's RTMP listener takes a
// single connection and then stops listening; the guard binds the freed port, closes each
// connection at once and says who knocked. (SRT callers are seen by the relay, srt-relay.ts.)
// Node only.
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import type { Protocol } from './commands.ts';

export interface Knock {
  protocol: Protocol;
  remote: string;
}

export class BusyGuard {
  #tcp: Server | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** Remote addresses already reported, so a caller's handshake retries make one line. */
  readonly #recent = new Map<string, number>();

  constructor(
    readonly host: string,
    readonly ports: { rtmp: number },
    readonly onKnock: (knock: Knock) => void,
  ) {
    this.#bind();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#tcp?.close();
  }

  #bind(): void {
    if (this.#closed) return;
    if (!this.#tcp) {
      const server = createServer((socket) => {
        this.#report('rtmp', `${socket.remoteAddress}:${socket.remotePort}`);
        socket.destroy();
      });
      server.once('error', () => {
        this.#tcp = undefined;
        this.#scheduleRetry();
      });
      server.listen(this.ports.rtmp, this.host);
      this.#tcp = server;
    }
  }

  /** A port still held by the listener that is closing: try again shortly. */
  #scheduleRetry(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#bind();
    }, 300);
  }

  #report(protocol: Protocol, remote: string): void {
    const now = Date.now();
    const key = `${protocol} ${remote}`;
    if ((this.#recent.get(key) ?? 0) > now - 10_000) return;
    this.#recent.set(key, now);
    for (const [k, at] of this.#recent) if (at <= now - 10_000) this.#recent.delete(k);
    this.onKnock({ protocol, remote });
  }
}
