// Cold start-up, "drawn and still" (issue #15): a fresh Chromium (new profile: empty HTTP cache,
// so the scripts, fonts and posters come from the edge on loopback) opens the app while CDP's
// screencast hands over every frame the compositor makes, stamped with its time. Frames are
// compared, downscaled to half size (960×540), with the header's clock masked (it ticks at the
// minute). From navigation start:
//  - stillAt: the last frame that differs from the one before it, followed by ≥ 1 s without a
//    change (the screencast sends a frame only when the compositor draws one, so "no frame" is
//    "no change" too; the observation lasts until that second has passed);
//  - drawnAt: the first frame within 1 % of the final picture (pixels differing by more than
//    24/255 on a channel; one poster is 4.3 % of the screen): rails and posters are there, a
//    fade may still be finishing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { launchTv } from '../../tests/support/browser.ts';

/** The clock's box on the 1920×1080 stage (right-aligned at x 1824, y 54, 34 px type), with room. */
export const CLOCK_MASK = { x: 1600, y: 30, w: 320, h: 90 } as const;

const SCALE = 2; // frames are 960×540
const NEAR_TOLERANCE = 24;
const DRAWN_MAX_FRACTION = 0.01;
const STILL_MS = 1000;
const MAX_OBSERVE_MS = 15_000;

interface Frame {
  /** ms since navigation start. */
  at: number;
  png: Buffer;
}

export interface StartupRun {
  drawnAtMs: number | null;
  stillAtMs: number | null;
  /** Frames the compositor drew in the observation, and how many of them changed the picture. */
  frames: number;
  changes: number;
  /** When each change happened (ms since navigation start): what kept the screen moving. */
  changesAtMs: number[];
}

async function pixels(png: Buffer, width: number, height: number): Promise<Buffer> {
  const raw = await sharp(png).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  // The clock's box is blanked in every frame, so a tick is never a change.
  const x0 = Math.floor(CLOCK_MASK.x / SCALE);
  const x1 = Math.ceil((CLOCK_MASK.x + CLOCK_MASK.w) / SCALE);
  for (let y = Math.floor(CLOCK_MASK.y / SCALE); y < Math.ceil((CLOCK_MASK.y + CLOCK_MASK.h) / SCALE); y++)
    raw.fill(0, (y * width + x0) * 3, (y * width + Math.min(x1, width)) * 3);
  return raw;
}

/** Pixels of `a` and `b` differing by more than `tolerance` on some channel. */
export function differing(a: Buffer, b: Buffer, tolerance = 0): number {
  let count = 0;
  for (let i = 0; i < a.length; i += 3) {
    if (
      Math.abs(a[i]! - b[i]!) > tolerance ||
      Math.abs(a[i + 1]! - b[i + 1]!) > tolerance ||
      Math.abs(a[i + 2]! - b[i + 2]!) > tolerance
    )
      count++;
  }
  return count;
}

/**
 * One cold load of `url`. `framesDir`: where to write the first frame of each change and the
 * drawn frame as PNGs, to look at.
 */
export async function coldStartup(url: string, framesDir?: string): Promise<StartupRun> {
  const tv = await launchTv();
  try {
    const { page } = tv;
    const cdp = await page.context().newCDPSession(page);
    const shots: { stamp: number; png: Buffer }[] = [];
    cdp.on('Page.screencastFrame', (f) => {
      shots.push({ stamp: f.metadata.timestamp ?? 0, png: Buffer.from(f.data, 'base64') });
      void cdp.send('Page.screencastFrameAck', { sessionId: f.sessionId }).catch(() => undefined);
    });
    await cdp.send('Page.enable');
    await cdp.send('Page.startScreencast', { format: 'png', maxWidth: 1920 / SCALE, maxHeight: 1080 / SCALE });
    await page.goto(url, { waitUntil: 'commit' });
    const timeOrigin = (await page.evaluate('performance.timeOrigin')) as number;
    const sinceNav = () => Date.now() - timeOrigin;
    // Observe until a second has passed with no new frame (at least 4 s), at most 15 s.
    let seen = 0;
    let lastNew = sinceNav();
    while (sinceNav() < MAX_OBSERVE_MS) {
      await new Promise((r) => setTimeout(r, 100));
      if (shots.length !== seen) {
        seen = shots.length;
        lastNew = sinceNav();
      }
      if (sinceNav() > 4000 && sinceNav() - lastNew > STILL_MS + 500) break;
    }
    await cdp.send('Page.stopScreencast');
    const frames: Frame[] = shots.map((s) => ({ at: s.stamp * 1000 - timeOrigin, png: s.png }));
    return await analyse(frames, sinceNav(), framesDir);
  } finally {
    await tv.close();
  }
}

async function analyse(frames: Frame[], endMs: number, framesDir?: string): Promise<StartupRun> {
  if (frames.length === 0) return { drawnAtMs: null, stillAtMs: null, frames: 0, changes: 0, changesAtMs: [] };
  const first = await sharp(frames[0]!.png).metadata();
  const width = first.width ?? 1920 / SCALE;
  const height = first.height ?? 1080 / SCALE;
  const decoded: Buffer[] = [];
  for (const f of frames) decoded.push(await pixels(f.png, width, height));
  const changesAt: number[] = [];
  let changeIndexes: number[] = [];
  for (let i = 1; i < decoded.length; i++) {
    if (differing(decoded[i]!, decoded[i - 1]!) > 0) {
      changesAt.push(frames[i]!.at);
      changeIndexes.push(i);
    }
  }
  const lastChange = changesAt.length > 0 ? changesAt[changesAt.length - 1]! : frames[0]!.at;
  const final = decoded[decoded.length - 1]!;
  const near = Math.floor(DRAWN_MAX_FRACTION * width * height);
  const drawnIndex = decoded.findIndex((d) => differing(d, final, NEAR_TOLERANCE) <= near);
  if (framesDir) {
    mkdirSync(framesDir, { recursive: true });
    changeIndexes = [0, ...changeIndexes];
    for (const i of changeIndexes)
      writeFileSync(
        path.join(framesDir, `${String(Math.round(frames[i]!.at)).padStart(5, '0')}ms.png`),
        frames[i]!.png,
      );
    if (drawnIndex >= 0) writeFileSync(path.join(framesDir, 'drawn.png'), frames[drawnIndex]!.png);
  }
  return {
    drawnAtMs: drawnIndex >= 0 ? frames[drawnIndex]!.at : null,
    // Still only if the observation outlasted the last change by the full second.
    stillAtMs: endMs - lastChange >= STILL_MS ? lastChange : null,
    frames: frames.length,
    changes: changesAt.length,
    changesAtMs: changesAt.map((t) => Math.round(t)),
  };
}

export const median = (xs: number[]): number | null =>
  xs.length === 0 ? null : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
