// Follow of one of our groups (FEP-1b12): a remote actor joins it. The groups
// concept decides (joinGroupFromRemote): an open group accepts at once, an
// approval group keeps a join request until a moderator decides, a banned
// actor is refused; the outbox answers Accept or Reject from the group on the
// events it raises. The Follow is taken as acceptance of the charter version
// the group's actor shows (docs/federation.md). Called by follow.ts.
import type { Follow } from "@fedify/vocab";
import { joinGroupFromRemote, type LoadedGroup } from "../../server/domain/groups";
import { remoteActorOf } from "../from-activitypub/lookup";
import { ignore, type Effects, type Ignored, type InboxHandler } from "./types";

export async function onGroupFollow(ctx: Parameters<InboxHandler<Follow>>[0], activity: Follow, group: LoadedGroup): Promise<Effects | Ignored | null> {
  if (!activity.id) return ignore("Follow without an id");
  const member = await remoteActorOf(ctx, activity);
  if (!member) return null;
  const uri = activity.id.href;
  const groupId = group.account.id;
  return async (tx) => {
    await joinGroupFromRemote(tx, member, groupId, uri);
  };
}
