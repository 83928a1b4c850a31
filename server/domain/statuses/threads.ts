// A status's thread: the chain of ancestors and the tree of descendants the viewer may see.
import { sql } from "drizzle-orm";
import { blocks, mutes, statuses } from "../../db/schema";
import { authorNotSuspended } from "../visibility/moderation";
import type { DomainContext } from "../context";
import { type Status } from "./local";
import { getVisibleStatus, visibleTo } from "../visibility/visibility";
import { rowsOf } from "../../db/rows";

export const MAX_ANCESTORS = 40;
export const MAX_DESCENDANTS = 400;
export const MAX_DEPTH = 64;

export async function threadOf(ctx: DomainContext, id: string, viewerId: string | null): Promise<{ ancestors: string[]; descendants: string[] }> {
  const status = await getVisibleStatus(ctx, id, viewerId);
  const ancestors: string[] = [];
  const hidden = viewerId ? await blockedOrMuted(ctx, viewerId) : new Set<string>();
  let parentId = status.inReplyToId;
  const seen = new Set([status.id]);
  while (parentId && ancestors.length < MAX_ANCESTORS && !seen.has(parentId)) {
    seen.add(parentId);
    let parent: Status;
    try {
      parent = await getVisibleStatus(ctx, parentId, viewerId);
    } catch {
      break;
    }
    // as Mastodon: statuses by accounts the viewer blocks or mutes are left out, the chain goes on
    if (!hidden.has(parent.accountId)) ancestors.unshift(parent.id);
    parentId = parent.inReplyToId;
  }
  // depth-first order of the reply tree, bounded in depth and size
  const result = await ctx.db.execute<{ id: string; path: string }>(sql`
    with recursive tree(id, path, depth) as (
      select s.id, lpad(s.id::text, 20, '0'), 1 from ${statuses} s where s.in_reply_to_id = ${status.id}
      union all
      select s.id, tree.path || '/' || lpad(s.id::text, 20, '0'), tree.depth + 1
      from ${statuses} s join tree on s.in_reply_to_id = tree.id
      where tree.depth < ${MAX_DEPTH}
    )
    select tree.id::text as id, tree.path from tree
    join ${statuses} on ${statuses.id} = tree.id
    where ${visibleTo(viewerId)}
      and ${authorNotSuspended(statuses.accountId)}
      ${viewerId ? sql`and not exists (select 1 from ${blocks} b where b.account_id = ${viewerId} and b.target_account_id = ${statuses.accountId})
      and not exists (select 1 from ${mutes} m where m.account_id = ${viewerId} and m.target_account_id = ${statuses.accountId} and (m.expires_at is null or m.expires_at > now()))` : sql``}
    order by tree.path
    limit ${MAX_DESCENDANTS}`);
  return { ancestors, descendants: rowsOf<{ id: string }>(result).map((r) => String(r.id)) };
}

/** Accounts the viewer blocks or (currently) mutes. */
async function blockedOrMuted(ctx: DomainContext, viewerId: string): Promise<Set<string>> {
  const result = await ctx.db.execute<{ id: string }>(sql`
    select b.target_account_id::text as id from ${blocks} b where b.account_id = ${viewerId}
    union select m.target_account_id::text from ${mutes} m where m.account_id = ${viewerId} and (m.expires_at is null or m.expires_at > now())`);
  return new Set(rowsOf<{ id: string }>(result).map((r) => String(r.id)));
}
