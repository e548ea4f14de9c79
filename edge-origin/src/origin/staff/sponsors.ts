// `/staff/sponsors`: the partners, with what uses each (events, ads campaigns); add, edit, and
// delete one no longer used.
//
// `/api/v1/sponsors` (the TV's list, read by the event page for the sponsor's logo) is tagged
// `catalog`, which every write purges: that is what makes an edge drop the old list. Event details
// carry only `sponsorId`, which none of these writes changes, so no `event-<id>` key is purged.
import { z } from '@hono/zod-openapi';
import type { Sponsor } from '../../../../shared/catalog/types.ts';
import type { Campaign } from '../ads/model.ts';
import { SponsorSchema, json } from '../catalog/api-schemas.ts';
import { StaffError } from '../http/api-errors.ts';
import { newId } from '../http/ids.ts';
import type { StoredEvent } from '../store/records.ts';
import { created, removed, replaced } from './changes.ts';
import { checkImage, found } from './references.ts';
import type { StaffRouter } from './routing.ts';
import { IdParam, SponsorCreateSchema, SponsorPatchSchema } from './schemas.ts';

const SponsorUsesSchema = z.object({
  events: z.array(z.object({ id: z.string(), title: z.string() })),
  campaigns: z.array(z.object({ id: z.string(), name: z.string() })),
});
const StaffSponsorSchema = SponsorSchema.extend({ usedBy: SponsorUsesSchema }).openapi('StaffSponsor');

/** What names a sponsor: events (`sponsorId`) and ads campaigns. A sponsor in use is not deleted. */
function usesOf(id: string, events: StoredEvent[], campaigns: Campaign[]) {
  return {
    events: events.filter((e) => e.sponsorId === id).map((e) => ({ id: e.id, title: e.title })),
    campaigns: campaigns.filter((k) => k.sponsorId === id).map((k) => ({ id: k.id, name: k.name })),
  };
}

export function sponsorRoutes(router: StaffRouter): void {
  const { deps } = router;
  const { store } = deps;

  router.route(
    'editor',
    {
      method: 'get',
      path: '/sponsors',
      summary: 'Partenaires, avec ce qui les utilise (événements, campagnes)',
      responses: { 200: json(z.object({ sponsors: z.array(StaffSponsorSchema) }), 'OK') },
    },
    async (c) => {
      const [sponsors, events, campaigns] = await Promise.all([
        store.list('sponsors'),
        store.list('events'),
        store.list('campaigns'),
      ]);
      sponsors.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
      return c.json({ sponsors: sponsors.map((s) => ({ ...s, usedBy: usesOf(s.id, events, campaigns) })) }, 200);
    },
  );

  router.write(
    'editor',
    'sponsor.create',
    {
      method: 'post',
      path: '/sponsors',
      summary: 'Ajouter un partenaire',
      request: { json: SponsorCreateSchema },
      responses: { 201: json(SponsorSchema, 'Créé') },
    },
    async ({ json: input }) => {
      await checkImage(deps, input.logo, 'logo');
      const id = newId(input.name, 'sponsor');
      const sponsor: Sponsor = {
        id,
        name: input.name,
        url: input.url,
        logo: input.logo ?? '',
        ...(input.channelIds?.length ? { channelIds: input.channelIds } : {}),
      };
      return { change: created('sponsors', id, sponsor), status: 201, body: sponsor, target: { kind: 'sponsor', id } };
    },
  );

  router.write(
    'editor',
    'sponsor.edit',
    {
      method: 'patch',
      path: '/sponsors/{id}',
      summary:
        'Modifier un partenaire (nom, URL, logo, chaînes ; logo "" le retire, chaînes [] : aucune en particulier)',
      request: { params: IdParam, json: SponsorPatchSchema },
      responses: { 200: json(SponsorSchema, 'OK') },
    },
    async ({ param, json: patch }) => {
      const before = await found(store, 'sponsors', param.id);
      // The logo it already has may be a demo logo (/images/sponsors/…) the image check does not know.
      if (patch.logo !== before.logo) await checkImage(deps, patch.logo, 'logo');
      const { channelIds, ...rest } = patch;
      const after: Sponsor = { ...before, ...rest };
      if (channelIds) {
        if (channelIds.length) after.channelIds = channelIds;
        else delete after.channelIds;
      }
      return {
        change: replaced('sponsors', param.id, before, after),
        status: 200,
        body: after,
        target: { kind: 'sponsor', id: param.id },
      };
    },
  );

  router.write(
    'editor',
    'sponsor.delete',
    {
      method: 'delete',
      path: '/sponsors/{id}',
      summary: 'Supprimer un partenaire (refusé, 409, tant qu’un événement ou une campagne l’utilise)',
      request: { params: IdParam },
      responses: { 204: { description: 'Supprimé' } },
    },
    async ({ param }) => {
      const before = await found(store, 'sponsors', param.id);
      const [events, campaigns] = await Promise.all([store.list('events'), store.list('campaigns')]);
      const uses = usesOf(param.id, events, campaigns);
      const named = [
        ...uses.events.map((e) => `l’événement « ${e.title} »`),
        ...uses.campaigns.map((k) => `la campagne « ${k.name} »`),
      ];
      if (named.length) {
        const shown = named.length > 5 ? [...named.slice(0, 5), `${named.length - 5} autre(s)`] : named;
        throw new StaffError(
          409,
          'sponsor_in_use',
          `Le partenaire « ${before.name} » est encore utilisé par ${shown.join(', ')} : retirez-le-leur ou choisissez-leur un autre partenaire d’abord`,
        );
      }
      // Expecting the record as read: an edit made meanwhile makes this delete a 409, not a loss.
      return {
        change: removed('sponsors', param.id, before),
        status: 204,
        body: null,
        target: { kind: 'sponsor', id: param.id },
      };
    },
  );
}
