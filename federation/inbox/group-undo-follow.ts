// Undo(Follow) of one of our groups: the remote member leaves it (or withdraws
// its join request). The Follow is given embedded (the actor's own, naming the
// group) or by its id (matched to the membership it created). Called by undo.ts.
import { Follow, type Undo } from "@fedify/vocab";
import type { Account } from "../../server/domain/accounts";
import { findLocalGroup, leaveGroup, membershipOfFollow } from "../../server/domain/groups";
import { embeddedObject, localAccountFor } from "../from-activitypub/lookup";
import type { Effects, InboxHandler } from "./types";

/** The effects of leaving, when the undone Follow was of one of our groups; null otherwise. */
export async function groupLeaveOf(ctx: Parameters<InboxHandler<Undo>>[0], activity: Undo, actor: Account): Promise<Effects | null> {
  const d = ctx.data.domain;
  const inner = await embeddedObject(ctx, activity);
  let groupId: string | null = null;
  if (inner instanceof Follow) {
    if (inner.actorId?.href !== actor.uri) return null;
    const target = await localAccountFor(ctx, inner.objectId);
    if (target?.actorType === "Group" && (await findLocalGroup(d, target.id))) groupId = target.id;
  }
  if (!groupId && activity.objectId) groupId = (await membershipOfFollow(d, actor.id, activity.objectId.href))?.groupId ?? null;
  if (!groupId) return null;
  const id = groupId;
  return async (tx) => {
    await leaveGroup(tx, actor.id, id);
  };
}
