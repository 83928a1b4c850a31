// follow.reconfirmed: a remote server sent Follow again for a follow that
// exists (it lost our Accept): Accept(Follow) again, with a fresh id, since
// receivers drop ids they have seen.
import { randomBytes } from "node:crypto";
import { accountById } from "../../server/domain/accounts";
import type { DomainEvents } from "../../server/events";
import { acceptFollow } from "../to-activitypub/activities";
import type { OutboxContext } from "./context";
import { isLocal, isRemote } from "./recipients";

export async function onFollowReconfirmed(o: OutboxContext, e: DomainEvents["follow.reconfirmed"]): Promise<void> {
  const d = o.services.domain;
  const [follower, target] = await Promise.all([accountById(d, e.accountId), accountById(d, e.targetAccountId)]);
  if (!isRemote(follower) || !isLocal(target)) return;
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(target.username);
  await o.send(ctx, target.username, [follower], acceptFollow(actorUri, follower.uri, e.uri, randomBytes(8).toString("hex")));
}
