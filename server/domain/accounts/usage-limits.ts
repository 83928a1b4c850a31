// Per-account usage limits (posts, uploads, follows) in fixed windows, as
// Mastodon's rate limiter counts them. The counter lives in the database, so
// that every web process shares it and a restart does not reset it.
import { lt, sql } from "drizzle-orm";
import type { RateLimitFamily } from "../../config";
import { rateLimitCounters } from "../../db/schema";
import { TooManyRequests } from "../../errors";
import type { DomainContext } from "../context";
import { rowsOf } from "../../db/rows";

export interface Usage {
  limit: number;
  remaining: number;
  /** when the current window ends */
  resetAt: Date;
}

export class RateLimited extends TooManyRequests {
  readonly usage: Usage;

  constructor(usage: Usage) {
    super("Too many requests");
    this.usage = usage;
  }
}

/** Counts one use of `family` by the account; throws RateLimited past the limit. */
export async function spend(ctx: DomainContext, family: RateLimitFamily, accountId: string, now = Date.now()): Promise<Usage> {
  const { limit, periodMs } = ctx.config.rateLimits[family];
  const windowStart = new Date(Math.floor(now / periodMs) * periodMs);
  const result = await ctx.db.execute(sql`
    insert into ${rateLimitCounters} (key, window_start, hits) values (${`${family}:${accountId}`}, ${windowStart.toISOString()}, 1)
    on conflict (key) do update set
      hits = case when ${rateLimitCounters.windowStart} = excluded.window_start then ${rateLimitCounters.hits} + 1 else 1 end,
      window_start = excluded.window_start
    returning hits`);
  const hits = Number(rowsOf<{ hits: number }>(result)[0]?.hits ?? 1);
  const usage = { limit, remaining: Math.max(limit - hits, 0), resetAt: new Date(windowStart.getTime() + periodMs) };
  if (hits > limit) throw new RateLimited(usage);
  return usage;
}

/** Forgets counters whose window ended (the periodic clean-up). */
export async function forgetOldCounters(ctx: DomainContext, now = Date.now()): Promise<number> {
  const longest = Math.max(...Object.values(ctx.config.rateLimits).map((r) => r.periodMs));
  const rows = await ctx.db
    .delete(rateLimitCounters)
    .where(lt(rateLimitCounters.windowStart, new Date(now - longest)))
    .returning({ key: rateLimitCounters.key });
  return rows.length;
}
