// Delete: a post (Note, Tombstone, or a bare id) by its author, same origin as
// the actor; or the actor deleting itself.
import type { Delete } from "@fedify/vocab";
import { deleteRemoteAccount } from "../../server/domain/account-deletion";
import { findAccountByUri } from "../../server/domain/accounts";
import { deleteRemoteStatus, findStatusByUri } from "../../server/domain/statuses";
import { sameOrigin } from "../from-activitypub/lookup";
import type { InboxHandler } from "./types";

export const onDelete: InboxHandler<Delete> = async (ctx, activity) => {
  const actorId = activity.actorId!;
  const objectId = activity.objectId;
  if (!objectId || !sameOrigin(objectId, actorId)) return null;
  const d = ctx.data.domain;
  // whether or not we keep it, a cached copy must not bring it back (a search with resolve=true)
  await d.tombstones?.remember(objectId.href);
  // the actor is gone: no refetch (it answers 410), we know it by its signed Delete
  const actor = await findAccountByUri(d, actorId.href);
  if (!actor || actor.domain === null) return null;

  if (objectId.href === actorId.href) {
    return async (tx) => {
      await deleteRemoteAccount(tx, actor.id);
    };
  }
  const status = await findStatusByUri(d, objectId.href);
  if (!status || status.local || status.accountId !== actor.id) return null;
  return async (tx) => {
    await deleteRemoteStatus(tx, actor.id, status.uri);
  };
};
