// status.updated: a resident edited a post: Update(Note) to where it went.
import { statusForFederation } from "../../server/domain/statuses";
import type { DomainEvents } from "../../server/events";
import { statusToUpdate } from "../to-activitypub/activities";
import { federatedStatus } from "../to-activitypub/note";
import type { OutboxContext } from "./context";
import { isLocal, statusTargets } from "./recipients";

export async function onStatusUpdated(o: OutboxContext, e: DomainEvents["status.updated"]): Promise<void> {
  if (!e.local) return;
  const d = o.services.domain;
  const data = await statusForFederation(d, e.statusId);
  if (!data || !isLocal(data.author) || data.reblogOf) return;
  const ctx = o.federation.context();
  const status = federatedStatus(data, o.origin, o.services.config.domain);
  const activity = statusToUpdate(status, o.author(ctx, data.author.username), o.tagUrl);
  const mentioned = data.mentions.filter((m) => m.domain !== null);
  const extra = data.inReplyToAccount ? [data.inReplyToAccount] : [];
  const targets = await statusTargets(d, data.author.id, data.status.visibility, mentioned, extra);
  await o.send(ctx, data.author.username, targets, activity, status.uri);
}
