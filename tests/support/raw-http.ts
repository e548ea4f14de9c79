// A player's HTTP/1.1 connection spoken by hand, for the tests of the edge's front doors
// (front-door.test.ts, native-front.test.ts): exact request bytes in, whole raw answers out.
import { connect, type Socket } from 'node:net';

/** What a TV's browser sends with each request (Chromium, hls.js). */
export const PLAYER_FIELDS = [
  'Connection: keep-alive',
  'sec-ch-ua: "Chromium";v="120", "Not?A_Brand";v="8"',
  'sec-ch-ua-mobile: ?0',
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'sec-ch-ua-platform: "Linux"',
  'Accept: */*',
  'Origin: http://tv.cite.example',
  'Sec-Fetch-Site: cross-site',
  'Sec-Fetch-Mode: cors',
  'Sec-Fetch-Dest: empty',
  'Referer: http://tv.cite.example/',
  'Accept-Encoding: gzip, deflate',
  'Accept-Language: fr-FR,fr;q=0.9',
];

export function head(method: string, target: string, port: string | number, fields = PLAYER_FIELDS): string {
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`;
}

/** A client connection reading whole answers by their framing (Content-Length, chunked, none). */
export class Client {
  readonly socket: Socket;
  #buffer = '';
  #closed = false;
  #waiters: (() => void)[] = [];
  constructor(readonly base: string) {
    const { port } = new URL(base);
    this.socket = connect(Number(port), '127.0.0.1');
    this.socket.on('data', (d: Buffer) => {
      this.#buffer += d.toString('latin1');
      this.#wake();
    });
    this.socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    this.socket.on('error', () => undefined);
  }
  get port(): string {
    return new URL(this.base).port;
  }
  get closed(): boolean {
    return this.#closed;
  }
  /** Bytes received after the last whole answer taken. */
  get rest(): string {
    return this.#buffer;
  }
  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
  async #more(): Promise<void> {
    if (this.#closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.#buffer.slice(0, 200))}`);
    await new Promise<void>((r) => this.#waiters.push(r));
  }
  send(bytes: string): void {
    this.socket.write(bytes, 'latin1');
  }
  /** The next whole answer (to a request of `method`), as raw text. */
  async answer(method = 'GET'): Promise<string> {
    for (;;) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end >= 0) {
        const headText = this.#buffer.slice(0, end + 4);
        const status = Number(headText.slice(9, 12));
        const length = /\r\ncontent-length: (\d+)/i.exec(headText)?.[1];
        let total: number | undefined;
        if (method === 'HEAD' || status === 204 || status === 304) total = end + 4;
        else if (length !== undefined) total = end + 4 + Number(length);
        else if (/\r\ntransfer-encoding: chunked/i.test(headText)) {
          const last = this.#buffer.indexOf('0\r\n\r\n', end + 4);
          if (last >= 0) total = last + 5;
        } else if (this.#closed) total = this.#buffer.length;
        if (total !== undefined && this.#buffer.length >= total) {
          const answer = this.#buffer.slice(0, total);
          this.#buffer = this.#buffer.slice(total);
          return answer;
        }
      }
      await this.#more();
    }
  }
  async ended(): Promise<void> {
    while (!this.#closed) await this.#more().catch(() => undefined);
  }
  close(): void {
    this.socket.destroy();
  }
}

/** One request on its own keep-alive connection: the answer. */
export async function once(base: string, method: string, target: string, fields = PLAYER_FIELDS): Promise<string> {
  const client = new Client(base);
  client.send(head(method, target, client.port, fields));
  try {
    return await client.answer(method);
  } finally {
    client.close();
  }
}
