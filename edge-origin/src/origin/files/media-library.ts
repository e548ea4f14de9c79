// The origin's view of the generated demo media: the manifest, and where a stream's files are.
import { join } from 'node:path';
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import { readManifest } from '../../media/manifest.ts';
import type { MediaManifest, StreamMedia } from '../../media/manifest.ts';
import { readThumbnails } from '../../media/thumbnails.ts';
import type { StreamThumbnails, ThumbnailManifest } from '../../media/thumbnails.ts';

export class MediaLibrary {
  readonly manifest: MediaManifest;
  /** The seek-bar sprite sheets made from this media (`media/thumbnails.ts`); null if never made. */
  readonly thumbnails: ThumbnailManifest | null;
  readonly #images: Set<string>;

  constructor(mediaDir: string) {
    try {
      this.manifest = readManifest(mediaDir);
    } catch (error) {
      throw new Error(
        `No demo media in ${mediaDir} (${(error as Error).message}). Generate it with ensureDemoMedia() / \`npx tsx edge-origin/src/media/cli.ts\` and pass its root as mediaDir.`,
      );
    }
    this.#images = new Set(this.manifest.images);
    this.thumbnails = readThumbnails(this.manifest);
  }

  live(channel: ChannelId): StreamMedia | undefined {
    return Object.hasOwn(this.manifest.live, channel) ? this.manifest.live[channel] : undefined;
  }

  vod(assetId: string): StreamMedia | undefined {
    return Object.hasOwn(this.manifest.vod, assetId) ? this.manifest.vod[assetId] : undefined;
  }

  /** Absolute path of source segment `index` of a stream's rendition. */
  segmentFile(stream: StreamMedia, rendition: string, index: number, ext: string): string {
    return join(this.manifest.root, stream.dir, rendition, `${index}.${ext}`);
  }

  /** A stream's sprite sheets (tile `i` shows source segment `i`), if they were made. */
  streamThumbnails(stream: StreamMedia): StreamThumbnails | undefined {
    const table: Record<string, StreamThumbnails> | undefined =
      stream.kind === 'live' ? this.thumbnails?.live : this.thumbnails?.vod;
    return table && Object.hasOwn(table, stream.id) ? table[stream.id] : undefined;
  }

  /** Absolute path of sprite sheet `sheet` (`<sheet>.jpg`) of a stream's thumbnails. */
  thumbnailSheetFile(thumbnails: StreamThumbnails, sheet: number): string {
    return join(this.thumbnails!.root, thumbnails.dir, `${sheet}.jpg`);
  }

  /** Absolute path of an image given its URL path, if the library has it. */
  imageFile(urlPath: string): string | undefined {
    return this.#images.has(urlPath) ? join(this.manifest.root, urlPath.slice(1)) : undefined;
  }
}
