// `npm run encoder -- --channel sport [--protocol srt|rtmp] [--seconds N]`: a test encoder pushing a
// test pattern with the wall clock burned in and a tone to a running origin's ingest, so anyone can
// watch the real live path end to end (encoder → origin → edge → TV).
// The stream key is read from the staff API (`GET /api/v1/staff/ingest/<channel>`, admin) with the
// token of the local `npm start` (.run/staff.json), or STAFF_ADMIN_TOKEN / --token; or give --key.
import { parseArgs } from 'node:util';
import { isChannelId } from '../../../shared/catalog/types.ts';
import { findFfmpeg } from '../media/ffmpeg.ts';
import { spawnTestEncoder } from '../media/test-encoder.ts';
import { readRunToken } from './run-token.ts';

const { values } = parseArgs({
  options: {
    channel: { type: 'string', default: 'sport' },
    protocol: { type: 'string', default: 'srt' },
    origin: { type: 'string' },
    token: { type: 'string' },
    key: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    seconds: { type: 'string' },
    size: { type: 'string', default: '1280x720' },
  },
});
const fail = (message: string): never => {
  console.error(`encoder: ${message}`);
  process.exit(2);
};

const channel = values.channel!;
if (!isChannelId(channel)) fail(`unknown channel « ${channel} » (sport, culture, business, agglo)`);
const protocol =
  values.protocol === 'rtmp' ? 'rtmp' : values.protocol === 'srt' ? 'srt' : fail('--protocol is srt or rtmp');
const run = await readRunToken();
const originUrl = values.origin ?? run?.originUrl ?? 'http://127.0.0.1:8081';

let key = values.key;
let port = values.port ? Number(values.port) : undefined;
if (!key || !port) {
  const token = values.token ?? process.env.STAFF_ADMIN_TOKEN ?? run?.token;
  if (!token)
    fail('no staff admin token: start the system with `npm start` first, or pass --token (or --key and --port)');
  const response = await fetch(`${originUrl}/api/v1/staff/ingest/${channel}`, {
    headers: { authorization: `Bearer ${token}` },
  }).catch((e: Error) => fail(`cannot reach the origin at ${originUrl} (${e.message}): is \`npm start\` running?`));
  if (!response.ok) fail(`the origin said ${response.status}: ${await response.text()}`);
  const status = (await response.json()) as { streamKey: string; ports: { srt?: number; rtmp?: number } };
  key ??= status.streamKey;
  port ??=
    status.ports[protocol] ??
    fail(
      protocol === 'srt'
        ? 'this origin does not listen on SRT (its ffmpeg has no libsrt): use --protocol rtmp'
        : 'this origin does not listen on RTMP',
    );
}
const host = values.host ?? new URL(originUrl).hostname;
const [width, height] = values.size!.split('x').map(Number);

console.log(
  `encoder: test pattern with a burned-in clock → ${channel} over ${protocol.toUpperCase()} (${host}:${port}); Ctrl-C stops`,
);
const child = spawnTestEncoder(findFfmpeg(), {
  protocol,
  host,
  port: port!,
  key: key!,
  channel,
  ...(width && height ? { width, height } : {}),
  ...(values.seconds ? { seconds: Number(values.seconds) } : {}),
  label: channel,
});
child.stderr?.pipe(process.stderr);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill('SIGINT'));
child.on('exit', (code) => process.exit(code ?? 0));
