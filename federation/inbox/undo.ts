// Undo(Follow | Like | Announce | Block): the undone activity must be the
// Undo's actor's own. Given embedded or by id; either way what is removed is
// found in our records under that actor.
import { Announce, Block, Follow, Like, EmojiReact, type Undo } from "@fedify/vocab";
import { findAccountByUri } from "../../server/domain/accounts";
import { findUndoable, undoInteraction, type UndoneActivity } from "../../server/domain/interactions";
import { embeddedObject, localAccountFor } from "../from-activitypub/lookup";
import type { InboxHandler } from "./types";
import { groupLeaveOf } from "./group-undo-follow";

export const onUndo: InboxHandler<Undo> = async (ctx, activity) => {
  const actorId = activity.actorId!;
  const objectId = activity.objectId;
  if (!objectId) return null;
  const d = ctx.data.domain;
  const actor = await findAccountByUri(d, actorId.href);
  if (!actor || actor.domain === null) return null;
  // leaving one of our groups (group-undo-follow.ts)
  const left = await groupLeaveOf(ctx, activity, actor);
  if (left) return left;
  const undone = await undoneActivityOf(ctx, activity, objectId);
  if (!undone) return null;
  // the domain finds what is the actor's own under it, or nothing
  const undoable = await findUndoable(d, actor.id, undone);
  return undoable ? async (tx) => undoInteraction(tx, undoable) : null;
};

/** The undone activity as the domain names it: embedded (and the actor's own), or only its id. */
async function undoneActivityOf(ctx: Parameters<InboxHandler<Undo>>[0], activity: Undo, objectId: URL): Promise<UndoneActivity | null> {
  const inner = await embeddedObject(ctx, activity);
  if (!inner) return { type: "id", uri: objectId.href };
  // the undone activity must be the actor's own
  if (!("actorId" in inner) || (inner as Follow).actorId?.href !== activity.actorId!.href) return null;
  if (inner instanceof Follow || inner instanceof Block) {
    const target = await localAccountFor(ctx, inner.objectId);
    return target ? { type: inner instanceof Follow ? "follow" : "block", targetId: target.id } : null;
  }
  if (inner instanceof Like || inner instanceof EmojiReact) {
    return { type: "like", uri: inner.id?.href ?? null, statusUri: inner.objectId?.href ?? null };
  }
  if (inner instanceof Announce) return { type: "announce", uri: inner.id?.href ?? null, statusUri: inner.objectId?.href ?? null };
  return null;
}
