// An account moves to another (Mastodon's Move): the old one points at the
// new, and its followers on this instance follow the new account instead
// (a follow request when the new account is remote or locked, as the API
// would make). Used for a resident who leaves and, by the inbox, for a
// followed remote account that announces a Move; both check that the new
// account lists the old one among its aliases (alsoKnownAs) first.
import { and, eq, isNull } from "drizzle-orm";
import { accounts, follows, users } from "../../db/schema";
import { DomainError, Invalid, NotFound } from "../../errors";
import type { DomainContext } from "../context";
import { follow, unfollow } from "./follows";
import { findAccountByAcct, getAccount, type Account } from "../accounts/local";
import { findAccountByUri } from "../accounts/remote";
import { verifyPassword } from "../accounts/passwords";

export interface MoveOutcome {
  /** local followers now following (or asking to follow) the new account */
  moved: string[];
  /** local followers who could not follow it (blocked, suspended…): they keep following the old one */
  kept: string[];
}

export async function moveAccount(ctx: DomainContext, input: { accountId: string; targetAccountId: string }): Promise<MoveOutcome> {
  const account = await getAccount(ctx, input.accountId);
  const target = await getAccount(ctx, input.targetAccountId);
  if (account.id === target.id) throw new Invalid("An account cannot move to itself", { target_acct: "ERR_INVALID" });
  if (target.suspendedAt) throw new Invalid("The new account is not available", { target_acct: "ERR_UNAVAILABLE" });
  if (!target.alsoKnownAs.includes(account.uri)) throw new Invalid("The new account must list this one among its aliases (alsoKnownAs)", { target_acct: "ERR_NOT_ALIAS" });
  await ctx.db.update(accounts).set({ movedToAccountId: target.id, updatedAt: new Date() }).where(eq(accounts.id, account.id));
  const followers = await ctx.db
    .select({ follower: accounts })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.accountId))
    .where(and(eq(follows.targetAccountId, account.id), isNull(accounts.domain)));
  const outcome: MoveOutcome = { moved: [], kept: [] };
  for (const { follower } of followers) {
    if (follower.id === target.id) continue;
    try {
      await follow(ctx, follower, target);
      await unfollow(ctx, follower.id, account.id);
      outcome.moved.push(follower.id);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcome.kept.push(follower.id);
    }
  }
  ctx.events.emit("account.moved", { accountId: account.id, targetAccountId: target.id, local: account.domain === null });
  ctx.events.emit("account.updated", { accountId: account.id, local: account.domain === null });
  return outcome;
}

export interface MoveRequest {
  userId: string;
  password: string;
  /** the new account, as user@domain … */
  targetAcct?: string;
  /** … or as its ActivityPub id */
  targetUri?: string;
}

const ACCT = /^([a-z0-9_]{1,64})@([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?)$/i;

/**
 * The account a resident moves to, read fresh from its server: its aliases
 * must be today's, not those of a copy fetched before the resident added
 * the alias there.
 */
async function moveTarget(ctx: DomainContext, request: MoveRequest): Promise<Account> {
  let uri: string | null = null;
  if (request.targetAcct !== undefined) {
    const clean = request.targetAcct.trim().replace(/^@/, "");
    const m = ACCT.exec(clean);
    if (!m) throw new Invalid("Validation failed: target_acct must be an address such as name@example.org", { target_acct: "ERR_INVALID" });
    const domain = m[2].toLowerCase();
    if (domain === ctx.config.domain) return (await findAccountByAcct(ctx, clean)) ?? notFound();
    const known = (await findAccountByAcct(ctx, clean)) ?? (await ctx.resolveRemoteAccount?.(m[1], domain).catch(() => null)) ?? null;
    if (!known) notFound();
    uri = known.uri;
  } else if (request.targetUri !== undefined) {
    let url: URL;
    try {
      url = new URL(request.targetUri.trim());
    } catch {
      throw new Invalid("Validation failed: target_uri must be an http(s) URL", { target_uri: "ERR_INVALID" });
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Invalid("Validation failed: target_uri must be an http(s) URL", { target_uri: "ERR_INVALID" });
    uri = url.href;
    if (url.origin === new URL(ctx.config.origin).origin) {
      const local = await findAccountByUri(ctx, uri);
      if (!local || local.domain !== null) notFound();
      return local;
    }
  } else {
    throw new Invalid("Validation failed: target_acct or target_uri is required", { target_acct: "ERR_BLANK" });
  }
  const fresh = ctx.refreshRemoteAccount ? await ctx.refreshRemoteAccount(uri).catch(() => null) : await findAccountByUri(ctx, uri);
  if (!fresh || fresh.domain === null) notFound();
  return fresh;
}

function notFound(): never {
  throw new NotFound("No account found at this address");
}

/**
 * A resident moves to another account (here or elsewhere), which must list
 * theirs among its aliases: their password is checked, their account points
 * at the new one (movedTo), their followers here follow it, and the outbox
 * sends Move to the servers of their other followers (account.moved).
 */
export async function moveResident(ctx: DomainContext, request: MoveRequest): Promise<{ account: Account; target: Account; outcome: MoveOutcome }> {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, request.userId));
  if (!user) throw new NotFound();
  if (!(await verifyPassword(user.passwordHash, request.password))) throw new Invalid("Password is incorrect", { password: "ERR_INVALID" });
  const target = await moveTarget(ctx, request);
  const outcome = await moveAccount(ctx, { accountId: user.accountId, targetAccountId: target.id });
  return { account: await getAccount(ctx, user.accountId), target, outcome };
}
