// Flag: another server reports a resident (and some of their posts) to our
// moderators. The reporter is the remote actor (often an instance actor).
import type { Flag } from "@fedify/vocab";
import type { Account } from "../../server/domain/accounts";
import { createReport } from "../../server/domain/moderation";
import { findStatusByUri } from "../../server/domain/statuses";
import { firstText } from "../from-activitypub/text";
import { localAccountFor, remoteActorOf } from "../from-activitypub/lookup";
import { isLocalUrl } from "../../server/urls";
import type { InboxHandler } from "./types";

const MAX_FLAGGED_OBJECTS = 100;

export const onFlag: InboxHandler<Flag> = async (ctx, activity) => {
  const d = ctx.data.domain;
  let target: Account | null = null;
  const statusIds: { id: string; accountId: string }[] = [];
  for (const objectId of activity.objectIds.slice(0, MAX_FLAGGED_OBJECTS)) {
    if (!isLocalUrl(ctx.data.config.origin, objectId)) continue;
    const account = await localAccountFor(ctx, objectId);
    if (account) {
      target ??= account;
      continue;
    }
    const status = await findStatusByUri(d, objectId.href);
    if (status?.local) statusIds.push({ id: status.id, accountId: status.accountId });
  }
  const targetAccountId = target?.id ?? statusIds[0]?.accountId;
  if (!targetAccountId) return null;
  const reporter = await remoteActorOf(ctx, activity);
  if (!reporter) return null;
  const comment = firstText(activity.contents) ?? "";
  const uri = activity.id?.href ?? null;
  return async (tx) => {
    await createReport(tx, {
      reporterId: reporter.id,
      targetAccountId,
      statusIds: statusIds.filter((s) => s.accountId === targetAccountId).map((s) => s.id),
      comment,
      uri,
    });
  };
};
