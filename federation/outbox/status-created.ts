// status.created: a resident's post (Create(Note|Question)) or reblog
// (Announce) goes to its remote followers, mentioned actors, and the remote
// author of the parent or of the reblogged post.
import type { Account } from "../../server/domain/accounts";
import { hasRemoteAudience, statusForFederation } from "../../server/domain/statuses";
import type { DomainEvents } from "../../server/events";
import { statusToActivity } from "../to-activitypub/activities";
import { federatedStatus } from "../to-activitypub/note";
import type { OutboxContext } from "./context";
import { isLocal, statusTargets } from "./recipients";

export async function onStatusCreated(o: OutboxContext, e: DomainEvents["status.created"]): Promise<void> {
  if (!e.local) return;
  const d = o.services.domain;
  // most posts of a commune may be read by residents only: nothing to build then
  if (!(await hasRemoteAudience(d, e.statusId))) return;
  const data = await statusForFederation(d, e.statusId);
  if (!data || !isLocal(data.author)) return;
  const ctx = o.federation.context();
  const status = federatedStatus(data, o.origin, o.services.config.domain);
  const activity = statusToActivity(status, o.author(ctx, data.author.username), o.tagUrl);
  const mentioned = data.mentions.filter((m) => m.domain !== null);
  const extra: Account[] = [];
  if (data.inReplyToAccount) extra.push(data.inReplyToAccount);
  if (data.reblogOf) extra.push(data.reblogOf.author);
  const targets = await statusTargets(d, data.author.id, data.status.visibility, mentioned, extra);
  await o.send(ctx, data.author.username, targets, activity, status.reblogOfUri ? undefined : status.uri);
}
