// group.join.refused: a remote actor's Follow of one of our groups is answered
// Reject by the group: a banned actor, a request a moderator refused, or a member
// the group's moderators removed or banned (as Mastodon's "remove follower" does:
// the member's server then drops the membership, inbox/reject.ts on a Parvis).
import { getAccount } from "../../server/domain/accounts";
import type { DomainEvents } from "../../server/events";
import { groupUrls, rejectGroupFollow } from "../to-activitypub/group";
import type { OutboxContext } from "./context";
import { localGroupOf, sendAsGroup } from "./group-send";

export async function onGroupJoinRefused(o: OutboxContext, e: DomainEvents["group.join.refused"]): Promise<void> {
  const loaded = await localGroupOf(o, e.groupId);
  if (!loaded) return;
  const member = await getAccount(o.services.domain, e.accountId).catch(() => null);
  if (!member || member.domain === null) return;
  const activity = rejectGroupFollow(groupUrls(o.origin, loaded).actor, member.uri, e.uri);
  await sendAsGroup(o, o.federation.context(), loaded, activity, [member]);
}
