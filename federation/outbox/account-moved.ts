// account.moved: a resident moved to another account: Move (actor and
// object the old account, target the new one) to the servers of their
// followers, which make their residents follow the new account.
import { accountById } from "../../server/domain/accounts";
import type { DomainEvents } from "../../server/events";
import { moveActivity } from "../to-activitypub/activities";
import type { OutboxContext } from "./context";
import { followerTargets, isLocal } from "./recipients";

export async function onAccountMoved(o: OutboxContext, e: DomainEvents["account.moved"]): Promise<void> {
  if (!e.local) return;
  const d = o.services.domain;
  const [account, target] = await Promise.all([accountById(d, e.accountId), accountById(d, e.targetAccountId)]);
  if (!isLocal(account) || !target) return;
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(account.username);
  const targets = await followerTargets(d, account.id);
  await o.send(ctx, account.username, targets, moveActivity(actorUri, ctx.getFollowersUri(account.username), target.uri), actorUri.href);
}
