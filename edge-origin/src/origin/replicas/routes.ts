// Where the replica proxy stands in the app: in front of the live HLS routes (the channel is in
// the path) and of the staff's start and stop of an event (the channel is the event's), so the
// media sequence a recording starts and stops at is read from the timeline that packages it.
import type { Context, Hono } from 'hono';
import { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import { HLS_ROOT } from '../../../../shared/hls/paths.ts';
import { authenticate, hashToken } from '../http/auth.ts';
import type { Logger } from '../log/logger.ts';
import type { RecordStore } from '../store/record-store.ts';
import type { LiveChannels } from '../live/live-channels.ts';
import type { LeaseHolder, LivePackagers } from './live-lease.ts';
import { replicaProxy } from './live-proxy.ts';

const LIVE_PATH = new RegExp(`^${HLS_ROOT}/live/([^/]+)/`);
const START_STOP_PATH = /^\/api\/v1\/staff\/events\/([^/]+)\/(?:start|stop)$/;
/** `<n>.ts`, `<n>.<part>.ts`, `<n>.vtt`…: a live slot's segment or part (not a playlist). */
const SLOT_FILE = /\/(\d+)(?:\.\d+)?\.(?:ts|vtt|aac|m4s|mp4)$/;
/**
 * Slots shared beyond a playlist's window: the standby's first window may start a slot or two
 * before the holder's last one did (a feed's phase puts the holder's edge up to a slot ahead).
 */
const SHARED_BEYOND_WINDOW = 3;

export function liveChannelOf(path: string): ChannelId | undefined {
  const id = LIVE_PATH.exec(path)?.[1];
  return id && (CHANNEL_IDS as readonly string[]).includes(id) ? (id as ChannelId) : undefined;
}

export function replicaRoutes(
  app: Hono,
  replicas: { packagers: LivePackagers; proxyTimeoutMs: number },
  deps: {
    store: RecordStore;
    live: LiveChannels;
    now: () => number;
    logger: Logger;
    /** Who may see X-Origin-Replica: a staff token (STAFF_ADMIN_TOKEN or a stored one), or the edges' admin token. */
    staffAdminToken?: string | undefined;
    edgeAdminToken?: string | undefined;
  },
): void {
  const { store, live, now, logger, staffAdminToken, edgeAdminToken } = deps;
  const disclose = (c: Context) =>
    staffOrEdgeAdmin(c.req.header('authorization'), store, staffAdminToken, edgeAdminToken);
  const common = { packagers: replicas.packagers, timeoutMs: replicas.proxyTimeoutMs, logger, disclose };
  // A takeover: this replica gives its own timeline of a channel another one was publishing (it
  // sent the channel on to it, saw it hold the lease it now takes, or cannot reach it). Once per
  // other holder (its fence): a new run, so the viewer's player gets EXT-X-DISCONTINUITY between
  // the other replica's last segment and this one's first. (Marked only after a proxied request
  // before: a replica the edges never asked, its peer SIGKILLed, took a feed's channel over with
  // its loop glued to the feed, no discontinuity.)
  // The other's slots, as it shared them (Redis), are listed with its discontinuity flags and
  // numbers: hls.js 1.6 and later drop a reload whose numbers differ for a segment they hold.
  const { packagers } = replicas;
  const lastOther = new Map<ChannelId, LeaseHolder>();
  const takenFrom = new Map<ChannelId, number>();
  /** Whether this is a takeover from `other` not made yet (then counted made). */
  const newTakeover = (channel: ChannelId, other: LeaseHolder | undefined): other is LeaseHolder => {
    if (!other || takenFrom.get(channel) === other.fence) return false;
    takenFrom.set(channel, other.fence);
    return true;
  };
  const takeOver = (channel: ChannelId, other: LeaseHolder): number | undefined => {
    const shared = packagers.sharedSlots(channel);
    const from = live.takeOver(channel, now(), shared);
    if (from !== undefined)
      logger.info(
        { channel, from, replica: other.id, shared: shared?.length ?? 0 },
        'replicas: live answered here again (taken over): a new run from the next slot',
      );
    return from;
  };
  // A lease taken: its slots are this replica's from the next one its timeline publishes. (The
  // shared slots were read with the lease, in the same script.)
  packagers.trackSlots((channel, previous) => {
    const other = previous ?? lastOther.get(channel);
    const from = newTakeover(channel, other) ? takeOver(channel, other) : undefined;
    if (from !== undefined) return from;
    const timeline = live.timeline(channel);
    return timeline ? timeline.edge(now()) + 1 : undefined;
  });
  // Answered here for a holder that cannot be reached: the shared slots read again first (the
  // copy is a renewal period old, and the holder may have listed one more since), and every
  // request meanwhile waits for the takeover, so none lists this replica's own numbering first.
  const takingOver = new Map<ChannelId, Promise<void>>();
  const servedHere = (channel: ChannelId, instead?: LeaseHolder): Promise<void> | undefined => {
    const other = instead ?? lastOther.get(channel);
    if (!newTakeover(channel, other)) return takingOver.get(channel);
    const done = (live.files ? packagers.readSharedSlots(channel) : Promise.resolve(undefined))
      .then(() => {
        const from = takeOver(channel, other);
        if (from !== undefined) void packagers.publishedFrom(channel, from).catch(() => undefined);
      })
      .finally(() => takingOver.delete(channel));
    takingOver.set(channel, done);
    return done;
  };
  // What this replica lists of a channel it holds, shared as it lists a newer slot (the loop
  // alone is the same arithmetic everywhere: nothing to share).
  if (live.files)
    for (const [channel, timeline] of live.timelines)
      timeline.onListed(() => {
        if (packagers.holds(channel))
          packagers.shareSlots(channel, timeline.listedSlots(live.clock.windowSize + SHARED_BEYOND_WINDOW));
      });
  app.use(
    `${HLS_ROOT}/live/*`,
    replicaProxy({
      ...common,
      channelOf: (c) => liveChannelOf(c.req.path),
      slotOf: (c) => {
        const n = SLOT_FILE.exec(c.req.path)?.[1];
        return n === undefined ? undefined : Number(n);
      },
      proxied: (channel, holder) => lastOther.set(channel, holder),
      servedHere,
      // A playlist leaves once the slots it lists are in Redis: a replica taking over from this
      // one adopts them from there (a slot listed within a Redis round trip of this one's death
      // was missing, and came back from the other as its own, after a discontinuity).
      answeredHere: (channel) => packagers.shared(channel),
    }),
  );
  app.use(
    '/api/v1/staff/events/*',
    replicaProxy({
      ...common,
      channelOf: async (c) => {
        const id = c.req.method === 'POST' ? START_STOP_PATH.exec(c.req.path)?.[1] : undefined;
        if (!id) return undefined;
        // Unreadable (Redis down): answered here, where the write fails with 503 anyway.
        const event = await store.get('events', decodeURIComponent(id)).catch(() => null);
        return event?.channelId;
      },
    }),
  );
}

/**
 * Whether the caller is staff (any valid staff token) or holds the edges' admin token: the only
 * ones told which replica answered. Checked at the source rather than trusting every edge, load
 * balancer or CDN in front to strip a header; Redis unreachable (a stored token unreadable): no.
 */
async function staffOrEdgeAdmin(
  authorization: string | undefined,
  store: RecordStore,
  staffAdminToken: string | undefined,
  edgeAdminToken: string | undefined,
): Promise<boolean> {
  if (!authorization) return false;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (edgeAdminToken && token !== undefined && (await sameSecret(token, edgeAdminToken))) return true;
  return authenticate(authorization, store, staffAdminToken).then(
    () => true,
    () => false,
  );
}

/** Compared as hashes: the time taken says nothing about how much of the secret matched. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  return (await hashToken(a)) === (await hashToken(b));
}
