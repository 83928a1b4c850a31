// The instance's own resident account: what the instance itself publishes as
// posts (observations imported from OpenStreetMap) needs a local account with
// a profile other servers can fetch. It is not the instance actor (the
// Application that signs fetches, which has no account row): it is a bot
// account with a reserved username, created on first need, that nobody can
// log in to (its password hash is not a hash anything verifies against).
import { and, eq, isNull, sql } from "drizzle-orm";
import { accounts, users } from "../../db/schema";
import { Conflict } from "../../errors";
import { newId } from "../../ids";
import { localActorAddresses } from "../../urls";
import type { DomainContext } from "../context";

type Account = typeof accounts.$inferSelect;

/** Username of the instance's own account (reserved: no resident can register it). */
export const INSTANCE_ACCOUNT_USERNAME = "observatoire";

/** A password hash no password verifies against (not in argon2's format). */
const NO_PASSWORD = "!no-login";

/** Whether this account is the instance's own (it is no resident: the first resident is still the admin). */
export function isInstanceAccount(account: Pick<Account, "username" | "domain">): boolean {
  return account.domain === null && account.username.toLowerCase() === INSTANCE_ACCOUNT_USERNAME;
}

/** The instance's own account, created (with its login-less user row) on first need. */
export async function getInstanceAccount(ctx: DomainContext): Promise<Account> {
  const find = async () => {
    const [row] = await ctx.db
      .select({ account: accounts, passwordHash: users.passwordHash })
      .from(accounts)
      .leftJoin(users, eq(users.accountId, accounts.id))
      .where(and(sql`lower(${accounts.username}) = ${INSTANCE_ACCOUNT_USERNAME}`, isNull(accounts.domain)))
      .limit(1);
    if (!row) return undefined;
    // a resident who registered the name before it was reserved is not the instance
    if (row.passwordHash !== NO_PASSWORD) {
      throw new Conflict(`@${INSTANCE_ACCOUNT_USERNAME} is a resident's account: rename it before the instance publishes as itself`);
    }
    return row.account;
  };
  const existing = await find();
  if (existing) return existing;
  const username = INSTANCE_ACCOUNT_USERNAME;
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    // two first imports at once: the unique (username, domain) index keeps one
    const [account] = await tx
      .insert(accounts)
      .values({
        id,
        username,
        domain: null,
        displayName: ctx.config.commune.name ? `Observatoire — ${ctx.config.commune.name}`.slice(0, 100) : "Observatoire",
        bot: true,
        ...localActorAddresses(ctx.config.origin, username),
      })
      .onConflictDoNothing()
      .returning();
    if (!account) return;
    await tx.insert(users).values({ id: newId(), accountId: id, email: null, passwordHash: NO_PASSWORD, role: "resident", approved: true });
  });
  const created = await find();
  if (!created) throw new Error("The instance account could not be created");
  return created;
}

/** Whether a user other than the instance account's exists (registration: the first resident becomes admin). */
export async function residentUsersExist(db: DomainContext["db"]): Promise<boolean> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(sql`not (${accounts.domain} is null and lower(${accounts.username}) = ${INSTANCE_ACCOUNT_USERNAME})`)
    .limit(1);
  return rows.length > 0;
}

