// The demo catalog's seed file (edge-origin/data/seed.json): its schema and its checks. Read by
// the media generator (what to film: spec.ts) and by the origin's catalog (what to list:
// origin/catalog/seed.ts resolves it into records). It lives here, on the media side, because the
// origin may import media/ but media/ never imports the origin.
import { z } from 'zod';
import { ID_PATTERN } from '../../../shared/catalog/ids.ts';
import { CHANNEL_IDS } from '../../../shared/catalog/types.ts';

const id = z.string().regex(ID_PATTERN);
const channelId = z.enum(CHANNEL_IDS);

export const SeedSchema = z.object({
  channels: z
    .array(
      z.object({
        id: channelId,
        name: z.string().min(1),
        color: z.string().regex(/^#[0-9A-Fa-f]{6}$/),
        description: z.string(),
      }),
    )
    .length(CHANNEL_IDS.length),
  events: z.array(
    z.object({
      id,
      channelId,
      title: z.string().min(1),
      venue: z.string(),
      description: z.string(),
      startsInMinutes: z.number(),
      durationMinutes: z.number().positive(),
      cancelled: z.boolean().optional(),
      sponsorId: z.string().optional(),
    }),
  ),
  replays: z.array(
    z.object({
      id,
      eventId: id,
      title: z.string().min(1),
      description: z.string(),
      publishedInMinutes: z.number().max(0),
      /** Length of the demo media, seconds: a multiple of the segment duration. */
      mediaSeconds: z.number().int().positive(),
      chapters: z.array(z.object({ title: z.string(), start: z.number().nonnegative() })),
    }),
  ),
  highlights: z.array(
    z.object({
      id,
      replayId: id,
      title: z.string().min(1),
      publishedInMinutes: z.number().max(0),
      mediaSeconds: z.number().int().positive(),
    }),
  ),
});

export type Seed = z.infer<typeof SeedSchema>;

export function parseSeed(json: unknown): Seed {
  const seed = SeedSchema.parse(json);
  checkReferences(seed);
  return seed;
}

function checkReferences(seed: Seed): void {
  const ids = new Set<string>();
  for (const item of [...seed.events, ...seed.replays, ...seed.highlights]) {
    if (ids.has(item.id)) throw new Error(`seed: duplicate id "${item.id}"`);
    ids.add(item.id);
  }
  const eventIds = new Set(seed.events.map((e) => e.id));
  const replayIds = new Set(seed.replays.map((r) => r.id));
  for (const r of seed.replays) {
    if (!eventIds.has(r.eventId)) throw new Error(`seed: replay "${r.id}" points at unknown event "${r.eventId}"`);
    for (const ch of r.chapters) {
      if (ch.start >= r.mediaSeconds) throw new Error(`seed: chapter "${ch.title}" of "${r.id}" starts after the end`);
    }
  }
  for (const h of seed.highlights) {
    if (!replayIds.has(h.replayId))
      throw new Error(`seed: highlight "${h.id}" points at unknown replay "${h.replayId}"`);
  }
}
