// A resident's aliases (ActivityPub alsoKnownAs): the other accounts they
// declare as theirs. An account elsewhere may move here only if this one
// lists it (Mastodon checks the same before honouring a Move), and the actor
// document advertises them.
import { eq } from "drizzle-orm";
import { accounts } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import type { DomainContext } from "../context";
import { findAccountByAcct, getAccount, type Account } from "./local";
import { accountsByUris } from "./remote";

export const MAX_ALIASES = 10;

export interface Alias {
  uri: string;
  /** user@domain when the account is known here */
  acct: string | null;
}

function acctOf(ctx: DomainContext, a: Account): string {
  return `${a.username}@${a.domain ?? ctx.config.domain}`;
}

/** The ActivityPub id of the account this one moved to (movedTo), or null. */
export async function movedToUri(ctx: DomainContext, account: Account): Promise<string | null> {
  if (!account.movedToAccountId) return null;
  const [row] = await ctx.db.select({ uri: accounts.uri }).from(accounts).where(eq(accounts.id, account.movedToAccountId));
  return row?.uri ?? null;
}

export async function listAliases(ctx: DomainContext, accountId: string): Promise<Alias[]> {
  const account = await getAccount(ctx, accountId);
  const known = new Map((await accountsByUris(ctx, account.alsoKnownAs)).map((a) => [a.uri, a]));
  return account.alsoKnownAs.map((uri) => {
    const a = known.get(uri);
    return { uri, acct: a ? acctOf(ctx, a) : null };
  });
}

/** Adds the account `acct` names (fetched from its server if need be) as an alias. */
export async function addAlias(ctx: DomainContext, accountId: string, acct: string): Promise<Alias[]> {
  const clean = acct.trim().replace(/^@/, "");
  const m = /^([a-z0-9_]{1,64})@([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?)$/i.exec(clean);
  if (!m) throw new Invalid("Validation failed: acct must be an address such as name@example.org", { acct: "ERR_INVALID" });
  let target = await findAccountByAcct(ctx, clean);
  if (!target && m[2].toLowerCase() !== ctx.config.domain && ctx.resolveRemoteAccount) {
    target = (await ctx.resolveRemoteAccount(m[1], m[2].toLowerCase()).catch(() => null)) ?? undefined;
  }
  if (!target || target.suspendedAt) throw new NotFound("No account found at this address");
  if (target.id === accountId) throw new Invalid("An account cannot be its own alias", { acct: "ERR_INVALID" });
  const account = await getAccount(ctx, accountId);
  if (!account.alsoKnownAs.includes(target.uri)) {
    if (account.alsoKnownAs.length >= MAX_ALIASES) throw new Invalid(`At most ${MAX_ALIASES} aliases`, { acct: "ERR_TOO_MANY" });
    await ctx.db
      .update(accounts)
      .set({ alsoKnownAs: [...account.alsoKnownAs, target.uri], updatedAt: new Date() })
      .where(eq(accounts.id, accountId));
    ctx.events.emit("account.updated", { accountId, local: true });
  }
  return listAliases(ctx, accountId);
}

/** Removes an alias, named by its ActivityPub id or its address. */
export async function removeAlias(ctx: DomainContext, accountId: string, alias: string): Promise<Alias[]> {
  const current = await listAliases(ctx, accountId);
  const wanted = alias.trim().replace(/^@/, "").toLowerCase();
  const found = current.find((a) => a.uri === alias.trim() || a.acct?.toLowerCase() === wanted);
  if (!found) throw new NotFound("This alias is not listed");
  await ctx.db
    .update(accounts)
    .set({ alsoKnownAs: current.filter((a) => a !== found).map((a) => a.uri), updatedAt: new Date() })
    .where(eq(accounts.id, accountId));
  ctx.events.emit("account.updated", { accountId, local: true });
  return listAliases(ctx, accountId);
}
