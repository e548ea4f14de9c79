// One load-generator process of the LL-HLS player simulation: its options come as JSON in argv,
// its raw samples go back as one JSON line on stdout (ll-player-sim.ts merges them).
import { runLlPlayers } from './ll-players.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  serverUrl: string;
  epochMs: number;
  players: number;
  durationMs: number;
};
const slice = await runLlPlayers(
  options.serverUrl,
  { epochMs: options.epochMs },
  { players: options.players, durationMs: options.durationMs },
);
process.stdout.write(`${JSON.stringify(slice)}\n`);
