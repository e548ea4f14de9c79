// hls.js's playlist loader (`pLoader`), answering the master playlist request from the
// manifest preloader when it holds that playlist (manifest-preload.ts); every other
// request, and a master playlist it does not hold, goes to hls.js's own loader.
import type HlsType from 'hls.js';
import type {
  HlsConfig,
  LoaderCallbacks,
  LoaderConfiguration,
  PlaylistLoaderConstructor,
  PlaylistLoaderContext,
} from 'hls.js';
import type { ManifestPreloader } from './manifest-preload.ts';

export function preloadedPlaylistLoader(Hls: typeof HlsType, preloader: ManifestPreloader): PlaylistLoaderConstructor {
  const Base = Hls.DefaultConfig.loader as unknown as PlaylistLoaderConstructor;
  return class PreloadedPlaylistLoader extends (Base as unknown as new (
    config: HlsConfig,
  ) => InstanceType<PlaylistLoaderConstructor>) {
    /** Set by abort() and destroy(): an answer that comes later is dropped. */
    private given = false;

    override load(
      context: PlaylistLoaderContext,
      config: LoaderConfiguration,
      callbacks: LoaderCallbacks<PlaylistLoaderContext>,
    ): void {
      const preloaded = context.type === 'manifest' ? preloader.take(context.url) : null;
      if (!preloaded) {
        super.load(context, config, callbacks);
        return;
      }
      this.context = context;
      const started = performance.now();
      void preloaded.then((playlist) => {
        if (this.given) return;
        // The preload failed: hls.js's own request, with its retries (the loader has not
        // started, so the base class accepts the load).
        if (!playlist) {
          super.load(context, config, callbacks);
          return;
        }
        const stats = this.stats;
        stats.loading.start = started;
        stats.loading.first = stats.loading.end = performance.now();
        stats.loaded = stats.total = playlist.text.length;
        callbacks.onSuccess({ url: playlist.url, data: playlist.text, code: 200 }, stats, context, null);
      });
    }

    override abort(): void {
      this.given = true;
      super.abort();
    }

    override destroy(): void {
      this.given = true;
      super.destroy();
    }
  } as unknown as PlaylistLoaderConstructor;
}
