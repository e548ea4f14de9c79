// Live-HLS rules on top of HTTP caching (filled in by the HLS-aware step).
import type { ContentPolicy, EdgeContext } from '../proxy/context.ts';

export function createHlsPolicy(_ctx: EdgeContext): ContentPolicy {
  return {
    onStore() {},
    onRevalidated() {},
    forcesLifetime: () => false,
  };
}
