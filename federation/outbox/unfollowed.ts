// follow.removed and follow_request.cancelled: a resident stops following (or
// withdraws a request to) a remote account: Undo(Follow), the Follow named by
// its stored id (or, for rows from before ids were stored, a keyed one).
import { accountById } from "../../server/domain/accounts";
import type { DomainEvents } from "../../server/events";
import { undoFollow } from "../to-activitypub/activities";
import { keyedIdPart } from "../to-activitypub/ids";
import type { OutboxContext } from "./context";
import { isLocal, isRemote } from "./recipients";

export function onFollowRemoved(o: OutboxContext, e: DomainEvents["follow.removed"]): Promise<void> {
  return unfollowed(o, e.accountId, e.targetAccountId, e.uri, `follows/${e.followId}`);
}

export function onFollowRequestCancelled(o: OutboxContext, e: DomainEvents["follow_request.cancelled"]): Promise<void> {
  return unfollowed(o, e.accountId, e.targetAccountId, e.uri, `follow-requests/${e.requestId}`);
}

async function unfollowed(o: OutboxContext, followerId: string, targetId: string, followUri: string | null, fallbackKey: string): Promise<void> {
  const d = o.services.domain;
  const [follower, target] = await Promise.all([accountById(d, followerId), accountById(d, targetId)]);
  if (!isLocal(follower) || !isRemote(target)) return;
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(follower.username);
  const followId = followUri ? new URL(followUri) : new URL(`${actorUri.href}#${fallbackKey}/${keyedIdPart(o.services.config.secret, fallbackKey)}`);
  await o.send(ctx, follower.username, [target], undoFollow(actorUri, followId, target.uri));
}
