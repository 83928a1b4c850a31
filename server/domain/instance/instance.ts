// Figures about this instance, for its description and NodeInfo.
import { and, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import { accessTokens, accounts, statuses, users } from "../../db/schema";
import type { DomainContext } from "../context";
import { rowsOf } from "../../db/rows";

export interface InstanceUsage {
  users: number;
  activeMonth: number;
  activeHalfyear: number;
  localPosts: number;
  domains: number;
}

export async function instanceUsage(ctx: DomainContext): Promise<InstanceUsage> {
  const activeSince = (days: number) =>
    ctx.db
      .select({ n: sql<number>`count(distinct ${accessTokens.userId})::int` })
      .from(accessTokens)
      .where(and(isNotNull(accessTokens.lastUsedAt), gt(accessTokens.lastUsedAt, new Date(Date.now() - days * 86400_000))));
  const [[u], [m], [h], [p], [d]] = await Promise.all([
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(users).where(eq(users.approved, true)),
    activeSince(30),
    activeSince(180),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(statuses).where(and(eq(statuses.local, true), isNull(statuses.reblogOfId))),
    ctx.db.select({ n: sql<number>`count(distinct ${accounts.domain})::int` }).from(accounts).where(isNotNull(accounts.domain)),
  ]);
  return { users: u?.n ?? 0, activeMonth: m?.n ?? 0, activeHalfyear: h?.n ?? 0, localPosts: p?.n ?? 0, domains: d?.n ?? 0 };
}

/** The first admin, shown as the instance's contact. */
export async function contactAccount(ctx: DomainContext) {
  const [row] = await ctx.db
    .select({ account: accounts })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(and(eq(users.role, "admin"), isNull(accounts.suspendedAt)))
    .orderBy(users.id)
    .limit(1);
  return row?.account ?? null;
}

/** Domains this instance knows accounts from (GET /api/v1/instance/peers). */
export async function knownPeers(ctx: DomainContext): Promise<string[]> {
  const rows = await ctx.db
    .selectDistinct({ domain: accounts.domain })
    .from(accounts)
    .where(and(isNotNull(accounts.domain), isNull(accounts.suspendedAt)))
    .orderBy(accounts.domain);
  return rows.map((r) => r.domain!);
}

export interface WeekActivity {
  week: Date;
  statuses: number;
  logins: number;
  registrations: number;
}

/**
 * The last twelve weeks (the current one first, weeks starting on Monday 00:00 UTC):
 * local posts, residents whose token was last used that week, new residents.
 * "logins" is a lower bound: a token only remembers its last use.
 */
export async function weeklyActivity(ctx: DomainContext, weeks = 12): Promise<WeekActivity[]> {
  const result = await ctx.db.execute(sql`
    with w as (select generate_series(date_trunc('week', now() at time zone 'UTC') - interval '1 week' * ${weeks - 1},
                                      date_trunc('week', now() at time zone 'UTC'), interval '1 week') as start)
    select extract(epoch from w.start)::bigint::text as week,
      (select count(*) from ${statuses} s where s.local and s.reblog_of_id is null
         and s.created_at >= w.start at time zone 'UTC' and s.created_at < (w.start + interval '1 week') at time zone 'UTC')::int as statuses,
      (select count(distinct t.user_id) from ${accessTokens} t where t.user_id is not null
         and t.last_used_at >= w.start at time zone 'UTC' and t.last_used_at < (w.start + interval '1 week') at time zone 'UTC')::int as logins,
      (select count(*) from ${users} u where u.approved
         and u.created_at >= w.start at time zone 'UTC' and u.created_at < (w.start + interval '1 week') at time zone 'UTC')::int as registrations
    from w order by w.start desc`);
  return rowsOf<{ week: string; statuses: number; logins: number; registrations: number }>(result).map((r) => ({
    week: new Date(Number(r.week) * 1000),
    statuses: Number(r.statuses),
    logins: Number(r.logins),
    registrations: Number(r.registrations),
  }));
}
