// The ad spots the origin can serve: the demo creatives encoded by media/ads.ts, found beside
// the main demo media. Served as VOD streams under `/hls/ads/<creativeId>/...` (master, media
// playlists, segments: immutable, so edges cache them like any segment).
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { etag } from 'hono/etag';
import { segmentExtension } from '../../../../shared/hls/ladder.ts';
import type { Playlist } from '../../../../shared/hls/model.ts';
import { PLAYLIST_CONTENT_TYPE, serializePlaylist } from '../../../../shared/hls/serialize.ts';
import { readAdMedia } from '../../media/ads.ts';
import type { AdMediaManifest } from '../../media/ads.ts';
import type { StreamMedia } from '../../media/manifest.ts';
import { fileResponse } from '../files/file-response.ts';
import { isKnownRendition, masterPlaylist, vodMediaPlaylist } from '../hls/playlists.ts';
import { CACHE_CONTROL } from '../http/cache-control.ts';

export const ADS_HLS_ROOT = '/hls/ads';

export interface Creative {
  id: string;
  kind: 'sponsor' | 'promo';
  advertiser: string;
  title: string;
  /** Seconds. */
  duration: number;
  /** Master playlist path. */
  uri: string;
}

export class CreativeLibrary {
  readonly #manifest: AdMediaManifest | null;

  /** `mediaDir` is the main media's root (`<cache>/<hash>`): the ads are in `<cache>/ads/<hash>`. */
  constructor(mediaDir: string) {
    this.#manifest = readAdMedia(dirname(mediaDir));
  }

  list(): Creative[] {
    return (this.#manifest?.creatives ?? []).map((c) => ({
      id: c.id,
      kind: c.kind,
      advertiser: c.advertiser,
      title: c.title,
      duration: c.media.duration,
      uri: `${ADS_HLS_ROOT}/${c.id}/master.m3u8`,
    }));
  }

  get(id: string): Creative | undefined {
    return this.list().find((c) => c.id === id);
  }

  /** The channel's own spot, played when no campaign fits. */
  promo(): Creative | undefined {
    return this.list().find((c) => c.kind === 'promo');
  }

  stream(id: string): StreamMedia | undefined {
    return this.#manifest?.creatives.find((c) => c.id === id)?.media;
  }

  /** Absolute path of a sponsor logo drawn with the spots (`/images/sponsors/<id>.png`). */
  sponsorLogoFile(urlPath: string): string | undefined {
    if (!this.#manifest || !/^\/images\/sponsors\/[a-z0-9-]+\.png$/.test(urlPath)) return undefined;
    return join(this.#manifest.root, urlPath.slice(1));
  }

  segmentFile(stream: StreamMedia, rendition: string, index: number, ext: string): string {
    return join(this.#manifest!.root, stream.dir, rendition, `${index}.${ext}`);
  }
}

/** `/hls/ads/<creativeId>/...`: mounted at ADS_HLS_ROOT. */
export function creativeRoutes(creatives: CreativeLibrary): Hono {
  const app = new Hono();
  app.use('*', etag());
  const playlist = (c: Context, p: Playlist) => {
    c.header('Content-Type', PLAYLIST_CONTENT_TYPE);
    c.header('Cache-Control', CACHE_CONTROL.immutable);
    return c.body(serializePlaylist(p));
  };
  app.get('/:ad/master.m3u8', (c) => {
    const stream = creatives.stream(c.req.param('ad'));
    return stream ? playlist(c, masterPlaylist(stream)) : c.text('Not Found\n', 404);
  });
  app.get('/:ad/:rendition/index.m3u8', (c) => {
    const rendition = c.req.param('rendition');
    const media = isKnownRendition(rendition) ? creatives.stream(c.req.param('ad'))?.renditions[rendition] : undefined;
    return media ? playlist(c, vodMediaPlaylist(rendition, media)) : c.text('Not Found\n', 404);
  });
  app.get('/:ad/:rendition/:segment', async (c) => {
    const stream = creatives.stream(c.req.param('ad'));
    const rendition = c.req.param('rendition');
    const name = /^(\d{1,6})\.(ts|vtt)$/.exec(c.req.param('segment'));
    if (
      !stream ||
      !isKnownRendition(rendition) ||
      !name ||
      name[2] !== segmentExtension(rendition) ||
      Number(name[1]) >= stream.segmentCount
    ) {
      return c.text('Not Found\n', 404);
    }
    const response = await fileResponse(c.req.raw, creatives.segmentFile(stream, rendition, Number(name[1]), name[2]), {
      cacheControl: CACHE_CONTROL.immutable,
      etag: `"ad-${stream.id}-${rendition}-${name[1]}"`,
    });
    return response ?? c.text('Not Found\n', 404);
  });
  return app;
}

/** `/images/sponsors/<id>.png`: mounted at `/images`. */
export function sponsorLogoRoutes(creatives: CreativeLibrary): Hono {
  const app = new Hono();
  app.use('*', etag());
  app.get('/sponsors/:file', async (c, next) => {
    const file = creatives.sponsorLogoFile(c.req.path);
    const response = file ? await fileResponse(c.req.raw, file, { cacheControl: CACHE_CONTROL.immutable }) : null;
    return response ?? next();
  });
  return app;
}
