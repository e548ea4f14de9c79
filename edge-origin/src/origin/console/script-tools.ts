// Browser helpers shared by the régie's editing forms (inline script text, like the rest of the
// page): datetime-local fields in the browser's time zone (Paris, for the staff:
// the schedule form works the same way), and the poster field (upload on choice, preview).
// They rely on CONSOLE_SCRIPT_PRELUDE (`say()`, `esc()`, `uploadPoster()`).

export const CONSOLE_TOOLS_SCRIPT = `
/** An instant as a datetime-local value: the wall-clock time of the browser's zone at that instant. */
function localInput(iso) {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}
/** A datetime-local value (no zone: read in the browser's zone, by the spec) as an ISO instant. */
const isoFromLocal = (value) => new Date(value).toISOString();
const dateTime = (iso) => new Date(iso).toLocaleString('fr-FR', { dateStyle: 'short', timeStyle: 'short' });
/** « 17/01/2027 20:30 → 22:45 », the end's date only when it is another day. */
function timeRange(startIso, endIso) {
  const day = (iso) => new Date(iso).toLocaleDateString('fr-FR');
  const end = day(startIso) === day(endIso) ? new Date(endIso).toLocaleTimeString('fr-FR', { timeStyle: 'short' }) : dateTime(endIso);
  return dateTime(startIso) + ' → ' + end;
}

/** A form's poster field: the card the TV shows now, and a file input to replace it. */
function posterField(current) {
  return '<div class="poster-field"><img class="card" alt="affiche" data-testid="poster-preview" src="' + esc(current) + '">' +
    '<label>Nouvelle affiche (JPEG, PNG ou WebP, 5 Mo au plus) <input type="file" accept="image/jpeg,image/png,image/webp" data-testid="poster-file"></label></div>';
}

/**
 * Uploads the chosen file at once, so the preview is the card the TV will show (resized by the
 * origin); the form keeps its path in data-poster until saved. Saving waits for the upload.
 */
function wirePosterField(form) {
  const input = form.querySelector('[data-testid="poster-file"]');
  const save = form.querySelector('button[type="submit"]');
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    save.disabled = true;
    try {
      const { poster } = await uploadPoster(file);
      form.dataset.poster = poster;
      form.querySelector('[data-testid="poster-preview"]').src = poster;
      say('Affiche envoyée : enregistrez pour l’utiliser', true);
    } catch (e) { input.value = ''; say(e.message, false); }
    finally { save.disabled = false; }
  });
}
`;
