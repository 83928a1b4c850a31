// Who gets what we send. Recipients are computed here rather than with
// Fedify's "followers" expansion, so that followers, mentioned actors and the
// replied-to author go out in one sendActivity call: Fedify then groups them
// by shared inbox (one request per remote server for a public post), and a
// followers-only post only ever goes to servers where the author has
// followers or a mentioned actor.
import type { Recipient } from "@fedify/vocab";
import type { Account } from "../../server/domain/accounts";
import { remoteFollowerInboxes, type RemoteInboxes } from "../../server/domain/follows";
import type { DomainContext } from "../../server/domain/context";
import type { Visibility } from "../../server/db/schema";

export type { RemoteInboxes };

export const isLocal = (account: Account | null): account is Account => account !== null && account.domain === null;
export const isRemote = (account: Account | null): account is Account => account !== null && account.domain !== null;

export function recipientOf(target: RemoteInboxes): Recipient {
  return {
    id: new URL(target.uri),
    inboxId: target.inboxUrl ? new URL(target.inboxUrl) : null,
    endpoints: target.sharedInboxUrl ? { sharedInbox: new URL(target.sharedInboxUrl) } : null,
  };
}

/** Where a resident's status goes: remote followers (unless direct), remote mentioned actors, and `extra` remote accounts (the parent's or original's author) for public/unlisted. */
export async function statusTargets(
  d: DomainContext,
  authorId: string,
  visibility: Visibility,
  mentioned: RemoteInboxes[],
  extra: Account[],
): Promise<RemoteInboxes[]> {
  const targets: RemoteInboxes[] = [];
  if (visibility !== "direct") targets.push(...(await remoteFollowerInboxes(d, authorId)));
  targets.push(...mentioned);
  if (visibility === "public" || visibility === "unlisted") targets.push(...extra.filter((a) => a.domain !== null));
  return targets;
}

/** A resident's remote followers (profile updates go to their servers). */
export function followerTargets(d: DomainContext, accountId: string): Promise<RemoteInboxes[]> {
  return remoteFollowerInboxes(d, accountId);
}
