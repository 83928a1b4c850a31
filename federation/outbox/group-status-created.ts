// group.status.created: a post into one of our groups (a resident's, or a
// remote member's that the inbox stored) is announced by the group to every
// server its remote members are on, one request per server (FEP-1b12). The
// post is the Announce's object: embedded when it is ours, by id otherwise
// (receivers fetch it from its origin) — the form Mastodon, Friendica and
// Parvis read as a group's boost. A remote member's post in a members-only
// group cannot be fetched from its origin by other servers: the group embeds
// the Create its author signed instead, Announce(Create) (ADR 0024).
import type { Note } from "@fedify/vocab";
import { signedGroupActivity } from "../../server/domain/group-posts";
import { statusForFederation } from "../../server/domain/statuses";
import type { DomainEvents } from "../../server/events";
import { groupAnnounce } from "../to-activitypub/group";
import { federatedStatus, statusToNote } from "../to-activitypub/note";
import type { OutboxContext } from "./context";
import { localGroupOf, sendAsGroup, sendSignedAsGroup } from "./group-send";

export async function onGroupStatusCreated(o: OutboxContext, e: DomainEvents["group.status.created"]): Promise<void> {
  const loaded = await localGroupOf(o, e.groupId);
  if (!loaded) return;
  const data = await statusForFederation(o.services.domain, e.statusId);
  if (!data || data.reblogOf) return;
  const ctx = o.federation.context();
  const signed = data.author.domain !== null && loaded.group.visibility === "members" ? await signedGroupActivity(o.services.domain, e.statusId, "Create") : null;
  if (signed) {
    await sendSignedAsGroup(o, ctx, loaded, signed, data.status.uri);
    return;
  }
  let object: URL | Note = new URL(data.status.uri);
  if (data.author.domain === null) {
    const status = federatedStatus(data, o.origin, o.services.config.domain);
    object = statusToNote(status, o.author(ctx, data.author.username), o.tagUrl) as Note;
  }
  await sendAsGroup(o, ctx, loaded, groupAnnounce(o.origin, loaded, object), undefined, data.status.uri);
}
