// The Node runtime's fetch for upstream requests: undici with its own connection pool, so the
// edge gets a real connect timeout (global fetch has none) and keeps connections to the origin
// alive between segments.
import { Agent, fetch as undiciFetch } from 'undici';
import { interimInterceptor } from './interim.ts';

export function nodeUpstreamFetch(connectTimeoutMs: number): { fetch: typeof fetch; close(): Promise<void> } {
  const agent = new Agent({
    connect: { timeout: connectTimeoutMs },
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
  });
  // 102 and 103 from the origin go on to the viewer who caused the fetch (interim.ts).
  const dispatcher = agent.compose(interimInterceptor());
  const fetchWithAgent = (input: RequestInfo | URL, init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    }) as unknown as Promise<Response>;
  // Closed last, once the edge's responses are done or cut: a fetch still open then (an upstream
  // body that never ends) must not hold the process (agent.close() would wait for it).
  return { fetch: fetchWithAgent as typeof fetch, close: () => agent.destroy() };
}
