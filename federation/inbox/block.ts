// Block: a remote actor blocks a resident. Follows both ways end.
import type { Block } from "@fedify/vocab";
import { block } from "../../server/domain/blocks";
import { localAccountFor, remoteActorOf } from "../from-activitypub/lookup";
import type { InboxHandler } from "./types";

export const onBlock: InboxHandler<Block> = async (ctx, activity) => {
  const target = await localAccountFor(ctx, activity.objectId);
  if (!target) return null;
  const blocker = await remoteActorOf(ctx, activity);
  if (!blocker) return null;
  const uri = activity.id?.href ?? null;
  return async (d) => {
    await block(d, blocker.id, target.id, uri);
  };
};
