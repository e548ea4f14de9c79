// `/staff/ads/`: the staff page for ads, sponsors and audience (French), beside the main console
// (`/staff/`, same token in sessionStorage). Server-rendered shell; everything else is fetched
// from the staff API: viewers now per channel, the sponsors (« Partenaires »: list, add with an
// optional logo, inline edit, delete — refused with the API's message while still used), a
// break in a live ("Coupure pub"), pre-rolls and mid-rolls of replays, the sponsor of each
// event, campaigns, and the sponsor reports of an
// event or a campaign with a chart of viewers over time (inline SVG, drawn in the page).
import type { Hono } from 'hono';
import { CONSOLE_SCRIPT_PRELUDE, consoleHead, consolePageRoutes } from '../console/shell.ts';

export function staffPagesRoutes(): Hono {
  return consolePageRoutes('/staff/ads/', PAGE);
}

const PAGE = `${consoleHead('Cité TV — publicité, partenaires et audience', `
  .figures { display: flex; gap: 1.5rem; flex-wrap: wrap; } .figures div { font-size: 1.3rem; font-weight: 700; } .figures small { display: block; font-size: .8rem; font-weight: 400; color: #555; }
  svg text { font: 11px system-ui, sans-serif; fill: #444; }
  .logo { max-height: 32px; max-width: 80px; vertical-align: middle; } td input[type=text], td input[type=url] { width: 95%; } .muted { color: #666; }`)}<h1>Cité TV — publicité, partenaires et audience</h1>
<p><a href="/staff/">← régie des directs</a></p>
<p id="message" role="status" data-testid="message"></p>

<form id="login" data-testid="login">
  <label>Jeton d’accès <input id="token" type="password" autocomplete="off" required data-testid="token"></label>
  <button type="submit">Se connecter</button>
</form>

<section id="app" hidden>
  <h2>Spectateurs en ce moment</h2>
  <table><thead><tr><th>Chaîne</th><th>Spectateurs</th><th>Direct</th></tr></thead><tbody id="now" data-testid="now"></tbody></table>

  <h2>Partenaires</h2>
  <table><thead><tr><th>Nom</th><th>Site</th><th>Logo</th><th>Chaînes</th><th>Utilisé par</th><th></th></tr></thead>
  <tbody id="sponsors" data-testid="sponsors"></tbody></table>
  <form id="sponsor-form" data-testid="sponsor-form">
    <label>Nom <input name="name" required maxlength="120" data-testid="sponsor-name"></label>
    <label>Site <input name="url" type="url" required placeholder="https://…" data-testid="sponsor-url"></label>
    <label>Logo (facultatif) <input name="logo" type="file" accept="image/jpeg,image/png,image/webp" data-testid="sponsor-logo"></label><br>
    Chaînes (aucune cochée : toutes) <span id="sponsor-channels" data-testid="sponsor-channels"></span>
    <button type="submit">Ajouter</button>
  </form>

  <h2>Événements : partenaire et coupures en direct</h2>
  <table><thead><tr><th>Chaîne</th><th>Titre</th><th>État</th><th>Partenaire</th><th>Coupure pub</th><th>Rapport</th></tr></thead>
  <tbody id="events" data-testid="events"></tbody></table>

  <h2>Coupures des replays</h2>
  <form id="replay-break" data-testid="replay-break">
    <label>Replay <select id="replay" required data-testid="replay"></select></label>
    <label>Position <select id="chapter" data-testid="chapter"></select></label>
    <label>Durée (s) <input id="replay-duration" type="number" min="5" max="300" value="10" required></label>
    <button type="submit">Programmer</button>
  </form>

  <h2>Campagnes</h2>
  <table><thead><tr><th>Nom</th><th>Partenaire</th><th>Spot</th><th>Priorité</th><th>Ciblage</th><th>Période</th><th>Plafond</th><th>Rapport</th></tr></thead>
  <tbody id="campaigns" data-testid="campaigns"></tbody></table>
  <form id="campaign" data-testid="campaign-form">
    <label>Nom <input name="name" required maxlength="120"></label>
    <label>Partenaire <select name="sponsorId" id="campaign-sponsor" required></select></label>
    <label>Spot <select name="creativeId" id="campaign-creative" required></select></label>
    <label>Priorité <input name="priority" type="number" min="0" max="100" value="10"></label><br>
    <label>Chaînes (vide : toutes) <input name="channelIds" placeholder="sport,culture"></label>
    <label>Début <input name="startsAt" type="datetime-local" required></label>
    <label>Fin <input name="endsAt" type="datetime-local" required></label>
    <label>Plafond <input name="cap" type="number" min="1" value="3"> par spectateur et par 24 h</label>
    <button type="submit">Créer</button>
  </form>

  <h2>Rapport partenaire</h2>
  <div id="report" class="box" data-testid="report"><p>Choisissez un événement ou une campagne ci-dessus.</p></div>
</section>

<script>
${CONSOLE_SCRIPT_PRELUDE}const EVENTS_FR = { start: 'démarrées', firstQuartile: '1er quart', midpoint: 'moitié', thirdQuartile: '3e quart', complete: 'terminées' };
let sponsors = [];
/** The sponsor whose row is being edited (its cells are inputs), or null. */
let editingSponsor = null;
const channelBoxes = (name, checked) => Object.entries(CHANNELS).map(([id, label]) => '<label><input type="checkbox" name="' + name + '" value="' + id + '"' + ((checked ?? []).includes(id) ? ' checked' : '') + '> ' + esc(label) + '</label>').join('');
const checkedChannels = (root, name) => [...root.querySelectorAll('input[name="' + name + '"]:checked')].map((i) => i.value);

async function api(method, path, body) {
  const res = await fetch(path, { method, headers: { authorization: 'Bearer ' + token(), ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error(data?.error?.message ?? ('Erreur ' + res.status));
  return data;
}

async function refreshNow() {
  const now = await api('GET', '/api/v1/staff/audience/now');
  $('#now').innerHTML = now.channels.map((c) => '<tr><td>' + CHANNELS[c.channelId] + '</td><td data-testid="viewers-' + c.channelId + '">' + c.viewers + '</td><td>' + esc(c.eventId ?? '—') + '</td></tr>').join('');
}

function sponsorRow(s) {
  const channels = (s.channelIds ?? []).map((id) => CHANNELS[id]).join(', ') || 'toutes';
  const used = [...s.usedBy.events.map((e) => 'événement « ' + e.title + ' »'), ...s.usedBy.campaigns.map((c) => 'campagne « ' + c.name + ' »')];
  const tid = (what) => ' data-testid="sponsor-' + what + '-' + esc(s.id) + '"';
  if (editingSponsor === s.id) {
    return '<tr data-id="' + esc(s.id) + '"><td><input type="text" name="name" required maxlength="120" value="' + esc(s.name) + '"' + tid('edit-name') + '></td>' +
      '<td><input type="url" name="url" required value="' + esc(s.url) + '"' + tid('edit-url') + '></td><td>' + (s.logo ? '<img class="logo" alt="" src="' + esc(s.logo) + '">' : '') + '</td>' +
      '<td>' + channelBoxes('edit-channels', s.channelIds) + '</td><td class="muted">' + esc(used.join(', ') || '—') + '</td>' +
      '<td><button data-action="save"' + tid('save') + '>Enregistrer</button> <button data-action="cancel">Annuler</button></td></tr>';
  }
  return '<tr data-id="' + esc(s.id) + '"><td' + tid('name') + '>' + esc(s.name) + '</td><td><a href="' + esc(s.url) + '" rel="noopener" target="_blank">' + esc(s.url) + '</a></td>' +
    '<td>' + (s.logo ? '<img class="logo" alt="logo ' + esc(s.name) + '" src="' + esc(s.logo) + '"' + tid('logo') + '>' : '—') + '</td><td>' + esc(channels) + '</td>' +
    '<td class="muted">' + esc(used.join(', ') || '—') + '</td>' +
    '<td><button data-action="edit"' + tid('edit') + '>Modifier</button> <button data-action="delete"' + tid('delete') + '>Supprimer</button></td></tr>';
}

function renderSponsors() {
  $('#sponsors').innerHTML = sponsors.map(sponsorRow).join('') || '<tr><td colspan="6">Aucun partenaire.</td></tr>';
}

async function refreshEvents() {
  // The staff list (no-store, with what uses each sponsor), not the TV's cached /api/v1/sponsors.
  const [{ events }, sp] = await Promise.all([api('GET', '/api/v1/staff/events'), api('GET', '/api/v1/staff/sponsors')]);
  sponsors = sp.sponsors;
  renderSponsors();
  const options = (selected) => '<option value="">—</option>' + sponsors.map((s) => '<option value="' + esc(s.id) + '"' + (s.id === selected ? ' selected' : '') + '>' + esc(s.name) + '</option>').join('');
  events.sort((a, b) => (a.status === 'live' ? -1 : 0) - (b.status === 'live' ? -1 : 0) || a.startsAt.localeCompare(b.startsAt));
  $('#events').innerHTML = events.map((e) => '<tr data-id="' + esc(e.id) + '"><td>' + CHANNELS[e.channelId] + '</td><td>' + esc(e.title) + '</td><td class="' + (e.status === 'live' ? 'live' : '') + '">' + STATUS[e.status] + '</td>' +
    '<td><select data-action="sponsor" data-testid="sponsor-' + esc(e.id) + '">' + options(e.sponsorId) + '</select></td>' +
    '<td>' + (e.status === 'live' ? '<input type="number" min="5" max="300" value="20" size="4" data-testid="break-duration-' + esc(e.id) + '"> s <button data-action="break" data-testid="break-' + esc(e.id) + '">Lancer la coupure</button>' : '') + '</td>' +
    '<td><button data-action="event-report" data-testid="report-' + esc(e.id) + '">Voir</button></td></tr>').join('');
  $('#campaign-sponsor').innerHTML = sponsors.map((s) => '<option value="' + esc(s.id) + '">' + esc(s.name) + '</option>').join('');
}

async function refreshReplays() {
  const home = await fetch('/api/v1/home').then((r) => r.json());
  const replays = home.channels.flatMap((c) => c.replays);
  $('#replay').innerHTML = replays.map((r) => '<option value="' + esc(r.id) + '">' + esc(r.title) + '</option>').join('');
  const showChapters = () => {
    const r = replays.find((x) => x.id === $('#replay').value);
    $('#chapter').innerHTML = '<option value="">pré-publicité</option>' + (r?.chapters ?? []).map((c, i) => c.start > 0 ? '<option value="' + i + '">avant « ' + esc(c.title) + ' » (' + c.start + ' s)</option>' : '').join('');
  };
  $('#replay').onchange = showChapters;
  showChapters();
}

async function refreshCampaigns() {
  const [{ campaigns }, { creatives }] = await Promise.all([api('GET', '/api/v1/staff/ads/campaigns'), api('GET', '/api/v1/staff/ads/creatives')]);
  const name = (id) => sponsors.find((s) => s.id === id)?.name ?? id;
  const day = (iso) => new Date(iso).toLocaleDateString('fr-FR');
  $('#campaigns').innerHTML = campaigns.map((c) => '<tr><td>' + esc(c.name) + '</td><td>' + esc(name(c.sponsorId)) + '</td><td>' + esc(c.creativeId) + '</td><td>' + c.priority + '</td><td>' +
    esc([...(c.channelIds ?? []).map((id) => CHANNELS[id]), ...(c.eventIds ?? [])].join(', ') || 'tout') + '</td><td>' + day(c.startsAt) + ' → ' + day(c.endsAt) + '</td><td>' + c.frequencyCap.impressions + ' / ' + c.frequencyCap.perHours + ' h</td>' +
    '<td><button data-campaign="' + esc(c.id) + '" data-testid="campaign-report-' + esc(c.id) + '">Voir</button></td></tr>').join('');
  $('#campaign-creative').innerHTML = creatives.filter((c) => c.kind === 'sponsor').map((c) => '<option value="' + esc(c.id) + '">' + esc(c.advertiser + ' — ' + c.title) + '</option>').join('');
}

function chart(samples) {
  if (!samples.length) return '<p>Pas encore de mesure pendant cet événement.</p>';
  const W = 760, H = 220, L = 48, B = 28, T = 10, R = 10;
  const t0 = samples[0].at, t1 = samples[samples.length - 1].at || t0 + 1;
  const max = Math.max(1, ...samples.map((s) => s.viewers));
  const x = (t) => L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - R);
  const y = (v) => T + (1 - v / max) * (H - T - B);
  const points = samples.map((s) => x(s.at).toFixed(1) + ',' + y(s.viewers).toFixed(1)).join(' ');
  const time = (t) => new Date(t).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });
  return '<svg data-testid="chart" role="img" aria-label="Spectateurs au fil du temps" width="' + W + '" height="' + H + '" viewBox="0 0 ' + W + ' ' + H + '">' +
    '<line x1="' + L + '" y1="' + (H - B) + '" x2="' + (W - R) + '" y2="' + (H - B) + '" stroke="#999"/><line x1="' + L + '" y1="' + T + '" x2="' + L + '" y2="' + (H - B) + '" stroke="#999"/>' +
    '<text x="' + (L - 6) + '" y="' + (T + 10) + '" text-anchor="end">' + max + '</text><text x="' + (L - 6) + '" y="' + (H - B) + '" text-anchor="end">0</text>' +
    '<text x="' + L + '" y="' + (H - 8) + '">' + time(t0) + '</text><text x="' + (W - R) + '" y="' + (H - 8) + '" text-anchor="end">' + time(t1) + '</text>' +
    '<polyline fill="none" stroke="#d7263d" stroke-width="2" points="' + points + '"/></svg>';
}

const impressionsRow = (i) => Object.keys(EVENTS_FR).map((k) => '<td>' + (i[k] ?? 0) + '</td>').join('');
const impressionsHead = '<th>' + Object.values(EVENTS_FR).join('</th><th>') + '</th><th>Complétion</th>';
const rate = (r) => r === null ? '—' : Math.round(r * 100) + ' %';

async function showEventReport(id) {
  const r = await api('GET', '/api/v1/staff/audience/events/' + encodeURIComponent(id) + '/report');
  $('#report').innerHTML = '<h3>' + esc(r.event.title) + ' — ' + CHANNELS[r.event.channelId] + (r.sponsor ? ' · partenaire ' + esc(r.sponsor.name) : '') + '</h3>' +
    '<div class="figures"><div data-testid="peak">' + r.audience.peak + '<small>pic de spectateurs simultanés</small></div><div data-testid="average">' + r.audience.average + '<small>spectateurs en moyenne</small></div>' +
    '<div data-testid="minutes">' + r.audience.minutesWatched + '<small>minutes regardées</small></div><div>' + rate(r.completionRate) + '<small>publicités vues jusqu’au bout</small></div></div>' +
    chart(r.audience.samples) +
    '<table><thead><tr><th>Campagne</th>' + impressionsHead + '</tr></thead><tbody>' + r.campaigns.map((c) => '<tr><td>' + esc(c.name) + '</td>' + impressionsRow(c.impressions) + '<td>' + rate(c.completionRate) + '</td></tr>').join('') + '</tbody></table>' +
    '<p><a href="/api/v1/staff/audience/events/' + encodeURIComponent(id) + '/report" data-testid="json">JSON</a> (avec le jeton)</p>';
}

async function showCampaignReport(id) {
  const r = await api('GET', '/api/v1/staff/audience/campaigns/' + encodeURIComponent(id) + '/report');
  $('#report').innerHTML = '<h3>Campagne « ' + esc(r.campaign.name) + ' »' + (r.sponsor ? ' — ' + esc(r.sponsor.name) : '') + '</h3>' +
    '<table><thead><tr><th></th>' + impressionsHead + '</tr></thead><tbody><tr><td>Total</td>' + impressionsRow(r.impressions) + '<td>' + rate(r.completionRate) + '</td></tr></tbody></table>' +
    '<table><thead><tr><th>Événement</th><th>Pic</th><th>Moyenne</th><th>Minutes</th>' + impressionsHead + '</tr></thead><tbody>' +
    r.events.map((e) => '<tr><td>' + esc(e.title) + '</td><td>' + e.audience.peak + '</td><td>' + e.audience.average + '</td><td>' + e.audience.minutesWatched + '</td>' + impressionsRow(e.impressions) + '<td>' + rate(e.completionRate) + '</td></tr>').join('') + '</tbody></table>';
}

async function refreshAll() {
  await refreshEvents();
  await Promise.all([refreshNow(), refreshReplays(), refreshCampaigns()]);
}

$('#login').onsubmit = async (ev) => {
  ev.preventDefault();
  sessionStorage.setItem('citetv-staff-token', $('#token').value.trim());
  await start();
};
async function start() {
  try {
    await refreshAll();
    $('#app').hidden = false;
    $('#login').hidden = true;
    setInterval(() => refreshNow().catch(() => {}), 5000);
  } catch (e) { say(e.message); }
}
$('#events').onclick = async (ev) => {
  const button = ev.target.closest('button'); if (!button) return;
  const id = button.closest('tr').dataset.id;
  try {
    if (button.dataset.action === 'break') {
      const duration = Number(button.previousElementSibling.value);
      const b = await api('POST', '/api/v1/staff/ads/events/' + encodeURIComponent(id) + '/breaks', { durationSeconds: duration });
      say('Coupure de ' + b.durationSeconds + ' s lancée (à l’antenne à ' + new Date(b.startsAt).toLocaleTimeString('fr-FR') + ')', true);
    } else if (button.dataset.action === 'event-report') await showEventReport(id);
  } catch (e) { say(e.message); }
};
$('#events').onchange = async (ev) => {
  if (ev.target.dataset.action !== 'sponsor') return;
  const id = ev.target.closest('tr').dataset.id;
  try {
    await api('PATCH', '/api/v1/staff/events/' + encodeURIComponent(id), { sponsorId: ev.target.value || null });
    await refreshEvents();
    say(ev.target.value ? 'Partenaire enregistré' : 'Partenaire retiré', true);
  } catch (e) { say(e.message); }
};
// Sponsor writes refresh the page first and say it is done after: the message means the tables are up to date.
$('#sponsor-channels').innerHTML = channelBoxes('channelIds', []);
$('#sponsor-form').onsubmit = async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const f = new FormData(form);
  const channels = checkedChannels(form, 'channelIds');
  try {
    const file = f.get('logo');
    // The logo goes through the poster upload (type checked on the bytes, resized): its card path is the logo.
    const logo = file && file.size ? (await uploadPoster(file)).poster : undefined;
    const s = await api('POST', '/api/v1/staff/sponsors', { name: f.get('name'), url: f.get('url'), ...(logo ? { logo } : {}), ...(channels.length ? { channelIds: channels } : {}) });
    form.reset();
    await refreshEvents();
    say('Partenaire « ' + s.name + ' » ajouté', true);
  } catch (e) { say(e.message); }
};
$('#sponsors').onclick = async (ev) => {
  const button = ev.target.closest('button[data-action]'); if (!button) return;
  const row = button.closest('tr');
  const id = row.dataset.id;
  const sponsor = sponsors.find((s) => s.id === id);
  try {
    if (button.dataset.action === 'edit') { editingSponsor = id; renderSponsors(); $('#sponsors tr[data-id] input')?.focus(); }
    else if (button.dataset.action === 'cancel') { editingSponsor = null; renderSponsors(); }
    else if (button.dataset.action === 'save') {
      const s = await api('PATCH', '/api/v1/staff/sponsors/' + encodeURIComponent(id), { name: row.querySelector('[name="name"]').value, url: row.querySelector('[name="url"]').value, channelIds: checkedChannels(row, 'edit-channels') });
      editingSponsor = null;
      await refreshEvents();
      await refreshCampaigns();
      say('Partenaire « ' + s.name + ' » modifié', true);
    } else if (button.dataset.action === 'delete') {
      if (!confirm('Supprimer le partenaire « ' + (sponsor?.name ?? id) + ' » ?')) return;
      await api('DELETE', '/api/v1/staff/sponsors/' + encodeURIComponent(id));
      await refreshEvents();
      say('Partenaire « ' + (sponsor?.name ?? id) + ' » supprimé', true);
    }
  } catch (e) { say(e.message); }
};
$('#campaigns').onclick = (ev) => { const b = ev.target.closest('button[data-campaign]'); if (b) showCampaignReport(b.dataset.campaign).catch((e) => say(e.message)); };
$('#replay-break').onsubmit = async (ev) => {
  ev.preventDefault();
  const chapter = $('#chapter').value;
  try {
    const b = await api('POST', '/api/v1/staff/ads/replays/' + encodeURIComponent($('#replay').value) + '/breaks', { durationSeconds: Number($('#replay-duration').value), ...(chapter === '' ? {} : { chapter: Number(chapter) }) });
    say('Coupure programmée à ' + b.offset + ' s', true);
  } catch (e) { say(e.message); }
};
$('#campaign').onsubmit = async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const channels = String(f.get('channelIds') || '').split(',').map((s) => s.trim()).filter(Boolean);
  try {
    await api('POST', '/api/v1/staff/ads/campaigns', { name: f.get('name'), sponsorId: f.get('sponsorId'), creativeId: f.get('creativeId'), priority: Number(f.get('priority')),
      ...(channels.length ? { channelIds: channels } : {}), startsAt: new Date(f.get('startsAt')).toISOString(), endsAt: new Date(f.get('endsAt')).toISOString(),
      frequencyCap: { impressions: Number(f.get('cap')), perHours: 24 } });
    say('Campagne créée', true);
    await refreshCampaigns();
  } catch (e) { say(e.message); }
};
if (token()) start();
</script>
</body>
</html>`;
