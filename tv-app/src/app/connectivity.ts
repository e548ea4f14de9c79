// Is the service reachable? Fed by the browser's online/offline events and by the
// outcome of catalog requests; the App shows a banner on drop and on recovery and,
// while offline, probes the API until it answers again.

export type Connectivity = 'online' | 'offline';

export class ConnectivityMonitor {
  private state: Connectivity = 'online';
  private readonly listeners = new Set<(state: Connectivity) => void>();

  get current(): Connectivity {
    return this.state;
  }

  /** A request (or a browser event) succeeded or failed at the network level. */
  report(reachable: boolean): void {
    const next: Connectivity = reachable ? 'online' : 'offline';
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener(next);
  }

  subscribe(listener: (state: Connectivity) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
