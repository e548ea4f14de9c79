// What a write names must exist: the record it changes (404), an image or a sponsor it points
// at (400, on the field that names it). Shared by the resource modules.
import type { MediaLibrary } from '../files/media-library.ts';
import { StaffError } from '../http/api-errors.ts';
import { imageStoreKey } from '../images/poster-upload.ts';
import type { RecordStore } from '../store/record-store.ts';
import type { CollectionRecords } from '../store/records.ts';
import { itemAt } from '../../../../shared/lang/item-at.ts';

const NOT_FOUND = {
  events: { code: 'event_not_found', what: 'Événement inconnu' },
  replays: { code: 'replay_not_found', what: 'Replay inconnu' },
  highlights: { code: 'highlight_not_found', what: 'Résumé inconnu' },
  sponsors: { code: 'sponsor_not_found', what: 'Partenaire inconnu' },
} as const;

/** The record the request's `{id}` names, or a 404 saying which kind is unknown. */
export async function found<C extends keyof typeof NOT_FOUND>(
  store: RecordStore,
  collection: C,
  id: string,
): Promise<CollectionRecords[C]> {
  const record = await store.get(collection, id);
  if (!record) throw new StaffError(404, NOT_FOUND[collection].code, `${NOT_FOUND[collection].what} : « ${id} »`, 'id');
  return record;
}

/** An image path given in a body: a poster uploaded before (the store) or a generated picture (the media). */
export async function checkImage(
  deps: { store: RecordStore; library: MediaLibrary },
  path: string | undefined,
  field: string,
): Promise<void> {
  if (!path) return;
  const upload = /^\/images\/uploads\/([0-9a-f]{24})\/(card|hero)\.jpg$/.exec(path);
  const exists = upload
    ? (await deps.store.getImage(imageStoreKey(itemAt(upload, 1), itemAt(upload, 2) as 'card'))) !== null
    : deps.library.imageFile(path) !== undefined;
  if (!exists)
    throw new StaffError(
      400,
      'unknown_image',
      `Image inconnue : « ${path} » (envoyez-la d’abord avec POST /api/v1/staff/posters)`,
      field,
    );
}

export async function checkSponsor(store: RecordStore, id: string | undefined): Promise<void> {
  if (id && !(await store.get('sponsors', id)))
    throw new StaffError(400, 'unknown_sponsor', `Partenaire inconnu : « ${id} »`, 'sponsorId');
}
