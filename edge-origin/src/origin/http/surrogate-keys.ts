// Surrogate keys: the tags the origin puts on API responses (`Surrogate-Key`, space-separated)
// so that after a write it can ask the edges to drop exactly what changed.
//
//   catalog            every aggregate (home, channels, channel pages, schedule, search, lists)
//   event-<id>         one event's detail     replay-<id>, highlight-<id>: likewise
//   channel-<id>       everything about one channel (its page and its items' details)
//
// A write purges `catalog` and the keys of the records it touched: with a few lives a week,
// recomputing every aggregate is cheaper than working out which ones a change affects.

export const SURROGATE_KEY_HEADER = 'Surrogate-Key';

export const surrogateKeys = {
  catalog: 'catalog',
  channel: (id: string) => `channel-${id}`,
  event: (id: string) => `event-${id}`,
  replay: (id: string) => `replay-${id}`,
  highlight: (id: string) => `highlight-${id}`,
};

export function surrogateKeyHeader(keys: Iterable<string>): string {
  return [...new Set(keys)].join(' ');
}
