// What a favourite of a remote status involves: the resident who liked it and
// the status's remote author (favourited.ts, unfavourited.ts).
import type { Account } from "../../server/domain/accounts";
import { accountById } from "../../server/domain/accounts";
import { statusById } from "../../server/domain/statuses";
import type { OutboxContext } from "./context";
import { isLocal, isRemote } from "./recipients";

export interface RemoteLike {
  liker: Account;
  author: Account;
  statusUri: string;
}

/** A resident's favourite of a remote account's status, or null (nothing to send). */
export async function remoteStatusLikedByResident(o: OutboxContext, likerId: string, statusId: string): Promise<RemoteLike | null> {
  const d = o.services.domain;
  const liker = await accountById(d, likerId);
  if (!isLocal(liker)) return null;
  const status = await statusById(d, statusId);
  if (!status) return null;
  const author = await accountById(d, status.accountId);
  if (!isRemote(author)) return null;
  return { liker, author, statusUri: status.uri };
}
