// The régie, typed: browser code bundled by esbuild (build-regie.mjs), markup with hono/jsx/dom —
// Hono is already the server's framework, its JSX runtime is a few kilobytes with hooks, and the
// same JSX can render on the server when a page wants it. This first page, « Antenne », shows each
// channel's live feed; it refreshes itself every 2 s, keeping focus where it is.
import { render, useEffect, useState } from 'hono/jsx/dom';
import { api, ApiError, session } from './api.ts';
import type { ChannelIngest, LiveEvent } from './api.ts';
import { ChannelCard } from './ChannelCard.tsx';
import { TEXT } from './text.ts';

const REFRESH_MS = 2000;

function Login({ onDone, error }: { onDone: () => void; error: string }) {
  const submit = (e: Event) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
    session.set(input.value.trim());
    onDone();
  };
  return (
    <form onSubmit={submit} data-testid="login">
      <label>
        {TEXT.login.token} <input name="token" type="password" autocomplete="off" required data-testid="token" />
      </label>
      <button type="submit">{TEXT.login.submit}</button>
      {error && (
        <p role="alert" class="error">
          {TEXT.login.refused}
          {error}
        </p>
      )}
    </form>
  );
}

function App() {
  const [loggedIn, setLoggedIn] = useState(session.token() !== null);
  const [channels, setChannels] = useState<ChannelIngest[] | null>(null);
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [loginError, setLoginError] = useState('');
  const [message, setMessage] = useState<{ text: string; alert: boolean }>({ text: '', alert: false });
  const [disabled, setDisabled] = useState(false);
  const say = (text: string, alert = false) => setMessage({ text, alert });

  useEffect(() => {
    if (!loggedIn) return;
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
        if (error instanceof ApiError && error.status === 401) {
          session.clear();
          setLoginError(error.message);
          setLoggedIn(false);
        } else if (error instanceof ApiError && error.status === 404) setDisabled(true);
        else say(TEXT.unreachable, true);
      }
    };
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [loggedIn]);

  if (!loggedIn) return <Login error={loginError} onDone={() => (setLoginError(''), setLoggedIn(true))} />;
  return (
    <main>
      <header>
        <h1>{TEXT.onAir}</h1>
        <a href="/staff/">{TEXT.oldConsole}</a>
        <button type="button" onClick={() => (session.clear(), setLoggedIn(false))} data-testid="logout">
          {TEXT.login.logout}
        </button>
      </header>
      <p role={message.alert ? 'alert' : 'status'} class={message.alert ? 'error' : ''} data-testid="message">
        {message.text}
      </p>
      {disabled && <p data-testid="no-ingest">{TEXT.noIngest}</p>}
      <div class="channels">
        {(channels ?? []).map((c) => (
          <ChannelCard key={c.channel} status={c} event={events.find((e) => e.channelId === c.channel)} say={say} />
        ))}
      </div>
    </main>
  );
}

render(<App />, document.getElementById('regie')!);
