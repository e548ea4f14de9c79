// The ads ledger: the per-viewer state ad decisions and tracking need, which must be shared by
// every origin replica — decisions (one per viewer and break, so a retry gets the same spots),
// frequency-cap counters, impressions recorded once each, and the campaign tallies reports read.
//
// Two implementations of one small interface: Redis (the deployment; every check-and-count is a
// single atomic command or Lua script, so racing replicas cannot double count) and memory (the
// embedded `npm start` without Redis). Keys (prefix `citetv:ads:`):
//   decision:<break>:<viewer>          JSON Decision, SET NX, expires with the break's relevance
//   cap:<campaign>:<viewer>            breaks served in the current cap window (INCR, EXPIRE)
//   imp:<break>:<viewer>:<creative>:<event>   1, SET NX: this impression event was counted
//   tally:<scope>                      hash event → count (scope `campaign:<id>`, `event:<id>:<campaign>`)
import { createClient } from 'redis';
import type { Decision, ImpressionEvent } from './model.ts';

export interface AdLedger {
  decision(breakId: string, viewerId: string): Promise<Decision | null>;
  /** Stores the decision unless one exists; returns the one that is stored (ours or the winner's). */
  keepDecision(decision: Decision, ttlSeconds: number): Promise<{ kept: boolean; decision: Decision }>;
  /** Counts one more serving toward the viewer's cap; false (and nothing counted) if it is reached. */
  takeCap(campaignId: string, viewerId: string, cap: { impressions: number; perHours: number }): Promise<boolean>;
  releaseCap(campaignId: string, viewerId: string): Promise<void>;
  /** Records an impression event once: true the first time, false for every duplicate. */
  recordImpression(
    key: { breakId: string; viewerId: string; creativeId: string; event: ImpressionEvent },
    tallies: string[],
  ): Promise<boolean>;
  tally(scope: string): Promise<Partial<Record<ImpressionEvent, number>>>;
  /** Whether this impression event was recorded. */
  hasImpression(key: {
    breakId: string;
    viewerId: string;
    creativeId: string;
    event: ImpressionEvent;
  }): Promise<boolean>;
  close(): Promise<void>;
}

const IMPRESSION_TTL_SECONDS = 30 * 24 * 3600;

/** SET NX the impression key; only if it was new, bump every tally hash. One atomic step. */
const IMPRESSION_SCRIPT = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  for i = 2, #KEYS do redis.call('HINCRBY', KEYS[i], ARGV[2], 1) end
  return 1
end
return 0
`;

/** INCR the cap counter (starting its window on the first serving); undo and refuse past the cap. */
const CAP_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then redis.call('DECR', KEYS[1]) return 0 end
return 1
`;

export class RedisAdLedger implements AdLedger {
  readonly #client;
  readonly #prefix: string;

  constructor(options: { url: string; prefix?: string }) {
    this.#prefix = options.prefix ?? 'citetv:ads:';
    this.#client = createClient({
      url: options.url,
      socket: { connectTimeout: 2000, reconnectStrategy: (n) => Math.min(100 * 2 ** n, 3000) },
    });
    this.#client.on('error', () => {});
    this.#client.connect().catch(() => {});
  }

  #k(name: string): string {
    return this.#prefix + name;
  }

  async decision(breakId: string, viewerId: string): Promise<Decision | null> {
    const text = await this.#client.get(this.#k(`decision:${breakId}:${viewerId}`));
    return text ? (JSON.parse(text) as Decision) : null;
  }

  async keepDecision(decision: Decision, ttlSeconds: number): Promise<{ kept: boolean; decision: Decision }> {
    const key = this.#k(`decision:${decision.breakId}:${decision.viewerId}`);
    const ok = await this.#client.set(key, JSON.stringify(decision), {
      condition: 'NX',
      expiration: { type: 'EX', value: Math.max(1, Math.ceil(ttlSeconds)) },
    });
    if (ok) return { kept: true, decision };
    return { kept: false, decision: (await this.decision(decision.breakId, decision.viewerId)) ?? decision };
  }

  async takeCap(
    campaignId: string,
    viewerId: string,
    cap: { impressions: number; perHours: number },
  ): Promise<boolean> {
    const ttl = Math.max(1, Math.round(cap.perHours * 3600));
    const r = await this.#client.eval(CAP_SCRIPT, {
      keys: [this.#k(`cap:${campaignId}:${viewerId}`)],
      arguments: [String(cap.impressions), String(ttl)],
    });
    return Number(r) === 1;
  }

  async releaseCap(campaignId: string, viewerId: string): Promise<void> {
    await this.#client.decr(this.#k(`cap:${campaignId}:${viewerId}`));
  }

  async recordImpression(
    key: { breakId: string; viewerId: string; creativeId: string; event: ImpressionEvent },
    tallies: string[],
  ): Promise<boolean> {
    const keys = [
      this.#k(`imp:${key.breakId}:${key.viewerId}:${key.creativeId}:${key.event}`),
      ...tallies.map((t) => this.#k(`tally:${t}`)),
    ];
    const r = await this.#client.eval(IMPRESSION_SCRIPT, {
      keys,
      arguments: [String(IMPRESSION_TTL_SECONDS), key.event],
    });
    return Number(r) === 1;
  }

  async hasImpression(key: {
    breakId: string;
    viewerId: string;
    creativeId: string;
    event: ImpressionEvent;
  }): Promise<boolean> {
    return (
      (await this.#client.exists(this.#k(`imp:${key.breakId}:${key.viewerId}:${key.creativeId}:${key.event}`))) === 1
    );
  }

  async tally(scope: string): Promise<Partial<Record<ImpressionEvent, number>>> {
    const hash = await this.#client.hGetAll(this.#k(`tally:${scope}`));
    return Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, Number(v)]));
  }

  async close(): Promise<void> {
    try {
      if (this.#client.isOpen) await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}

/** The same semantics in this process's memory (expiry included), for the embedded demo. */
export class MemoryAdLedger implements AdLedger {
  readonly #values = new Map<string, { value: string; expires: number }>();
  readonly #tallies = new Map<string, Map<string, number>>();
  constructor(readonly now: () => number = Date.now) {}

  #get(key: string): string | undefined {
    const v = this.#values.get(key);
    if (v && v.expires <= this.now()) this.#values.delete(key);
    return v && v.expires > this.now() ? v.value : undefined;
  }

  async decision(breakId: string, viewerId: string): Promise<Decision | null> {
    const text = this.#get(`decision:${breakId}:${viewerId}`);
    return text ? (JSON.parse(text) as Decision) : null;
  }
  async keepDecision(decision: Decision, ttlSeconds: number): Promise<{ kept: boolean; decision: Decision }> {
    const existing = await this.decision(decision.breakId, decision.viewerId);
    if (existing) return { kept: false, decision: existing };
    this.#values.set(`decision:${decision.breakId}:${decision.viewerId}`, {
      value: JSON.stringify(decision),
      expires: this.now() + ttlSeconds * 1000,
    });
    return { kept: true, decision };
  }
  async takeCap(
    campaignId: string,
    viewerId: string,
    cap: { impressions: number; perHours: number },
  ): Promise<boolean> {
    const key = `cap:${campaignId}:${viewerId}`;
    const n = Number(this.#get(key) ?? 0);
    if (n >= cap.impressions) return false;
    const expires = n === 0 ? this.now() + cap.perHours * 3600_000 : this.#values.get(key)!.expires;
    this.#values.set(key, { value: String(n + 1), expires });
    return true;
  }
  async releaseCap(campaignId: string, viewerId: string): Promise<void> {
    const key = `cap:${campaignId}:${viewerId}`;
    const entry = this.#values.get(key);
    if (entry) entry.value = String(Math.max(0, Number(entry.value) - 1));
  }
  async recordImpression(
    key: { breakId: string; viewerId: string; creativeId: string; event: ImpressionEvent },
    tallies: string[],
  ): Promise<boolean> {
    const k = `imp:${key.breakId}:${key.viewerId}:${key.creativeId}:${key.event}`;
    if (this.#get(k)) return false;
    this.#values.set(k, { value: '1', expires: this.now() + IMPRESSION_TTL_SECONDS * 1000 });
    for (const t of tallies) {
      let m = this.#tallies.get(t);
      if (!m) this.#tallies.set(t, (m = new Map()));
      m.set(key.event, (m.get(key.event) ?? 0) + 1);
    }
    return true;
  }
  async tally(scope: string): Promise<Partial<Record<ImpressionEvent, number>>> {
    return Object.fromEntries(this.#tallies.get(scope) ?? []);
  }
  async hasImpression(key: {
    breakId: string;
    viewerId: string;
    creativeId: string;
    event: ImpressionEvent;
  }): Promise<boolean> {
    return this.#get(`imp:${key.breakId}:${key.viewerId}:${key.creativeId}:${key.event}`) !== undefined;
  }
  async close(): Promise<void> {}
}
