// follow.requested: a resident asks to follow a remote account: Follow, whose
// id is stored to match the answer (Accept or Reject).
import { accountById } from "../../server/domain/accounts";
import { setFollowRequestUri } from "../../server/domain/follows";
import type { DomainEvents } from "../../server/events";
import { followActivity } from "../to-activitypub/activities";
import { followActivityId } from "../to-activitypub/ids";
import type { OutboxContext } from "./context";
import { isLocal, isRemote } from "./recipients";

export async function onFollowRequested(o: OutboxContext, e: DomainEvents["follow.requested"]): Promise<void> {
  const d = o.services.domain;
  const [follower, target] = await Promise.all([accountById(d, e.accountId), accountById(d, e.targetAccountId)]);
  if (!isLocal(follower) || !isRemote(target)) return;
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(follower.username);
  const id = followActivityId(actorUri, e.requestId);
  await setFollowRequestUri(d, e.requestId, id.href);
  await o.send(ctx, follower.username, [target], followActivity(id, actorUri, target.uri));
}
