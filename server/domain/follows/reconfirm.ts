// A remote server sends Follow again for a follow that already exists (it lost
// our Accept, or restarted the follow): the follow is confirmed again, at most
// once per relationship within REPEATED_FOLLOW_WINDOW_MS (sixty Follows give
// one Accept). Federation answers the event with an Accept.
import type { Account } from "../accounts/local";
import type { DomainContext } from "../context";
import { claimAcceptResend } from "./remote";

/**
 * Publishes "follow.reconfirmed" for the existing follow of `target` by
 * `follower`, unless it was confirmed within the window. `uri` is the id of
 * the Follow received again. Returns whether it was published.
 */
export async function reconfirmFollow(ctx: DomainContext, follower: Account, target: Account, uri: string): Promise<boolean> {
  if (!(await claimAcceptResend(ctx, follower.id, target.id))) return false;
  // not journaled: a lost confirmation is asked for again by the next Follow
  ctx.events.emit("follow.reconfirmed", { accountId: follower.id, targetAccountId: target.id, uri });
  return true;
}
