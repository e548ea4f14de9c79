// The spectator's phone page, `/participer/<eventId>`: take or pick a photo, a first name, a
// message with its counter, the terms, send with a progress bar (XHR: fetch has no upload
// progress), then the answer and the deletion code. Plain DOM, no framework: a small script on a
// three-year-old phone over 4G. Everything the user or the server sends is put in with
// textContent, never as HTML.
import { shrink } from './shrink.ts';
import { words } from './words.ts';

const MAX_MESSAGE = 140;
const DEVICE_KEY = 'citetv.participer.device';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = byId<HTMLFormElement>('form');
const camera = byId<HTMLInputElement>('camera');
const library = byId<HTMLInputElement>('library');
const preview = byId<HTMLImageElement>('preview');
const firstName = byId<HTMLInputElement>('firstName');
const message = byId<HTMLTextAreaElement>('message');
const counter = byId<HTMLElement>('counter');
const terms = byId<HTMLInputElement>('terms');
const send = byId<HTMLButtonElement>('send');
const progress = byId<HTMLProgressElement>('progress');
const error = byId<HTMLElement>('error');
const closed = byId<HTMLElement>('closed');
const sent = byId<HTMLElement>('sent');
const sentStatus = byId<HTMLElement>('sent-status');

const eventId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const api = `/api/v1/contributions/events/${encodeURIComponent(eventId)}`;
let photo: File | null = null;
let lastCode = '';

/** The phone's own id, kept in localStorage: rate limits and bans are per device. */
function deviceId(): string {
  let id = '';
  try {
    id = localStorage.getItem(DEVICE_KEY) ?? '';
  } catch {}
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
    id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    try {
      localStorage.setItem(DEVICE_KEY, id);
    } catch {}
  }
  return id;
}

const when = (iso: string) => new Date(iso).toLocaleString('fr-FR', { dateStyle: 'long', timeStyle: 'short' });

/** Counted as a person sees it (an emoji is one), as the server counts. */
function visibleLength(text: string): number {
  const trimmed = text.trim();
  const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  if (!Segmenter) return Array.from(trimmed).length;
  let n = 0;
  for (const _ of new Segmenter('fr', { granularity: 'grapheme' }).segment(trimmed)) n++;
  return n;
}

function updateCounter(): void {
  const n = visibleLength(message.value);
  counter.textContent = words.counter(n, MAX_MESSAGE);
  counter.classList.toggle('over', n > MAX_MESSAGE);
}

function showClosed(text: string): void {
  closed.textContent = text;
  closed.hidden = false;
  form.hidden = true;
}

async function load(): Promise<void> {
  try {
    const response = await fetch(api, { cache: 'no-store' });
    if (response.status === 404) {
      byId('title').textContent = 'Cité TV';
      return showClosed(words.unknownEvent);
    }
    const info = (await response.json()) as {
      event: { title: string; venue: string };
      window: { opensAt: string; closesAt: string; open: boolean } | null;
    };
    byId('title').textContent = info.event.title;
    byId('venue').textContent = info.event.venue;
    document.title = `${info.event.title} — sur l’écran géant`;
    if (!info.window) return showClosed(words.notOpen);
    if (!info.window.open)
      return showClosed(
        Date.parse(info.window.opensAt) > Date.now()
          ? words.opensAt(when(info.window.opensAt))
          : words.closedAt(when(info.window.closesAt)),
      );
    form.hidden = false;
  } catch {
    showClosed(words.network);
  }
}

function choose(input: HTMLInputElement): void {
  const file = input.files?.[0];
  if (!file) return;
  photo = file;
  if (preview.src) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(file);
  preview.hidden = false;
  error.textContent = '';
}

function problem(): string | null {
  if (!photo) return words.needPhoto;
  if (!firstName.value.trim()) return words.needName;
  if (visibleLength(message.value) > MAX_MESSAGE) return words.tooLong(MAX_MESSAGE);
  if (!terms.checked) return words.needTerms;
  return null;
}

function upload(body: FormData): Promise<{ status: number; json: Record<string, unknown>; retryAfter: number }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', api);
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      const percent = Math.round((e.loaded / e.total) * 100);
      progress.value = percent;
      send.textContent = words.sending(percent);
    };
    xhr.onload = () => {
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {}
      // Seconds (a date form is not sent by this server): 0 when absent.
      const retryAfter = Number(xhr.getResponseHeader('Retry-After') ?? 0);
      resolve({ status: xhr.status, json, retryAfter: Number.isFinite(retryAfter) ? Math.min(retryAfter, 3600) : 0 });
    };
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(body);
  });
}

/**
 * The server asked to wait (503 busy, 429): the button stays off and counts down, so a spectator
 * tapping again and again does not add to the flood that made the server refuse.
 */
function holdSend(seconds: number): void {
  let left = Math.ceil(seconds);
  send.disabled = true;
  const tick = () => {
    if (left <= 0) {
      send.disabled = false;
      send.textContent = words.send;
      return;
    }
    send.textContent = words.retryIn(left);
    left--;
    setTimeout(tick, 1000);
  };
  tick();
}

async function submit(e: Event): Promise<void> {
  e.preventDefault();
  const wrong = problem();
  error.textContent = wrong ?? '';
  if (wrong || !photo) return;
  send.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  let wait = 0;
  try {
    const body = new FormData();
    const blob = await shrink(photo);
    body.set('photo', blob, blob === photo ? photo.name || 'photo' : 'photo.jpg');
    body.set('firstName', firstName.value);
    body.set('message', message.value);
    body.set('terms', 'on');
    body.set('deviceId', deviceId());
    const { status, json, retryAfter } = await upload(body);
    if (status === 201) return showSent(String(json.said ?? words.sent), String(json.code ?? ''));
    const refusal = (json.error as { message?: string; code?: string } | undefined) ?? {};
    if (refusal.code === 'window_closed') return showClosed(refusal.message ?? words.notOpen);
    error.textContent = refusal.message ?? words.network;
    if (status === 503 || status === 429) wait = retryAfter;
  } catch {
    error.textContent = words.network;
  } finally {
    progress.hidden = true;
    if (wait > 0) holdSend(wait);
    else {
      send.disabled = false;
      send.textContent = words.send;
    }
  }
}

function showSent(said: string, code: string): void {
  lastCode = code;
  form.hidden = true;
  sent.hidden = false;
  sentStatus.textContent = '';
  byId('sent-title').textContent = said;
  byId('code').textContent = code;
  byId<HTMLButtonElement>('delete').hidden = false;
  byId('sent-title').focus();
}

async function deleteMine(): Promise<void> {
  if (!lastCode || !confirm(words.confirmDelete)) return;
  try {
    const response = await fetch('/api/v1/contributions/delete', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: lastCode }),
    });
    if (response.status === 204) {
      sentStatus.textContent = words.deleted;
      byId<HTMLButtonElement>('delete').hidden = true;
      return;
    }
    const json = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    sentStatus.textContent = json.error?.message ?? words.network;
  } catch {
    sentStatus.textContent = words.network;
  }
}

function again(): void {
  sent.hidden = true;
  form.hidden = false;
  photo = null;
  camera.value = '';
  library.value = '';
  preview.hidden = true;
  message.value = '';
  updateCounter();
}

camera.addEventListener('change', () => choose(camera));
library.addEventListener('change', () => choose(library));
message.addEventListener('input', updateCounter);
form.addEventListener('submit', (e) => void submit(e));
byId('delete').addEventListener('click', () => void deleteMine());
byId('again').addEventListener('click', again);
void load();
