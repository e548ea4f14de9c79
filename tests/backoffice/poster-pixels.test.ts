// A poster's size in pixels (issue #14), on a real origin over HTTP: a PNG of a few hundred bytes
// whose header claims 30,000 × 30,000 (a decompression bomb's shape) and a real 8000 × 6000 JPEG
// are refused with 413 and a sentence giving the size, before anything is decoded or stored; a
// poster within the limit is still taken.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { MAX_POSTER_PIXELS } from '../../edge-origin/src/origin/images/poster-upload.ts';
import { hugePngHeader } from '../support/contributions.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';

const ADMIN = 'poster-pixels-admin-token-0123456789';
let origin: TestOrigin;

beforeAll(async () => {
  origin = await startOrigin({ staffAdminToken: ADMIN });
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await origin?.close();
});

const upload = async (bytes: Uint8Array, type: string) => {
  const response = await fetch(`${origin.url}/api/v1/staff/posters`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': type },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  return {
    status: response.status,
    body: (await response.json()) as { error?: { code: string; message: string; field?: string }; poster?: string },
  };
};

/** A plain-colour JPEG from ffmpeg: many pixels, few bytes. */
const colourJpeg = (size: string) =>
  new Uint8Array(
    execFileSync('/usr/bin/ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `color=c=navy:size=${size}`,
      '-frames:v',
      '1',
      '-f',
      'image2',
      '-c:v',
      'mjpeg',
      'pipe:1',
    ]),
  );

test('a poster over the pixel limit is refused with 413 saying its size; one within it is taken', async () => {
  const bomb = hugePngHeader(30_000, 30_000);
  expect(bomb.length).toBeLessThan(1000);
  const refused = await upload(bomb, 'image/png');
  expect(refused.status).toBe(413);
  expect(refused.body.error).toEqual({
    code: 'too_many_pixels',
    message: `Image trop grande : 30000 × 30000 pixels (${MAX_POSTER_PIXELS / 1e6} millions de pixels au plus)`,
    field: 'body',
  });

  const big = colourJpeg('8000x6000');
  expect(big.length).toBeLessThan(5 * 1024 * 1024);
  const tooBig = await upload(big, 'image/jpeg');
  expect([tooBig.status, tooBig.body.error?.code]).toEqual([413, 'too_many_pixels']);
  expect(tooBig.body.error?.message).toMatch(/8000 × 6000 pixels/);

  const fine = await upload(colourJpeg('3000x2000'), 'image/jpeg');
  expect(fine.status).toBe(201);
  expect(fine.body.poster).toMatch(/^\/images\/uploads\/[0-9a-f]{24}\/card\.jpg$/);
  expect((await fetch(origin.url + fine.body.poster)).status).toBe(200);
});
