// Move: an actor says it moved to another account. Recorded only when the
// target, fetched fresh from its own server, lists the mover in alsoKnownAs.
import type { Move } from "@fedify/vocab";
import { recordMove } from "../../server/domain/accounts";
import { remoteActorOf } from "../from-activitypub/lookup";
import { resolveActor } from "../resolve";
import type { InboxHandler } from "./types";

export const onMove: InboxHandler<Move> = async (ctx, activity) => {
  const actorId = activity.actorId;
  const targetId = activity.targetId;
  // an actor moves itself only
  if (!actorId || activity.objectId?.href !== actorId.href || !targetId || targetId.href === actorId.href) return null;
  const mover = await remoteActorOf(ctx, activity);
  if (!mover) return null;
  const target = await resolveActor(ctx, targetId, { refresh: true });
  if (!target || target.uri !== targetId.href || !target.alsoKnownAs.includes(actorId.href)) {
    ctx.data.logger.info({ actor: actorId.href, target: targetId.href }, "inbox: Move without a matching alsoKnownAs; ignored");
    return null;
  }
  const uri = activity.id?.href ?? null;
  return async (d) => {
    await recordMove(d, mover.id, target.uri, uri);
  };
};
