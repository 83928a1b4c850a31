// group.member.accepted: a remote member's Follow of one of our groups is
// answered Accept by the group (it joined an open group, or a moderator
// approved its request).
import { getAccount } from "../../server/domain/accounts";
import type { DomainEvents } from "../../server/events";
import { acceptGroupFollow, groupUrls } from "../to-activitypub/group";
import type { OutboxContext } from "./context";
import { localGroupOf, sendAsGroup } from "./group-send";

export async function onGroupMemberAccepted(o: OutboxContext, e: DomainEvents["group.member.accepted"]): Promise<void> {
  const loaded = await localGroupOf(o, e.groupId);
  if (!loaded) return;
  const member = await getAccount(o.services.domain, e.accountId).catch(() => null);
  if (!member || member.domain === null) return;
  const activity = acceptGroupFollow(groupUrls(o.origin, loaded).actor, member.uri, e.uri);
  await sendAsGroup(o, o.federation.context(), loaded, activity, [member]);
}
