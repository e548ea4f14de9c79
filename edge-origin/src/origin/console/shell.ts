// The staff console's page shell (route, head and shared styles, the first lines of the page
// script), one for every console page, so the régie and the ads/audience page look and behave alike.
import { Hono } from 'hono';
import type { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';

/** Serves a console page at `path` (ending in `/`; the path without it redirects): never cached, inline scripts only. */
export function consolePageRoutes(path: string, page: string): Hono {
  const app = new Hono();
  app.get(path.slice(0, -1), (c) => c.redirect(path));
  app.get(path, (c) => {
    c.header('Cache-Control', 'no-store');
    c.header('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:");
    return c.html(page);
  });
  return app;
}

export const CHANNEL_NAMES: Record<(typeof CHANNEL_IDS)[number], string> = { sport: "C'Sport", culture: "C'Culture", business: "C'Business", agglo: "C'Agglo" };

/**
 * What every console page's script starts with: channel and status names, `$`, `say` (the
 * #message line), `token()` (the staff token, shared by the pages through sessionStorage),
 * `esc()` (HTML escaping) and `uploadPoster()` (an image to the staff API, resized for the TV).
 */
export const CONSOLE_SCRIPT_PRELUDE = `const CHANNELS = ${JSON.stringify(CHANNEL_NAMES)};
const STATUS = { scheduled: 'programmé', live: 'EN DIRECT', ended: 'terminé', published: 'replay publié', cancelled: 'annulé' };
const $ = (sel) => document.querySelector(sel);
const say = (text, ok) => { const m = $('#message'); m.textContent = text; m.className = ok ? 'ok' : 'error'; };
const token = () => sessionStorage.getItem('citetv-staff-token');
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]);
/** Sends the file's bytes as they are, with its own type: the API checks the bytes and answers { poster, hero }. */
async function uploadPoster(file) {
  const response = await fetch('/api/v1/staff/posters', { method: 'POST', headers: { authorization: 'Bearer ' + token(), 'content-type': file.type || 'application/octet-stream' }, body: file });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((data.error && data.error.message) || ('Erreur ' + response.status));
  return data;
}
`;

export function consoleHead(title: string, extraCss = ''): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem; color: #1c1c1c; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
  form, .box { border: 1px solid #ccc; border-radius: 6px; padding: .8rem; margin: .6rem 0; }
  label { display: inline-block; margin: .2rem .8rem .2rem 0; }
  input, select, button { font: inherit; padding: .25rem .4rem; }
  table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ddd; padding: .3rem; text-align: left; }
  #message { min-height: 1.5em; font-weight: 600; } #message.error { color: #b00020; } #message.ok { color: #1b6c2a; }
  .live { color: #d7263d; font-weight: 700; }${extraCss}
</style>
</head>
<body>
`;
}
