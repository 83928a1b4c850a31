// Which residents other servers may see: the rule behind the actor documents,
// WebFinger, the collections and every activity sent on a resident's behalf.
import { and, eq, isNull, sql } from "drizzle-orm";
import { accounts, users } from "../../db/schema";
import type { DomainContext } from "../context";
import type { Account } from "./local";

/**
 * A resident who may appear to other servers: local, approved, not disabled,
 * not suspended. Exact username match: the actor URL is canonical.
 */
export async function findPublicResident(ctx: Pick<DomainContext, "db">, username: string): Promise<Account | null> {
  const [row] = await ctx.db
    .select({ account: accounts })
    .from(accounts)
    .innerJoin(users, eq(users.accountId, accounts.id))
    .where(
      and(
        isNull(accounts.domain),
        eq(accounts.username, username),
        eq(users.approved, true),
        isNull(users.disabledAt),
        isNull(accounts.suspendedAt),
      ),
    )
    .limit(1);
  return row?.account ?? null;
}

/** WebFinger handles are case-insensitive: acct:Alice@… finds alice. Returns the canonical username. */
export async function residentUsernameForHandle(ctx: Pick<DomainContext, "db">, handle: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ username: accounts.username })
    .from(accounts)
    .where(and(isNull(accounts.domain), sql`lower(${accounts.username}) = ${handle.toLowerCase()}`))
    .limit(1);
  return row?.username ?? null;
}
