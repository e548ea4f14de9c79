// A small muted player of the channel's programme, fetched as viewers get it (hls.js, the
// channel's master playlist on this host: through the edge when the régie is opened there, with
// the URL the TV API gives, so a channel under access control plays signed).
import Hls from 'hls.js';
import { useEffect, useRef } from 'hono/jsx/dom';
import { TEXT } from './text.ts';

export function Preview({ channel, name }: { channel: string; name: string }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = video.current;
    if (!element || !Hls.isSupported()) return;
    let hls: Hls | undefined;
    let gone = false;
    void liveUrlOf(channel).then((url) => {
      if (gone) return;
      // A preview needs no buffer to speak of; the low rendition keeps the régie's machine light.
      hls = new Hls({ startLevel: 0, capLevelToPlayerSize: true, maxBufferLength: 10 });
      hls.loadSource(url);
      hls.attachMedia(element);
      // A live that drops and comes back, or an edge hiccup: start again rather than freeze.
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) hls?.startLoad();
      });
    });
    return () => {
      gone = true;
      hls?.destroy();
    };
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

/**
 * The channel's live URL as the TV API gives it: signed when access control restricts the channel
 * (the edge refuses it unsigned), the plain path otherwise or when the API cannot be read.
 */
async function liveUrlOf(channel: string): Promise<string> {
  const plain = `/hls/live/${channel}/master.m3u8`;
  try {
    const response = await fetch('/api/v1/channels');
    const body = (await response.json()) as { channels?: { id: string; liveUrl?: string }[] };
    return body.channels?.find((c) => c.id === channel)?.liveUrl ?? plain;
  } catch {
    return plain;
  }
}
