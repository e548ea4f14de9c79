// @ts-check
// The process the photos' heavy work runs in (photo-process.ts starts it): sharp's decode and
// re-encode. Apart from the origin's event loop, and at a lower CPU priority (nice 10 by default),
// so on a box that also packages the live and answers the TVs, the kernel gives them the CPU
// first and a flood of photos mostly takes what is left. Plain JavaScript so it runs with `node` alone, under tsx, jest or the built origin alike.
// Messages (advanced serialization: bytes cross as bytes): {id, op, ...} → {id, ok, result | error, peak}.
import os from 'node:os';

// First, before any thread is started: the threads libuv and libvips start later inherit it.
try {
  os.setPriority(Number(process.env.CONTRIB_PHOTO_CHILD_NICE ?? 10));
} catch {
  // Not allowed here (a container without the right): the work is still off the event loop.
}
const { default: sharp } = await import('sharp');
// Every photo is new: libvips's operation cache would only hold memory after the flood.
sharp.cache(false);
sharp.concurrency(Number(process.env.CONTRIB_PHOTO_CHILD_THREADS ?? 1));

/** The most images libvips held at once since the last answer (tests check the line's bound). */
let peak = 0;
let working = 0;
const sampler = setInterval(() => {
  if (working > 0) peak = Math.max(peak, sharp.counters().process);
}, 5);
sampler.unref();

/** @param {any} msg */
async function run(msg) {
  switch (msg.op) {
    case 'encode': {
      const { data, info } = await sharp(msg.bytes, { limitInputPixels: msg.maxPixels, failOn: 'warning' })
        .rotate()
        .resize({ width: msg.width, height: msg.height, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#000000' })
        .jpeg({ quality: msg.quality, progressive: true })
        .toBuffer({ resolveWithObject: true });
      return {
        jpeg: new Uint8Array(data.buffer, data.byteOffset, data.length),
        width: info.width,
        height: info.height,
      };
    }
    default:
      throw new Error(`unknown op ${String(msg.op)}`);
  }
}

process.on('message', (/** @type {any} */ msg) => {
  working++;
  run(msg).then(
    (result) => {
      working--;
      process.send?.({ id: msg.id, ok: true, result, peak });
      peak = 0;
    },
    (error) => {
      working--;
      process.send?.({ id: msg.id, ok: false, error: error instanceof Error ? error.message : String(error), peak });
      peak = 0;
    },
  );
});
// The origin gone (stopped, crashed, a test's worker ended): nothing left to work for.
process.on('disconnect', () => process.exit(0));
