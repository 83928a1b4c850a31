// block.created and block.removed: a resident blocks (or unblocks) a remote
// account: Block, or Undo(Block), to it.
import { accountById } from "../../server/domain/accounts";
import type { DomainEvents } from "../../server/events";
import { blockActivity } from "../to-activitypub/activities";
import { blockActivityId } from "../to-activitypub/ids";
import type { OutboxContext } from "./context";
import { isLocal, isRemote } from "./recipients";

export function onBlocked(o: OutboxContext, e: DomainEvents["block.created"]): Promise<void> {
  return blocked(o, e.accountId, e.targetAccountId, e.blockId, false);
}

export function onUnblocked(o: OutboxContext, e: DomainEvents["block.removed"]): Promise<void> {
  return blocked(o, e.accountId, e.targetAccountId, e.blockId, true, e.uri);
}

async function blocked(o: OutboxContext, blockerId: string, targetId: string, blockId: string, undo: boolean, uri: string | null = null): Promise<void> {
  const d = o.services.domain;
  const [blocker, target] = await Promise.all([accountById(d, blockerId), accountById(d, targetId)]);
  if (!isLocal(blocker) || !isRemote(target)) return;
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(blocker.username);
  const id = uri ? new URL(uri) : blockActivityId(actorUri, blockId, o.services.config.secret);
  await o.send(ctx, blocker.username, [target], blockActivity(id, actorUri, target.uri, undo));
}
