// « Antenne »: each channel's live feed (ChannelCard), refreshed every 2 s keeping focus where it is.
import { useEffect, useState } from 'hono/jsx/dom';
import { api, ApiError } from '../api.ts';
import type { ChannelIngest, LiveEvent } from '../api.ts';
import { ChannelCard } from '../ChannelCard.tsx';
import { TEXT } from '../text.ts';
import { useRegie } from '../ui.tsx';

const REFRESH_MS = 2000;

export function OnAirPage({ onUnauthorized }: { onUnauthorized: (message: string) => void }) {
  const { say } = useRegie();
  const [channels, setChannels] = useState<ChannelIngest[] | null>(null);
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [disabled, setDisabled] = useState(false);

  useEffect(() => {
    let stopped = false;
    const refresh = async () => {
      try {
        const [ingest, live] = await Promise.all([api.ingest(), api.liveEvents()]);
        if (stopped) return;
        setChannels(ingest.channels);
        setEvents(live);
        setDisabled(false);
      } catch (error) {
        if (stopped) return;
        if (error instanceof ApiError && error.status === 401) onUnauthorized(error.message);
        else if (error instanceof ApiError && error.status === 404) setDisabled(true);
        else say(TEXT.unreachable, true);
      }
    };
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <>
      {disabled && <p data-testid="no-ingest">{TEXT.noIngest}</p>}
      <div class="channels">
        {(channels ?? []).map((c) => (
          <ChannelCard key={c.channel} status={c} event={events.find((e) => e.channelId === c.channel)} say={say} />
        ))}
      </div>
    </>
  );
}
