// Move: an actor says it moved to another account. Honoured only when the
// target, fetched fresh from its own server, lists the mover in alsoKnownAs:
// the move is recorded, and the mover's followers here follow the new
// account instead (moveAccount in the follows concept; a follow request when
// the new account is remote or locked).
import type { Move } from "@fedify/vocab";
import { recordMove } from "../../server/domain/accounts";
import { moveAccount } from "../../server/domain/follows";
import { remoteActorOf } from "../from-activitypub/lookup";
import { resolveActor } from "../resolve";
import { ignore, type InboxHandler } from "./types";

export const onMove: InboxHandler<Move> = async (ctx, activity) => {
  const actorId = activity.actorId;
  const targetId = activity.targetId;
  // an actor moves itself only
  if (!actorId || activity.objectId?.href !== actorId.href || !targetId || targetId.href === actorId.href) return null;
  const mover = await remoteActorOf(ctx, activity);
  if (!mover) return null;
  const target = await resolveActor(ctx, targetId, { refresh: true });
  if (!target || target.uri !== targetId.href || !target.alsoKnownAs.includes(actorId.href)) {
    return ignore("the target does not list the mover among its aliases (alsoKnownAs)");
  }
  if (target.suspendedAt) return ignore("the target account is suspended here");
  const uri = activity.id?.href ?? null;
  return async (d) => {
    await recordMove(d, mover.id, target.uri, uri);
    await moveAccount(d, { accountId: mover.id, targetAccountId: target.id });
  };
};
