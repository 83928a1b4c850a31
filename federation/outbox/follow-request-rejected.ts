// follow_request.rejected: a resident turns down a remote account's request: Reject(Follow).
import { accountById } from "../../server/domain/accounts";
import type { DomainEvents } from "../../server/events";
import { rejectFollow } from "../to-activitypub/activities";
import type { OutboxContext } from "./context";
import { isLocal, isRemote } from "./recipients";

export async function onFollowRequestRejected(o: OutboxContext, e: DomainEvents["follow_request.rejected"]): Promise<void> {
  const d = o.services.domain;
  const [follower, target] = await Promise.all([accountById(d, e.accountId), accountById(d, e.targetAccountId)]);
  if (!isRemote(follower) || !isLocal(target)) return;
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(target.username);
  await o.send(ctx, target.username, [follower], rejectFollow(actorUri, follower.uri, e.uri, e.requestId));
}
