// The staff API's request bodies. These schemas validate every write (400 with the field and the
// reason) and are the ones the OpenAPI document shows.
import { z } from '@hono/zod-openapi';
import { ChannelIdSchema } from '../catalog/api-schemas.ts';
import { ID_PATTERN } from '../../../../shared/catalog/ids.ts';
import { STAFF_ROLES } from '../store/records.ts';

const MAX_EVENT_MS = 12 * 3600_000;
const isoDate = z.iso
  .datetime({ offset: true, error: 'date ISO 8601 attendue (ex. 2026-11-28T20:00:00Z)' })
  .openapi({ example: '2026-11-28T20:00:00Z' });
const text = (max: number) => z.string().trim().max(max, `${max} caractères au plus`);
const title = z.string().trim().min(1, 'titre obligatoire').max(120, '120 caractères au plus');
/** A picture the origin serves: an uploaded poster or a generated one. */
export const imagePath = z
  .string()
  .regex(
    /^\/images\/[a-z0-9/_.-]+\.(jpg|png)$/,
    'chemin d’image attendu (/images/…), par ex. celui rendu par POST /staff/posters',
  );
const id = (what: string) => z.string().regex(ID_PATTERN, `identifiant de ${what} attendu`);

function checkTimes(value: { startsAt?: string | undefined; endsAt?: string | undefined }, ctx: z.RefinementCtx): void {
  if (!value.startsAt || !value.endsAt) return;
  const start = Date.parse(value.startsAt);
  const end = Date.parse(value.endsAt);
  if (end <= start) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'la fin doit être après le début' });
  else if (end - start > MAX_EVENT_MS)
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'un direct dure 12 heures au plus' });
}

export const EventCreateSchema = z
  .object({
    channelId: ChannelIdSchema,
    title,
    venue: text(120).default(''),
    description: text(2000).default(''),
    startsAt: isoDate,
    endsAt: isoDate,
    poster: imagePath.optional(),
    sponsorId: id('partenaire').optional(),
  })
  .strict()
  .superRefine(checkTimes)
  .openapi('EventCreate');

export const EventPatchSchema = z
  // sponsorId null: no sponsor any more.
  .object({
    title: title.optional(),
    venue: text(120).optional(),
    description: text(2000).optional(),
    poster: imagePath.optional(),
    sponsorId: id('partenaire').nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'au moins un champ à modifier', path: ['body'] })
  .openapi('EventPatch');

export const RescheduleSchema = z
  .object({ startsAt: isoDate, endsAt: isoDate })
  .strict()
  .superRefine(checkTimes)
  .openapi('EventReschedule');
export const CancelSchema = z
  .object({ reason: text(300).optional() })
  .strict()
  .openapi('EventCancel');
export const EmptySchema = z.object({}).strict().openapi('Empty');

export const ChapterInputSchema = z.object({ title: title, start: z.number().min(0, 'secondes ≥ 0') }).strict();
export const PublishSchema = z
  .object({
    title: title.optional(),
    description: text(2000).optional(),
    poster: imagePath.optional(),
    chapters: z.array(ChapterInputSchema).max(100).optional(),
  })
  .strict()
  .openapi('ReplayPublish');

export const ReplayPatchSchema = z
  .object({
    title: title.optional(),
    description: text(2000).optional(),
    poster: imagePath.optional(),
    chapters: z.array(ChapterInputSchema).max(100).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'au moins un champ à modifier', path: ['body'] })
  .openapi('ReplayPatch');

export const HighlightCreateSchema = z
  .object({
    replayId: id('replay'),
    title,
    in: z.number().min(0, 'secondes ≥ 0'),
    out: z.number().positive('secondes > 0'),
    poster: imagePath.optional(),
  })
  .strict()
  .refine((v) => v.out > v.in, { message: 'la sortie doit être après l’entrée', path: ['out'] })
  .refine((v) => v.out - v.in <= 600, { message: 'un résumé dure 10 minutes au plus', path: ['out'] })
  .openapi('HighlightCreate');

/**
 * In and out are seconds from the start of the replay, like at the cut; the route checks them against each other
 * and against the replay.
 */
export const HighlightPatchSchema = z
  .object({
    title: title.optional(),
    in: z.number().min(0, 'secondes ≥ 0').optional(),
    out: z.number().positive('secondes > 0').optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'au moins un champ à modifier', path: ['body'] })
  .refine((v) => v.in === undefined || v.out === undefined || v.out > v.in, {
    message: 'la sortie doit être après l’entrée',
    path: ['out'],
  })
  .openapi('HighlightPatch');

const sponsorUrl = z.url({ protocol: /^https?$/, error: 'URL http(s) attendue' });
const sponsorChannels = z
  .array(ChannelIdSchema)
  .max(4)
  .refine((ids) => new Set(ids).size === ids.length, 'chaque chaîne une seule fois');

export const SponsorCreateSchema = z
  .object({
    name: title,
    url: sponsorUrl,
    logo: imagePath.optional(),
    channelIds: sponsorChannels.optional(),
  })
  .strict()
  .openapi('SponsorCreate');

/** `logo: ""` removes the logo; `channelIds: []` means no channel in particular (stored absent). */
export const SponsorPatchSchema = z
  .object({
    name: title.optional(),
    url: sponsorUrl.optional(),
    logo: z
      .string()
      .refine(
        (v) => v === '' || imagePath.safeParse(v).success,
        'chemin d’image attendu (/images/…), ou "" pour retirer le logo',
      )
      .optional(),
    channelIds: sponsorChannels.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'au moins un champ à modifier', path: ['body'] })
  .openapi('SponsorPatch');

export const TokenCreateSchema = z
  .object({ label: title, role: z.enum(STAFF_ROLES) })
  .strict()
  .openapi('TokenCreate');

export const IdParam = z.object({ id: id('ressource').openapi({ param: { name: 'id', in: 'path' } }) });
export const TokenIdParam = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{12}$/, 'identifiant de jeton attendu')
    .openapi({ param: { name: 'id', in: 'path' } }),
});
export const AuditQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({ param: { name: 'offset', in: 'query' } }),
});
