// Follow suggestions computed on this instance: friends of friends first, then
// residents who posted lately. Familiar followers of an account.
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { accounts, blocks, follows, mutes, suggestionDismissals, users } from "../../db/schema";
import type { Account } from "./local";
import type { DomainContext } from "../context";

export interface Suggestion {
  account: Account;
  source: "friends_of_friends" | "most_interactions";
}

/** Accounts a resident would not want suggested: themselves, followed, requested, blocked, muted, dismissed, suspended. */
function notSuggestable(viewerId: string) {
  return sql`${accounts.id} <> ${viewerId}
    and ${accounts.suspendedAt} is null
    and ${accounts.movedToAccountId} is null
    and ${accounts.discoverable}
    and not exists (select 1 from ${follows} f where f.account_id = ${viewerId} and f.target_account_id = ${accounts.id})
    and not exists (select 1 from follow_requests fr where fr.account_id = ${viewerId} and fr.target_account_id = ${accounts.id})
    and not exists (select 1 from ${blocks} b where (b.account_id = ${viewerId} and b.target_account_id = ${accounts.id}) or (b.account_id = ${accounts.id} and b.target_account_id = ${viewerId}))
    and not exists (select 1 from ${mutes} m where m.account_id = ${viewerId} and m.target_account_id = ${accounts.id})
    and not exists (select 1 from ${suggestionDismissals} d where d.account_id = ${viewerId} and d.target_account_id = ${accounts.id})`;
}

export async function suggestionsFor(ctx: DomainContext, viewerId: string, limit: number): Promise<Suggestion[]> {
  const friendsOfFriends = await ctx.db
    .select({ account: accounts, n: sql<number>`count(*)::int` })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.targetAccountId))
    .where(and(sql`${follows.accountId} in (select target_account_id from ${follows} mine where mine.account_id = ${viewerId})`, notSuggestable(viewerId)))
    .groupBy(accounts.id)
    .orderBy(desc(sql`count(*)`), desc(accounts.lastStatusAt), asc(accounts.id))
    .limit(limit);
  const out: Suggestion[] = friendsOfFriends.map((r) => ({ account: r.account, source: "friends_of_friends" }));
  if (out.length < limit) {
    const seen = out.map((s) => s.account.id);
    const active = await ctx.db
      .select({ account: accounts })
      .from(accounts)
      .innerJoin(users, eq(users.accountId, accounts.id))
      .where(
        and(
          isNull(accounts.domain),
          eq(users.approved, true),
          isNull(users.disabledAt),
          sql`${accounts.lastStatusAt} > now() - interval '30 days'`,
          notSuggestable(viewerId),
          seen.length ? sql`${accounts.id} not in (${sql.join(seen.map((id) => sql`${id}`), sql`, `)})` : undefined,
        ),
      )
      .orderBy(desc(accounts.lastStatusAt), asc(accounts.id))
      .limit(limit - out.length);
    out.push(...active.map((r) => ({ account: r.account, source: "most_interactions" as const })));
  }
  return out;
}

export async function dismissSuggestion(ctx: DomainContext, viewerId: string, targetId: string): Promise<void> {
  await ctx.db.insert(suggestionDismissals).values({ accountId: viewerId, targetAccountId: targetId }).onConflictDoNothing();
}

/** For each target, the accounts the viewer follows that follow it. */
export async function familiarFollowers(ctx: DomainContext, viewerId: string, targetIds: string[]): Promise<Map<string, Account[]>> {
  const out = new Map<string, Account[]>(targetIds.map((id) => [id, []]));
  if (targetIds.length === 0) return out;
  const rows = await ctx.db
    .select({ targetId: follows.targetAccountId, account: accounts })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.accountId))
    .where(
      and(
        inArray(follows.targetAccountId, targetIds),
        sql`${follows.accountId} in (select target_account_id from ${follows} mine where mine.account_id = ${viewerId})`,
        isNull(accounts.suspendedAt),
        sql`not exists (select 1 from ${blocks} b where b.account_id = ${viewerId} and b.target_account_id = ${accounts.id})`,
      ),
    )
    .orderBy(asc(accounts.id));
  for (const r of rows) out.get(r.targetId)?.push(r.account);
  return out;
}
