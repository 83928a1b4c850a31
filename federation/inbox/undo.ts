// Undo(Follow | Like | Announce | Block): the undone activity must be the
// Undo's actor's own. Given embedded or by id; either way what is removed is
// found in our records under that actor.
import { Announce, Block, Follow, Like, EmojiReact, type Undo } from "@fedify/vocab";
import { unblock } from "../../server/domain/blocks";
import { unfollow } from "../../server/domain/follows";
import { removeFavouriteRow } from "../../server/domain/interactions";
import { findAccountByUri } from "../../server/domain/accounts";
import { findBlockByUri } from "../../server/domain/blocks";
import { findFavourite, findReblog } from "../../server/domain/interactions";
import { findFollowByUri, findFollowRequestByUri } from "../../server/domain/follows";
import { findStatusByUri, removeRemoteReblog } from "../../server/domain/statuses";
import { removeStatusRow } from "../../server/domain/statuses";
import type { DomainContext } from "../../server/domain/context";
import { embeddedObject, localAccountFor } from "../from-activitypub/lookup";
import type { Effects, InboxHandler } from "./index";

export const onUndo: InboxHandler<Undo> = async (ctx, activity) => {
  const actorId = activity.actorId!;
  const objectId = activity.objectId;
  if (!objectId) return null;
  const d = ctx.data.domain;
  const actor = await findAccountByUri(d, actorId.href);
  if (!actor || actor.domain === null) return null;

  const inner = await embeddedObject(ctx, activity);
  if (inner) {
    // the undone activity must be the actor's own
    if (!("actorId" in inner) || (inner as Follow).actorId?.href !== actorId.href) return null;
    if (inner instanceof Follow) {
      const target = await localAccountFor(ctx, inner.objectId);
      return target ? async (tx) => unfollow(tx, actor.id, target.id) : null;
    }
    if (inner instanceof Block) {
      const target = await localAccountFor(ctx, inner.objectId);
      return target ? async (tx) => unblock(tx, actor.id, target.id) : null;
    }
    if (inner instanceof Like || inner instanceof EmojiReact) {
      const status = inner.objectId ? await findStatusByUri(d, inner.objectId.href) : undefined;
      const fav = await findFavourite(d, actor.id, { uri: inner.id?.href, statusId: status?.id });
      return fav ? async (tx) => removeFavouriteRow(tx, fav) : null;
    }
    if (inner instanceof Announce) {
      if (inner.id) {
        const byUri = await findStatusByUri(d, inner.id.href);
        if (byUri && byUri.accountId === actor.id && byUri.reblogOfId) return async (tx) => void (await removeRemoteReblog(tx, actor.id, inner.id!.href));
      }
      const original = inner.objectId ? await findStatusByUri(d, inner.objectId.href) : undefined;
      const row = original ? await findReblog(d, actor.id, original.id) : undefined;
      return row ? async (tx) => removeStatusRow(tx, row) : null;
    }
    return null;
  }
  return undoById(d, actor.id, objectId.href);
};

/** An Undo naming only the undone activity's id: whatever of the actor's carries it. */
async function undoById(d: DomainContext, actorId: string, uri: string): Promise<Effects | null> {
  const follow = (await findFollowByUri(d, uri)) ?? (await findFollowRequestByUri(d, uri));
  if (follow && follow.accountId === actorId) return async (tx) => unfollow(tx, actorId, follow.targetAccountId);
  const block = await findBlockByUri(d, uri);
  if (block && block.accountId === actorId) return async (tx) => unblock(tx, actorId, block.targetAccountId);
  const fav = await findFavourite(d, actorId, { uri });
  if (fav) return async (tx) => removeFavouriteRow(tx, fav);
  const reblogRow = await findStatusByUri(d, uri);
  if (reblogRow && reblogRow.accountId === actorId && reblogRow.reblogOfId) {
    return async (tx) => void (await removeRemoteReblog(tx, actorId, uri));
  }
  return null;
}
