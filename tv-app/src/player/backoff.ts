// Full jitter: a retry waits a random time between 0 and its capped exponential delay, not the
// delay itself. After an outage every TV fails at the same moment; with fixed 1, 2, 4, 8 s they
// would all come back at the same instants (10,000 requests in the same millisecond, the edge
// down again). Drawn uniformly, they arrive spread over each whole interval, and the mean wait
// halves. ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015.)

/** A delay drawn uniformly in [0, capMs] (ms, whole); `random` in [0, 1), injectable for tests. */
export function fullJitter(capMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.max(0, capMs));
}
