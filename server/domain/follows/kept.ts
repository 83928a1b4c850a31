// Which remote posts we keep: only those someone here has a reason to see —
// a resident follows the author, is mentioned, or is replied to. Anything
// else would fill the database with posts nobody here reads.
import type { DomainContext } from "../context";
import { hasLocalFollowers } from "./remote";
import { findStatusByUri } from "../statuses/remote";

export interface RemotePostAudience {
  authorId: string;
  /** the accounts it mentions (residents have no domain) */
  mentioned: { domain: string | null }[];
  /** the ActivityPub id of the post it replies to */
  inReplyToUri: string | null;
}

/** Whether a remote post is stored at all. */
export async function isRemotePostKept(ctx: DomainContext, post: RemotePostAudience): Promise<boolean> {
  if (post.mentioned.some((a) => a.domain === null)) return true;
  const parent = post.inReplyToUri ? await findStatusByUri(ctx, post.inReplyToUri) : undefined;
  if (parent?.local) return true;
  return hasLocalFollowers(ctx, post.authorId);
}
