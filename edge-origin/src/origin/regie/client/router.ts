// The régie's pages and which one is shown. A hash router (`/regie/#/directs`): the server serves
// one static index.html at /regie/ and knows nothing of the pages, so a reload or a bookmark of any
// page works without a server fallback route, a page change never costs a request, and the
// browser's back and forward buttons move between pages (they fire `hashchange`).
import { useEffect, useState } from 'hono/jsx/dom';

export const ROUTES = [
  'antenne',
  'directs',
  'ecran',
  'replays',
  'resumes',
  'publicite',
  'campagnes',
  'partenaires',
  'audience',
  'jetons',
  'journal',
] as const;
export type Route = (typeof ROUTES)[number];

const isRoute = (value: string): value is Route => (ROUTES as readonly string[]).includes(value);

/** The page the hash names (`#/replays`); « Antenne » for none or an unknown one. */
export function routeOf(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return isRoute(name) ? name : 'antenne';
}

export const href = (route: Route): string => `#/${route}`;

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(routeOf(location.hash));
  useEffect(() => {
    const changed = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}
