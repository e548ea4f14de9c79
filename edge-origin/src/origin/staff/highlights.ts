// Highlights ("résumés"): cut from a replay (`POST /staff/highlights`), in and out in seconds
// rounded to whole segments (recordings/cuts.ts): a VOD playlist over existing segments. Edited
// (`PATCH /staff/highlights/<id>`: title, in, out — a new in or out re-cuts it from its replay, and
// the edges drop its old playlists) and taken down (`DELETE`: it leaves the TVs' lists; nothing of
// the media is deleted).
import { vodPaths } from '../../../../shared/hls/paths.ts';
import { HighlightSchema, json } from '../catalog/api-schemas.ts';
import { publicHighlight } from '../catalog/record-catalog.ts';
import { StaffError } from '../http/api-errors.ts';
import { newId } from '../http/ids.ts';
import { surrogateKeys } from '../http/surrogate-keys.ts';
import { clipOf, cutDuration, cutStream, wholeAssetCut } from '../recordings/cuts.ts';
import type { StoredHighlight, StoredReplay } from '../store/records.ts';
import { created, removed, replaced, together, unchanged } from './changes.ts';
import { checkImage, found } from './references.ts';
import type { StaffDeps, StaffRouter } from './routing.ts';
import { HighlightCreateSchema, HighlightPatchSchema, IdParam } from './schemas.ts';

/** [in, out) of `replay`, rounded to its segments: the clip's media range, its kept times and duration. */
function cutFrom(
  deps: StaffDeps,
  replay: StoredReplay,
  inSec: number,
  outSec: number,
): Pick<StoredHighlight, 'cut' | 'inPoint' | 'outPoint' | 'duration'> {
  // A published replay is a cut of a live; a seeded one is a whole generated asset.
  const assetStream = deps.library.vod(replay.id);
  const source = replay.cut ?? (assetStream ? wholeAssetCut(replay.id, assetStream) : undefined);
  const stream = source && cutStream(source, deps.library);
  if (!source || !stream)
    throw new StaffError(409, 'no_media', `Le replay « ${replay.id} » n’a pas de média à découper`);
  if (outSec > replay.duration + 1e-6)
    throw new StaffError(
      400,
      'invalid_request',
      `La sortie (${outSec} s) dépasse la durée du replay (${replay.duration} s)`,
      'out',
    );
  const clip = clipOf(source, stream, inSec, outSec, deps.live);
  if (!clip) throw new StaffError(400, 'invalid_request', 'Extrait vide', 'out');
  return {
    cut: clip.cut,
    inPoint: clip.inPoint,
    outPoint: clip.outPoint,
    duration: cutDuration(clip.cut, stream, deps.live),
  };
}

export function highlightRoutes(router: StaffRouter): void {
  const { deps } = router;
  const { store, now } = deps;

  router.write(
    'editor',
    'highlight.create',
    {
      method: 'post',
      path: '/highlights',
      summary: 'Couper un résumé dans un replay (entrée/sortie en secondes, arrondies aux segments de 2 s)',
      request: { json: HighlightCreateSchema },
      responses: { 201: json(HighlightSchema, 'Publié') },
    },
    async ({ json: input }) => {
      const replay = await store.get('replays', input.replayId);
      if (!replay) throw new StaffError(400, 'unknown_replay', `Replay inconnu : « ${input.replayId} »`, 'replayId');
      await checkImage(deps, input.poster, 'poster');
      const id = newId(input.title, 'clip');
      const highlight: StoredHighlight = {
        id,
        replayId: replay.id,
        channelId: replay.channelId,
        title: input.title,
        poster: input.poster ?? replay.poster,
        publishedAt: new Date(now()).toISOString(),
        playbackUrl: vodPaths.master(id),
        ...cutFrom(deps, replay, input.in, input.out),
      };
      return {
        // The clip is cut from the replay as read: an edit of it meanwhile refuses the cut.
        change: together(unchanged('replays', replay.id, replay), created('highlights', id, highlight)),
        purge: [surrogateKeys.highlight(id), surrogateKeys.replay(replay.id)],
        status: 201,
        body: publicHighlight(highlight),
        target: { kind: 'highlight', id },
      };
    },
  );

  router.write(
    'editor',
    'highlight.edit',
    {
      method: 'patch',
      path: '/highlights/{id}',
      summary:
        'Modifier un résumé : titre, entrée et sortie (secondes depuis le début du replay ; une nouvelle entrée ou sortie le recoupe)',
      request: { params: IdParam, json: HighlightPatchSchema },
      responses: { 200: json(HighlightSchema, 'OK') },
    },
    async ({ param, json: patch }) => {
      const before = await found(store, 'highlights', param.id);
      let after: StoredHighlight = { ...before, ...(patch.title ? { title: patch.title } : {}) };
      const recut = patch.in !== undefined || patch.out !== undefined;
      let replay: StoredReplay | null = null;
      if (recut) {
        replay = await store.get('replays', before.replayId);
        if (!replay)
          throw new StaffError(
            409,
            'replay_gone',
            'Le replay de ce résumé n’est plus publié : il ne peut plus être recoupé',
          );
        const inSec = patch.in ?? before.inPoint ?? 0;
        const outSec = patch.out ?? before.outPoint ?? before.duration;
        if (outSec <= inSec) throw new StaffError(400, 'invalid_request', 'La sortie doit être après l’entrée', 'out');
        if (outSec - inSec > 600)
          throw new StaffError(400, 'invalid_request', 'Un résumé dure 10 minutes au plus', 'out');
        after = { ...after, ...cutFrom(deps, replay, inSec, outSec) };
      }
      return {
        change: together(
          replaced('highlights', before.id, before, after),
          ...(replay ? [unchanged('replays', replay.id, replay)] : []),
        ),
        purge: [surrogateKeys.highlight(before.id), surrogateKeys.replay(before.replayId)],
        // Its playlists are cached for good on the edges: a new cut must replace them there.
        ...(recut ? { purgePrefixes: [vodPaths.root(before.id)] } : {}),
        status: 200,
        body: publicHighlight(after),
        target: { kind: 'highlight', id: before.id },
      };
    },
  );

  router.write(
    'editor',
    'highlight.delete',
    {
      method: 'delete',
      path: '/highlights/{id}',
      summary: 'Retirer un résumé (il quitte les listes des TV ; le média n’est pas effacé)',
      request: { params: IdParam },
      responses: { 204: { description: 'Retiré' } },
    },
    async ({ param }) => {
      const before = await found(store, 'highlights', param.id);
      return {
        change: removed('highlights', before.id, before),
        purge: [surrogateKeys.highlight(before.id), surrogateKeys.replay(before.replayId)],
        purgePrefixes: [vodPaths.root(before.id)],
        status: 204,
        body: null,
        target: { kind: 'highlight', id: before.id },
        detail: { title: before.title },
      };
    },
  );
}
