// `POST /staff/highlights`: a highlight ("résumé") cut from a replay, in and out in seconds
// rounded to whole segments (recordings/cuts.ts): a VOD playlist over existing segments.
import { vodPaths } from '../../../../shared/hls/paths.ts';
import { HighlightSchema, json } from '../catalog/api-schemas.ts';
import { publicHighlight } from '../catalog/record-catalog.ts';
import { StaffError } from '../http/api-errors.ts';
import { newId } from '../http/ids.ts';
import { surrogateKeys } from '../http/surrogate-keys.ts';
import { clipOf, cutDuration, cutStream, wholeAssetCut } from '../recordings/cuts.ts';
import type { StoredHighlight } from '../store/records.ts';
import { created, together, unchanged } from './changes.ts';
import { checkImage } from './references.ts';
import type { StaffRouter } from './routing.ts';
import { HighlightCreateSchema } from './schemas.ts';

export function highlightRoutes(router: StaffRouter): void {
  const { deps } = router;
  const { store, library, now } = deps;

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
      // A published replay is a cut of a live; a seeded one is a whole generated asset.
      const assetStream = library.vod(replay.id);
      const source = replay.cut ?? (assetStream ? wholeAssetCut(replay.id, assetStream) : undefined);
      const stream = source && cutStream(source, library);
      if (!source || !stream) throw new StaffError(409, 'no_media', `Le replay « ${replay.id} » n’a pas de média à découper`);
      if (input.out > replay.duration + 1e-6) throw new StaffError(400, 'invalid_request', `La sortie (${input.out} s) dépasse la durée du replay (${replay.duration} s)`, 'out');
      const clip = clipOf(source, stream, input.in, input.out, deps.live);
      if (!clip) throw new StaffError(400, 'invalid_request', 'Extrait vide', 'out');
      const id = newId(input.title, 'clip');
      const highlight: StoredHighlight = {
        id,
        replayId: replay.id,
        channelId: replay.channelId,
        title: input.title,
        poster: input.poster ?? replay.poster,
        duration: cutDuration(clip.cut, stream, deps.live),
        publishedAt: new Date(now()).toISOString(),
        playbackUrl: vodPaths.master(id),
        inPoint: clip.inPoint,
        outPoint: clip.outPoint,
        cut: clip.cut,
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
}
