// group.status.updated: a post in one of our groups was edited; the group
// announces the Update (FEP-1b12). A resident's Update carries the Note; a
// remote author's names it by id (receivers fetch the edited post from its
// origin), or, in a members-only group, is the Update its author signed,
// embedded as received (ADR 0024).
import { Update } from "@fedify/vocab";
import { signedGroupActivity } from "../../server/domain/group-posts";
import { statusForFederation } from "../../server/domain/statuses";
import type { DomainEvents } from "../../server/events";
import { statusToUpdate } from "../to-activitypub/activities";
import { groupAnnounce, groupUrls } from "../to-activitypub/group";
import { randomIdPart } from "../to-activitypub/ids";
import { federatedStatus } from "../to-activitypub/note";
import type { OutboxContext } from "./context";
import { localGroupOf, sendAsGroup, sendSignedAsGroup } from "./group-send";

export async function onGroupStatusUpdated(o: OutboxContext, e: DomainEvents["group.status.updated"]): Promise<void> {
  const loaded = await localGroupOf(o, e.groupId);
  if (!loaded) return;
  const data = await statusForFederation(o.services.domain, e.statusId);
  if (!data || data.reblogOf) return;
  const ctx = o.federation.context();
  const signed = data.author.domain !== null && loaded.group.visibility === "members" ? await signedGroupActivity(o.services.domain, e.statusId, "Update") : null;
  if (signed) {
    await sendSignedAsGroup(o, ctx, loaded, signed, data.status.uri);
    return;
  }
  const update =
    data.author.domain === null
      ? statusToUpdate(federatedStatus(data, o.origin, o.services.config.domain), o.author(ctx, data.author.username), o.tagUrl)
      : new Update({
          id: new URL(`${groupUrls(o.origin, loaded).actor.href}/updates/${randomIdPart()}`),
          actor: new URL(data.author.uri),
          object: new URL(data.status.uri),
        });
  await sendAsGroup(o, ctx, loaded, groupAnnounce(o.origin, loaded, update), undefined, data.status.uri);
}
