// The régie, typed: browser code bundled by esbuild (build-regie.mjs), markup with hono/jsx/dom —
// Hono is already the server's framework, its JSX runtime is a few kilobytes with hooks, and the
// same JSX can render on the server when a page wants it. The shell: log in (the token is checked
// and its role learnt at once), the nav, the page the hash names (router.ts), the message lines
// (a success in role=status, an error in role=alert), log out.
import { render, useEffect, useRef, useState } from 'hono/jsx/dom';
import { api, ApiError, session } from './api.ts';
import type { Role } from './api.ts';
import { AdsPage } from './pages/Ads.tsx';
import { AudiencePage } from './pages/Audience.tsx';
import { CampaignsPage } from './pages/Campaigns.tsx';
import { EventsPage } from './pages/Events.tsx';
import { HighlightsPage } from './pages/Highlights.tsx';
import { OnAirPage } from './pages/OnAir.tsx';
import { ReplaysPage } from './pages/Replays.tsx';
import { ScreenPage } from './pages/Screen.tsx';
import { SponsorsPage } from './pages/Sponsors.tsx';
import { AuditPage, TokensPage } from './pages/Tokens.tsx';
import { href, ROUTES, useRoute } from './router.ts';
import type { Route } from './router.ts';
import { TEXT } from './text.ts';
import { RegieContext } from './ui.tsx';

/** Pages only admins can use (the API answers 403 to editors): not in an editor's nav. */
const ADMIN_ONLY: readonly Route[] = ['jetons', 'journal'];

/** Checks a token and learns its role: the token list answers admins only, 403 means an editor. */
async function roleOf(): Promise<Role> {
  try {
    await api.tokens();
    return 'admin';
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return 'editor';
    throw error;
  }
}

function Login({ onDone, error }: { onDone: (role: Role) => void; error: string }) {
  const [refusal, setRefusal] = useState(error);
  const submit = async (e: Event) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
    session.set(input.value.trim());
    try {
      onDone(await roleOf());
    } catch (failure) {
      session.clear();
      setRefusal(failure instanceof ApiError ? failure.message : TEXT.unreachable);
      input.focus();
    }
  };
  return (
    <form onSubmit={submit} data-testid="login">
      <h1>{TEXT.title}</h1>
      <label>
        {TEXT.login.token} <input name="token" type="password" autocomplete="off" required data-testid="token" />
      </label>
      <button type="submit">{TEXT.login.submit}</button>
      {refusal && (
        <p role="alert" class="error">
          {TEXT.login.refused}
          {refusal}
        </p>
      )}
    </form>
  );
}

function Page({ route, signOut }: { route: Route; signOut: (message: string) => void }) {
  switch (route) {
    case 'antenne':
      return <OnAirPage onUnauthorized={signOut} />;
    case 'directs':
      return <EventsPage />;
    case 'ecran':
      return <ScreenPage />;
    case 'replays':
      return <ReplaysPage />;
    case 'resumes':
      return <HighlightsPage />;
    case 'publicite':
      return <AdsPage />;
    case 'campagnes':
      return <CampaignsPage />;
    case 'partenaires':
      return <SponsorsPage />;
    case 'audience':
      return <AudiencePage />;
    case 'jetons':
      return <TokensPage />;
    case 'journal':
      return <AuditPage />;
  }
}

function App() {
  const [role, setRole] = useState<Role | null>(null);
  const [checking, setChecking] = useState(session.token() !== null);
  const [loginError, setLoginError] = useState('');
  const [status, setStatus] = useState('');
  const [alert, setAlert] = useState('');
  const route = useRoute();
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  const say = (text: string, isAlert = false) => {
    setStatus(isAlert ? '' : text);
    setAlert(isAlert ? text : '');
  };
  const signOut = (message: string) => {
    session.clear();
    setLoginError(message);
    setRole(null);
  };

  // A token kept from earlier in this tab: check it again.
  useEffect(() => {
    if (!checking) return;
    roleOf().then(
      (r) => {
        setRole(r);
        setChecking(false);
      },
      (error: unknown) => {
        signOut(error instanceof ApiError ? error.message : TEXT.unreachable);
        setChecking(false);
      },
    );
  }, []);

  // A new page: the old messages go, and the focus goes to its title (what a screen reader reads).
  useEffect(() => {
    say('');
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [route]);

  if (checking) return <p>{TEXT.loading}</p>;
  if (!role)
    return (
      <Login
        error={loginError}
        onDone={(r) => {
          setLoginError('');
          setRole(r);
        }}
      />
    );
  const shown = ADMIN_ONLY.includes(route) && role !== 'admin' ? 'antenne' : route;
  return (
    <RegieContext.Provider value={{ say, role, signOut }}>
      <header>
        <nav aria-label={TEXT.nav}>
          <ul>
            {ROUTES.filter((r) => role === 'admin' || !ADMIN_ONLY.includes(r)).map((r) => (
              <li>
                <a href={href(r)} aria-current={r === shown ? 'page' : undefined} data-testid={`nav-${r}`}>
                  {TEXT.pages[r]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          onClick={() => {
            session.clear();
            setLoginError('');
            setRole(null);
          }}
          data-testid="logout"
        >
          {TEXT.login.logout}
        </button>
      </header>
      <main>
        <h1 ref={heading} tabIndex={-1} data-testid="page-title">
          {TEXT.pages[shown]}
        </h1>
        <p role="status" data-testid="message" class="ok">
          {status}
        </p>
        <p role="alert" data-testid="alert" class="error">
          {alert}
        </p>
        <Page route={shown} signOut={signOut} />
      </main>
    </RegieContext.Provider>
  );
}

render(<App />, document.getElementById('regie')!);
