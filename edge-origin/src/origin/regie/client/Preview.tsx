// A small muted player of the channel's programme, fetched as viewers get it (hls.js, the
// channel's master playlist on this host: through the edge when the régie is opened there).
import Hls from 'hls.js';
import { useEffect, useRef } from 'hono/jsx/dom';
import { TEXT } from './text.ts';

export function Preview({ channel, name }: { channel: string; name: string }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = video.current;
    if (!element || !Hls.isSupported()) return;
    // A preview needs no buffer to speak of; the low rendition keeps the régie's machine light.
    const hls = new Hls({ startLevel: 0, capLevelToPlayerSize: true, maxBufferLength: 10 });
    hls.loadSource(`/hls/live/${channel}/master.m3u8`);
    hls.attachMedia(element);
    // A live that drops and comes back, or an edge hiccup: start again rather than freeze.
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) hls.startLoad();
    });
    return () => hls.destroy();
  }, [channel]);
  return (
    <video
      ref={video}
      class="preview"
      muted
      autoplay
      playsinline
      aria-label={TEXT.preview(name)}
      data-testid={`preview-${channel}`}
    />
  );
}
