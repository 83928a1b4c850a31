// Undo from another server: what a remote actor may take back is only its own
// follow, block, favourite or reblog, found in our records under that actor.
// findUndoable checks (outside any transaction, the inbox's first step);
// undoInteraction removes what was found (in the inbox's transaction).
import type { DomainContext } from "../context";
import { unblock } from "../blocks/blocks";
import { unfollow } from "../follows/follows";
import { findStatusByUri, removeRemoteReblog } from "../statuses/remote";
import { removeStatusRow, type Status } from "../statuses/local";
import { removeFavouriteRow, type Favourite } from "./local";
import { findBlockByUri } from "../blocks/remote";
import { findFollowByUri, findFollowRequestByUri } from "../follows/remote";
import { findFavourite, findReblog } from "./remote";

/** What an Undo names: the undone activity as embedded (its type and what it pointed at), or only its id. */
export type UndoneActivity =
  | { type: "follow"; targetId: string }
  | { type: "block"; targetId: string }
  | { type: "like"; uri: string | null; statusUri: string | null }
  | { type: "announce"; uri: string | null; statusUri: string | null }
  | { type: "id"; uri: string };

/** Something of `actorId`'s that an Undo removes. */
export type Undoable =
  | { kind: "follow"; actorId: string; targetId: string }
  | { kind: "block"; actorId: string; targetId: string }
  | { kind: "favourite"; actorId: string; favourite: Favourite }
  | { kind: "reblog-by-uri"; actorId: string; uri: string }
  | { kind: "reblog"; actorId: string; reblog: Status };

/** What of the remote actor `actorId`'s the undone activity names, or null when we have nothing of theirs under it. */
export async function findUndoable(ctx: DomainContext, actorId: string, undone: UndoneActivity): Promise<Undoable | null> {
  switch (undone.type) {
    case "follow":
    case "block":
      return { kind: undone.type, actorId, targetId: undone.targetId };
    case "like": {
      const status = undone.statusUri ? await findStatusByUri(ctx, undone.statusUri) : undefined;
      const favourite = await findFavourite(ctx, actorId, { uri: undone.uri ?? undefined, statusId: status?.id });
      return favourite ? { kind: "favourite", actorId, favourite } : null;
    }
    case "announce": {
      if (undone.uri) {
        const byUri = await findStatusByUri(ctx, undone.uri);
        if (byUri && byUri.accountId === actorId && byUri.reblogOfId) return { kind: "reblog-by-uri", actorId, uri: undone.uri };
      }
      const original = undone.statusUri ? await findStatusByUri(ctx, undone.statusUri) : undefined;
      const reblog = original ? await findReblog(ctx, actorId, original.id) : undefined;
      return reblog ? { kind: "reblog", actorId, reblog } : null;
    }
    case "id":
      return undoableById(ctx, actorId, undone.uri);
  }
}

/** An Undo naming only the undone activity's id: whatever of the actor's carries it. */
async function undoableById(ctx: DomainContext, actorId: string, uri: string): Promise<Undoable | null> {
  const follow = (await findFollowByUri(ctx, uri)) ?? (await findFollowRequestByUri(ctx, uri));
  if (follow && follow.accountId === actorId) return { kind: "follow", actorId, targetId: follow.targetAccountId };
  const block = await findBlockByUri(ctx, uri);
  if (block && block.accountId === actorId) return { kind: "block", actorId, targetId: block.targetAccountId };
  const favourite = await findFavourite(ctx, actorId, { uri });
  if (favourite) return { kind: "favourite", actorId, favourite };
  const reblog = await findStatusByUri(ctx, uri);
  if (reblog && reblog.accountId === actorId && reblog.reblogOfId) return { kind: "reblog-by-uri", actorId, uri };
  return null;
}

/** Removes what findUndoable found. */
export async function undoInteraction(ctx: DomainContext, undoable: Undoable): Promise<void> {
  switch (undoable.kind) {
    case "follow":
      return unfollow(ctx, undoable.actorId, undoable.targetId);
    case "block":
      return unblock(ctx, undoable.actorId, undoable.targetId);
    case "favourite":
      return removeFavouriteRow(ctx, undoable.favourite);
    case "reblog-by-uri":
      await removeRemoteReblog(ctx, undoable.actorId, undoable.uri);
      return;
    case "reblog":
      return removeStatusRow(ctx, undoable.reblog);
  }
}
