// Figures about this instance, for its description and NodeInfo.
import { and, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import { accessTokens, accounts, statuses, users } from "../db/schema";
import type { DomainContext } from "./context";

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
