// The spectators' and the venue screens' side, `/api/v1/contributions/...` (no token):
//   GET  /events/<id>          the event's title, window and channel (name, colour, logo)
//   POST /events/<id>          a sending (multipart: photo, firstName, message, terms, deviceId)
//   POST /delete {code}        the spectator's deletion, by the code they got
//   GET  /events/<id>/feed     approved items (pinned first) and the feed's last event id
//   GET  /events/<id>/stream   Server-Sent Events: approved, pinned, unpinned, removed; resumes
//                              from Last-Event-ID (or ?lastEventId=), else starts with a snapshot
// Every answer is `no-store`: it is per request, and a refusal must not be cached by an edge.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import type { ContributionsConfig } from './config.ts';
import type { FeedEntry } from './feed.ts';
import { ContributionError, SENT_MESSAGE, contributionErrorResponse, refuse } from './refusals.ts';
import { MAX_FIRST_NAME, MAX_MESSAGE } from './service.ts';
import type { ContributionsService } from './service.ts';

/**
 * A comment line on a quiet stream, well inside the edge's upstream idle timeout (10 s by default):
 * longer, and every venue screen watching through an edge is cut and resumed all evening.
 */
const HEARTBEAT_MS = 4000;
/** Room for the form's other fields and the multipart framing around the photo. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/**
 * The sender's address. Behind our edge every request comes from the edge, which appends the
 * address it saw to X-Forwarded-For: that last hop is the one to believe (the ones before it are
 * whatever the client wrote). Believed when the peer is on this machine (`npm start`'s edge) or
 * when `trustForwardedFor` says the origin only hears its own proxies.
 */
export function clientAddress(c: Context, config: Pick<ContributionsConfig, 'trustForwardedFor'>): string {
  const env = c.env as
    | { incoming?: { socket?: { remoteAddress?: string } }; remoteAddr?: { hostname?: string } }
    | undefined;
  const peer = env?.incoming?.socket?.remoteAddress ?? env?.remoteAddr?.hostname ?? 'unknown';
  const loopback = /^(127\.|::1$|::ffff:127\.)/.test(peer);
  if (config.trustForwardedFor || loopback) {
    const hop = c.req.header('x-forwarded-for')?.split(',').pop()?.trim();
    if (hop) return hop;
  }
  return peer;
}

export function contributionPublicRoutes(service: ContributionsService): Hono {
  const { config, feed } = service.deps;
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof ContributionError) return contributionErrorResponse(c, error);
    throw error;
  });
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  app.get('/events/:id', async (c) => {
    const { event, settings, open } = await service.eventWindow(c.req.param('id'));
    // The channel's look, for the broadcast's lower third.
    const channel = await service.store.get('channels', event.channelId);
    return c.json({
      event: { id: event.id, title: event.title, venue: event.venue },
      channel: channel ? { name: channel.name, color: channel.color, logo: channel.logo } : null,
      window: settings
        ? { opensAt: settings.opensAt, closesAt: settings.closesAt, open, shortCode: settings.shortCode }
        : null,
      limits: { message: MAX_MESSAGE, firstName: MAX_FIRST_NAME, photoBytes: config.maxUploadBytes },
    });
  });

  app.post(
    '/events/:id',
    // Refused at once (window, address rate) before a byte of the body is read.
    async (c, next) => {
      await service.admit(c.req.param('id'), clientAddress(c, config));
      const declared = Number(c.req.header('content-length') ?? 0);
      if (declared > config.maxUploadBytes + FORM_OVERHEAD_BYTES)
        throw refuse.tooHeavy(declared, config.maxUploadBytes);
      if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) throw refuse.notMultipart();
      await next();
    },
    // A body that says nothing of its length is cut as it streams past the limit.
    bodyLimit({
      maxSize: config.maxUploadBytes + FORM_OVERHEAD_BYTES,
      onError: (c) => contributionErrorResponse(c, refuse.tooHeavy(config.maxUploadBytes + 1, config.maxUploadBytes)),
    }),
    async (c) => {
      // Parsed here: handing the body to the photo process would cost this loop more in copies
      // than the parsing (photo-process.ts); the decode and re-encode go there.
      let fields: Map<string, string>;
      let photo: Uint8Array | undefined;
      try {
        const body = new Uint8Array(await c.req.arrayBuffer());
        const form = await service.engine.form(body, c.req.header('content-type') ?? '');
        fields = new Map();
        for (const [name, value] of form.fields) if (!fields.has(name)) fields.set(name, value);
        photo = form.files.find(([name]) => name === 'photo')?.[1];
      } catch {
        throw refuse.notMultipart();
      }
      const text = (name: string) => fields.get(name) ?? '';
      const sent = await service.submit({
        eventId: c.req.param('id'),
        deviceId: text('deviceId'),
        address: clientAddress(c, config),
        firstName: text('firstName'),
        message: text('message'),
        termsAccepted: ['on', 'true', '1', 'yes'].includes(text('terms')),
        photo: photo ?? null,
      });
      return c.json({ ...sent, said: SENT_MESSAGE }, 201);
    },
  );

  app.post('/delete', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { code?: unknown };
    if (typeof body.code !== 'string' || !body.code.trim()) throw refuse.unknownCode();
    await service.deleteByCode(body.code);
    return c.body(null, 204);
  });

  app.get('/events/:id/feed', async (c) => {
    const eventId = c.req.param('id');
    await service.eventWindow(eventId);
    const lastEventId = await feed.lastId(eventId);
    return c.json({ lastEventId, items: await service.approved(eventId) });
  });

  app.get('/events/:id/stream', async (c) => {
    const eventId = c.req.param('id');
    await service.eventWindow(eventId);
    const resumeFrom = c.req.header('last-event-id') ?? c.req.query('lastEventId');
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      const queue: FeedEntry[] = [];
      let wake: (() => void) | undefined;
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      // Listening before the backlog or the snapshot is read: nothing published between is lost.
      const unsubscribe = await feed.subscribe(eventId, (entry) => {
        queue.push(entry);
        wake?.();
      });
      try {
        const missed = resumeFrom ? await feed.since(eventId, resumeFrom) : null;
        // What the screen has: every entry up to this id (live ones are skipped up to it).
        let sent: string;
        if (missed) {
          sent = resumeFrom as string;
          queue.unshift(...missed);
        } else {
          // Snapshot first, at the id it stands for: changes after it are queued behind it.
          sent = await feed.lastId(eventId);
          const items = await service.approved(eventId);
          await stream.writeSSE({ event: 'snapshot', id: sent, data: JSON.stringify({ items }), retry: 1000 });
        }
        while (!closed) {
          const entry = queue.shift();
          if (entry) {
            if (!feed.newer(entry.id, sent)) continue;
            sent = entry.id;
            await stream.writeSSE({ event: entry.change.type, id: entry.id, data: JSON.stringify(entry.change) });
            continue;
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, HEARTBEAT_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
          if (!closed && queue.length === 0) await stream.write(': keep-alive\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  });

  return app;
}
