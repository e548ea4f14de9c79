// The staff side of the ingest, `/api/v1/staff/ingest/...` (bearer token, no-store):
//   GET  /                      every channel: state, feed figures, ports (editor)
//   GET  /metrics               Prometheus text (editor)
//   GET  /{channel}             one channel with its ingest URLs and stream key (admin)
//   POST /{channel}/key         a new stream key; the old one is refused from the next connection (admin, audited)
import { z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import { ChannelIdSchema } from '../catalog/api-schemas.ts';
import { addRoute } from '../http/openapi-route.ts';
import type { RecordStore } from '../store/record-store.ts';
import { requireRole } from '../http/auth.ts';
import type { StaffEnv } from '../http/auth.ts';
import { StaffError } from '../http/api-errors.ts';
import { staffApi } from '../http/staff-api.ts';
import type { ChannelIngestStatus } from './channel-ingest.ts';
import type { IngestMetrics } from './metrics.ts';
import { rotateStreamKey, streamKey } from './stream-keys.ts';

export interface IngestStaffDeps {
  store: RecordStore;
  adminToken: string | undefined;
  /** Host name encoders reach the listeners at. */
  publicHost: string;
  status(channel: ChannelId): ChannelIngestStatus | undefined;
  statuses(): ChannelIngestStatus[];
  keyRotated(channel: ChannelId): void;
  metrics: IngestMetrics;
  now: () => number;
}

/** Where an encoder sends a channel's feed, with its key: what the admin pastes into OBS. */
export function ingestUrls(
  host: string,
  status: ChannelIngestStatus,
  key: string,
): { srt?: string; rtmp?: { server: string; streamKey: string; url: string } } {
  const { srt, rtmp } = status.ports;
  return {
    ...(srt ? { srt: `srt://${host}:${srt}?passphrase=${key}&pbkeylen=16` } : {}),
    ...(rtmp
      ? {
          rtmp: {
            server: `rtmp://${host}:${rtmp}/${status.channel}`,
            streamKey: key,
            url: `rtmp://${host}:${rtmp}/${status.channel}/${key}`,
          },
        }
      : {}),
  };
}

const ok = (description: string) => ({ content: { 'application/json': { schema: z.any() } }, description });
const ChannelParam = z.object({ channel: ChannelIdSchema });

export function ingestStaffRoutes(deps: IngestStaffDeps): OpenAPIHono<StaffEnv> {
  // Validation, no-store and refusals as every staff API; a store outage goes on to /api/v1's 503.
  const app = staffApi();
  const editor = requireRole('editor', deps.store, deps.adminToken);
  const admin = requireRole('admin', deps.store, deps.adminToken);
  const tags = ['Staff ingest'];
  const known = (channel: ChannelId) => {
    const status = deps.status(channel);
    if (!status)
      throw new StaffError(404, 'not_found', `La chaîne « ${channel} » ne reçoit pas de direct sur cette origine`);
    return status;
  };

  addRoute(
    app,
    {
      method: 'get',
      path: '/',
      summary: 'État de la réception des directs, par chaîne',
      tags,
      security: ['bearer'],
      middleware: [editor],
      responses: { 200: ok('OK') },
    },
    (c) => c.json({ channels: deps.statuses() }),
  );

  addRoute(
    app,
    {
      method: 'get',
      path: '/metrics',
      summary: 'Métriques Prometheus de la réception',
      tags,
      security: ['bearer'],
      middleware: [editor],
      responses: { 200: ok('text/plain') },
    },
    async (c) => {
      c.header('Content-Type', deps.metrics.registry.contentType);
      return c.body(await deps.metrics.registry.metrics());
    },
  );

  addRoute(
    app,
    {
      method: 'get',
      path: '/{channel}',
      summary: 'Une chaîne : état, adresses de réception et clé de flux (admin)',
      tags,
      security: ['bearer'],
      middleware: [admin],
      request: { params: ChannelParam },
      responses: { 200: ok('OK') },
    },
    async (c, { param }) => {
      const status = known(param.channel);
      const key = await streamKey(deps.store, param.channel);
      return c.json({ ...status, streamKey: key, urls: ingestUrls(deps.publicHost, status, key) });
    },
  );

  addRoute(
    app,
    {
      method: 'post',
      path: '/{channel}/key',
      summary: 'Nouvelle clé de flux (l’ancienne est refusée dès la prochaine connexion)',
      tags,
      security: ['bearer'],
      middleware: [admin],
      request: { params: ChannelParam },
      responses: { 200: ok('OK') },
    },
    async (c: Context<StaffEnv>, { param }) => {
      const status = known(param.channel);
      const actor = c.get('actor');
      const key = await rotateStreamKey(deps.store, param.channel, {
        at: new Date(deps.now()).toISOString(),
        actor: { tokenId: actor.tokenId, label: actor.label, role: actor.role },
        action: 'ingest.key.rotate',
        target: { kind: 'channel', id: param.channel },
      });
      deps.keyRotated(param.channel);
      return c.json({ ...status, streamKey: key, urls: ingestUrls(deps.publicHost, status, key) });
    },
  );

  return app;
}
