// Demo ad creatives: two sponsor spots and a channel promo, encoded by ffmpeg like every other
// stream (same ladder, 2 s segments, both audio languages, subtitles) so an interstitial switches
// between streams that look alike to the player.
//
// Kept apart from the main demo media (`<media>/ads/<hash>/`, not `<media>/<hash>/`): the ads
// have their own recipe and hash, so adding or changing a spot encodes ~30 s of video instead of
// regenerating every channel and replay (and never prunes a library another process is reading).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  AUDIO_RENDITIONS,
  FRAME_RATE,
  SEGMENT_DURATION,
  SUBTITLE_RENDITIONS,
  VIDEO_RENDITIONS,
} from '../../../shared/hls/ladder.ts';
import { encodeStream, prepareEncodeContext } from './encode.ts';
import { renderImage } from './images.ts';
import { findFfmpeg } from './ffmpeg.ts';
import { buildDirOnce } from './lock.ts';
import { MANIFEST_FILE } from './manifest.ts';
import type { StreamMedia } from './manifest.ts';
import type { StreamSpec } from './spec.ts';

export interface AdCreativeSpec {
  /** Stream id, also the URL path segment: `/hls/ads/<id>/master.m3u8`. */
  id: string;
  /** `sponsor`: sold to a campaign; `promo`: the channel's own spot, the filler. */
  kind: 'sponsor' | 'promo';
  advertiser: string;
  title: string;
  color: string;
  seconds: number;
}

/** The demo creatives. Sponsor ids match the demo sponsors the ads module seeds. */
export const AD_CREATIVES: readonly AdCreativeSpec[] = [
  {
    id: 'ad-boulangerie-du-port',
    kind: 'sponsor',
    advertiser: 'Boulangerie du Port',
    title: 'Le pain du matin, cuit sur place depuis 1952',
    color: '#b5651d',
    seconds: 10,
  },
  {
    id: 'ad-velocite',
    kind: 'sponsor',
    advertiser: 'Vélocité',
    title: 'Vélos en libre-service : 200 stations dans l’agglo',
    color: '#2a9d8f',
    seconds: 10,
  },
  {
    id: 'promo-cite-tv',
    kind: 'promo',
    advertiser: 'Cité TV',
    title: 'Vos quatre chaînes, en direct et en replay',
    color: '#3d348b',
    seconds: 10,
  },
];

/** The demo sponsors (their logos are drawn with the spots). */
export const DEMO_SPONSORS = [
  {
    id: 'boulangerie-du-port',
    name: 'Boulangerie du Port',
    url: 'https://boulangerie-du-port.example',
    color: '#b5651d',
    creativeId: 'ad-boulangerie-du-port',
  },
  { id: 'velocite', name: 'Vélocité', url: 'https://velocite.example', color: '#2a9d8f', creativeId: 'ad-velocite' },
] as const;

/** Path of a sponsor's logo (320×180 PNG), served by the origin and cached like every image. */
export function sponsorLogoPath(sponsorId: string): string {
  return `/images/sponsors/${sponsorId}.png`;
}

/** Bump when the look of the spots changes in a way the recipe does not capture. */
const ADS_GENERATOR_VERSION = 1;

export interface AdMediaManifest {
  version: string;
  root: string;
  creatives: (AdCreativeSpec & { media: StreamMedia })[];
}

function streamSpec(ad: AdCreativeSpec): StreamSpec {
  return {
    kind: 'vod',
    id: ad.id,
    channelName: ad.advertiser,
    color: ad.color,
    badge: 'PUBLICITÉ',
    title: ad.title,
    seconds: ad.seconds,
  };
}

/** Hash of the recipe: names the directory, so a change re-encodes. */
export function adMediaVersion(): string {
  const recipe = {
    ADS_GENERATOR_VERSION,
    DEMO_SPONSORS,
    ladder: { SEGMENT_DURATION, FRAME_RATE, VIDEO_RENDITIONS, AUDIO_RENDITIONS, SUBTITLE_RENDITIONS },
    AD_CREATIVES,
  };
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
}

/** Where the ads of the media cache `mediaCacheDir` (the parent of the main media's root) live. */
export function adMediaRoot(mediaCacheDir: string): string {
  return join(resolve(mediaCacheDir), 'ads', adMediaVersion());
}

/** The ads' manifest, or null when they were never generated in this cache. */
export function readAdMedia(mediaCacheDir: string): AdMediaManifest | null {
  const root = adMediaRoot(mediaCacheDir);
  const file = join(root, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  return { ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<AdMediaManifest, 'root'>), root };
}

/** Encodes the demo spots into `<mediaCacheDir>/ads/<hash>/` unless they already are there. */
export async function ensureAdMedia(options: {
  dir: string;
  ffmpegPath?: string;
  log?: (msg: string) => void;
}): Promise<AdMediaManifest> {
  const log = options.log ?? (() => {});
  const root = adMediaRoot(options.dir);
  const existing = readAdMedia(options.dir);
  if (existing) return existing;
  const adsDir = join(resolve(options.dir), 'ads');
  await mkdir(adsDir, { recursive: true });
  const tmp = join(adsDir, `.tmp-${adMediaVersion()}-${process.pid}`);
  await buildDirOnce(
    root,
    tmp,
    (owner) => log(`media: waiting for ads generator pid ${owner}`),
    async () => {
      const ctx = await prepareEncodeContext(tmp, options.ffmpegPath ?? findFfmpeg());
      const creatives: AdMediaManifest['creatives'] = [];
      for (const ad of AD_CREATIVES) {
        creatives.push({ ...ad, media: await encodeStream(streamSpec(ad), ctx) });
        log(`media: ad ${ad.id} (${ad.seconds} s) encoded`);
      }
      for (const [i, sponsor] of DEMO_SPONSORS.entries()) {
        await renderImage(
          {
            path: sponsorLogoPath(sponsor.id),
            width: 320,
            height: 180,
            color: sponsor.color,
            channelName: sponsor.name,
            badge: '',
            title: '',
          },
          i,
          ctx,
        );
      }
      await rm(join(tmp, '.work'), { recursive: true, force: true });
      await writeFile(join(tmp, MANIFEST_FILE), JSON.stringify({ version: adMediaVersion(), creatives }, null, 1));
    },
  );
  return readAdMedia(options.dir)!;
}
