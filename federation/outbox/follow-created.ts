// follow.created: a remote account now follows a resident (auto-accepted, or
// approved): Accept(Follow), named after the follows row.
import { accountById } from "../../server/domain/accounts";
import type { DomainEvents } from "../../server/events";
import { acceptFollow } from "../to-activitypub/activities";
import type { OutboxContext } from "./context";
import { isLocal, isRemote } from "./recipients";

export async function onFollowCreated(o: OutboxContext, e: DomainEvents["follow.created"]): Promise<void> {
  const d = o.services.domain;
  const [follower, target] = await Promise.all([accountById(d, e.accountId), accountById(d, e.targetAccountId)]);
  if (!isRemote(follower) || !isLocal(target)) return;
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(target.username);
  await o.send(ctx, target.username, [follower], acceptFollow(actorUri, follower.uri, e.uri, e.followId));
}
