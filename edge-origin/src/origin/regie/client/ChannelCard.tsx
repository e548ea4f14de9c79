// One channel on the « Antenne » page: what is on air, how the feed is doing, the preview, and
// (admins) where the encoder sends it, with the stream key.
import { useState } from 'hono/jsx/dom';
import { api, ApiError } from './api.ts';
import type { ChannelIngest, IngestDetails, LiveEvent } from './api.ts';
import { Preview } from './Preview.tsx';
import { CHANNEL_NAMES, TEXT } from './text.ts';

export function ChannelCard({
  status,
  event,
  say,
}: {
  status: ChannelIngest;
  event: LiveEvent | undefined;
  say: (message: string, alert?: boolean) => void;
}) {
  const name = CHANNEL_NAMES[status.channel] ?? status.channel;
  const [details, setDetails] = useState<IngestDetails | null>(null);
  const feed = status.feed;
  const video = feed?.input.video;

  const fail = (error: unknown) =>
    say(error instanceof ApiError && error.status === 403 ? TEXT.adminOnly : (error as Error).message, true);
  const showKey = () => {
    if (details) return setDetails(null);
    api.ingestDetails(status.channel).then(setDetails, fail);
  };
  const rotate = () => {
    if (!confirm(TEXT.confirmRotate(name))) return;
    api.rotateKey(status.channel).then((d) => {
      setDetails(d);
      say(TEXT.rotated(name));
    }, fail);
  };

  return (
    <section
      class={`channel state-${status.state}`}
      aria-labelledby={`title-${status.channel}`}
      data-testid={`channel-${status.channel}`}
    >
      <h2 id={`title-${status.channel}`}>{name}</h2>
      <p class="state" data-testid={`state-${status.channel}`}>
        {TEXT.state[status.state]}
      </p>
      <p class="event" data-testid={`event-${status.channel}`}>
        {event ? TEXT.onAirEvent(event.title) : TEXT.noEvent}
      </p>
      <Preview channel={status.channel} name={name} />
      <dl data-testid={`figures-${status.channel}`}>
        {feed && video && (
          <>
            <dt>{TEXT.input}</dt>
            <dd data-testid={`input-${status.channel}`}>
              {feed.protocol.toUpperCase()} · {video.codec} {video.width}×{video.height} {video.fps} i/s ·{' '}
              {feed.input.audio ? feed.input.audio.codec : TEXT.noAudio}
            </dd>
            <dt>{TEXT.bitrate}</dt>
            <dd data-testid={`bitrate-${status.channel}`}>{TEXT.kbps(feed.bitrateKbps)}</dd>
            <dt>{TEXT.dropped}</dt>
            <dd>{feed.droppedFrames}</dd>
            <dt>{TEXT.speed}</dt>
            <dd>×{feed.speed.toLocaleString('fr-FR')}</dd>
            <dt>{TEXT.keyframe}</dt>
            <dd data-testid={`keyframe-${status.channel}`}>
              {feed.secondsSinceKeyframe === null ? '—' : TEXT.seconds(feed.secondsSinceKeyframe)}
            </dd>
            <dt>{TEXT.segments}</dt>
            <dd>{feed.segments}</dd>
            <dt>{TEXT.since}</dt>
            <dd>{new Date(feed.since).toLocaleTimeString('fr-FR')}</dd>
          </>
        )}
        <dt>{TEXT.lag}</dt>
        <dd data-testid={`lag-${status.channel}`}>
          {status.packagerLagMs === null ? '—' : TEXT.ms(status.packagerLagMs)}
        </dd>
        <dt>{TEXT.ports}</dt>
        <dd>
          {[status.ports.srt && `SRT ${status.ports.srt}`, status.ports.rtmp && `RTMP ${status.ports.rtmp}`]
            .filter(Boolean)
            .join(' · ')}
        </dd>
        {status.lastRefusal && (
          <>
            <dt>{TEXT.lastRefusal}</dt>
            <dd data-testid={`refusal-${status.channel}`}>
              {new Date(status.lastRefusal.at).toLocaleTimeString('fr-FR')} — {status.lastRefusal.reason}
            </dd>
          </>
        )}
        {status.lastDrop && (
          <>
            <dt>{TEXT.lastDrop}</dt>
            <dd data-testid={`drop-${status.channel}`}>
              {new Date(status.lastDrop.at).toLocaleTimeString('fr-FR')} — {status.lastDrop.cause}
            </dd>
          </>
        )}
        <dt>{TEXT.restarts}</dt>
        <dd>{status.restarts}</dd>
      </dl>
      <div class="actions">
        <button
          type="button"
          onClick={showKey}
          aria-expanded={details ? 'true' : 'false'}
          data-testid={`show-key-${status.channel}`}
        >
          {details ? TEXT.hideKey : TEXT.showKey}
        </button>
        {details && (
          <button type="button" onClick={rotate} data-testid={`rotate-key-${status.channel}`}>
            {TEXT.rotateKey}
          </button>
        )}
      </div>
      {details && (
        <dl class="secrets" data-testid={`key-${status.channel}`}>
          {details.urls.srt && (
            <>
              <dt>{TEXT.srtUrl}</dt>
              <dd>
                <code>{details.urls.srt}</code>
              </dd>
            </>
          )}
          {details.urls.rtmp && (
            <>
              <dt>{TEXT.rtmpServer}</dt>
              <dd>
                <code>{details.urls.rtmp.server}</code>
              </dd>
            </>
          )}
          <dt>{TEXT.streamKey}</dt>
          <dd>
            <code data-testid={`stream-key-${status.channel}`}>{details.streamKey}</code>
          </dd>
        </dl>
      )}
    </section>
  );
}
