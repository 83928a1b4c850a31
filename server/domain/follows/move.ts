// An account moves to another (Mastodon's Move): the old one points at the
// new, and its followers on this instance follow the new account instead
// (a follow request when the new account is remote or locked, as the API
// would make). Used for a resident who leaves and, by the inbox, for a
// followed remote account that announces a Move; both check that the new
// account lists the old one among its aliases (alsoKnownAs) first.
import { and, eq, isNull } from "drizzle-orm";
import { accounts, follows } from "../../db/schema";
import { DomainError, Invalid } from "../../errors";
import type { DomainContext } from "../context";
import { follow, unfollow } from "./follows";
import { getAccount } from "../accounts/local";

export interface MoveOutcome {
  /** local followers now following (or asking to follow) the new account */
  moved: string[];
  /** local followers who could not follow it (blocked, suspended…): they keep following the old one */
  kept: string[];
}

export async function moveAccount(ctx: DomainContext, input: { accountId: string; targetAccountId: string }): Promise<MoveOutcome> {
  const account = await getAccount(ctx, input.accountId);
  const target = await getAccount(ctx, input.targetAccountId);
  if (account.id === target.id) throw new Invalid("An account cannot move to itself");
  if (target.suspendedAt) throw new Invalid("The new account is not available");
  if (!target.alsoKnownAs.includes(account.uri)) throw new Invalid("The new account must list this one among its aliases (alsoKnownAs)");
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
