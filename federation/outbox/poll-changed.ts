// poll.ended (and poll.voted on a local poll): a local poll's tallies changed
// or it ended: Update(Question) to where the post went and to its remote voters.
import { hasRemoteAudience, statusForFederation } from "../../server/domain/statuses";
import { remoteVoters } from "../../server/domain/polls";
import { pollToUpdate } from "../to-activitypub/activities";
import { federatedStatus } from "../to-activitypub/note";
import type { OutboxContext } from "./context";
import { isLocal, statusTargets } from "./recipients";

export async function onPollChanged(o: OutboxContext, statusId: string): Promise<void> {
  const d = o.services.domain;
  const voters = await remoteVoters(d, statusId);
  if (voters.length === 0 && !(await hasRemoteAudience(d, statusId))) return;
  const data = await statusForFederation(d, statusId);
  if (!data || !isLocal(data.author) || !data.status.local || !data.poll) return;
  const ctx = o.federation.context();
  const status = federatedStatus(data, o.origin, o.services.config.domain);
  const activity = pollToUpdate(status, o.author(ctx, data.author.username), o.tagUrl);
  const mentioned = data.mentions.filter((m) => m.domain !== null);
  const extra = data.inReplyToAccount ? [data.inReplyToAccount] : [];
  const targets = await statusTargets(d, data.author.id, data.status.visibility, mentioned, extra);
  await o.send(ctx, data.author.username, [...targets, ...voters], activity, status.uri);
}
