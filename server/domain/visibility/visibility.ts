// Who may see a status. The single place where this rule lives: timelines,
// threads, single reads, notifications, polls and streaming all use it. A
// concept of its own (not a file of statuses/) because notifications, polls
// and conversations need it while statuses/ calls them: keeping it below
// them all is what keeps the concept folders free of import cycles.
import { and, eq, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { accounts, blocks, follows, groupMemberships, mentions, statuses } from "../../db/schema";
import { NotFound } from "../../errors";
import { rowsOf } from "../../db/rows";
import type { DomainContext } from "../context";
import { authorNotSuspended } from "./moderation";

export interface StatusLike {
  id: string;
  accountId: string;
  visibility: "public" | "unlisted" | "private" | "direct";
  /**
   * A post in a group: followers and mentions give no access, membership does.
   * When a caller's object lacks it, canSee reads it rather than guess "no group".
   */
  groupId?: string | null;
}

/**
 * SQL condition: the status row `s` (the statuses table) is visible to `viewerId`
 * (null for a visitor). Also hides statuses of authors who block the viewer.
 */
export interface StatusColumns {
  id: AnyPgColumn;
  accountId: AnyPgColumn;
  visibility: AnyPgColumn;
  groupId: AnyPgColumn;
}

/** A viewer: an account id, or an SQL expression naming one (audience queries over many viewers). */
export type Viewer = string | SQL;

/**
 * A post in a members-only group is stored as 'private' with its group_id: only the
 * group's active members (and its author) read it. Following its author or being
 * mentioned in it gives no access, so those two ways in apply to posts outside groups only.
 */
export function visibleTo(viewerId: Viewer | null, s: StatusColumns = statuses): SQL {
  if (viewerId === null) return sql`${s.visibility} in ('public', 'unlisted')`;
  return sql`(
    ${s.accountId} = ${viewerId}
    or (
      not exists (select 1 from ${blocks} b where b.account_id = ${s.accountId} and b.target_account_id = ${viewerId})
      and (
        ${s.visibility} in ('public', 'unlisted')
        or (${s.groupId} is null and (
          (${s.visibility} = 'private' and exists (select 1 from ${follows} f where f.account_id = ${viewerId} and f.target_account_id = ${s.accountId}))
          or exists (select 1 from ${mentions} m where m.status_id = ${s.id} and m.account_id = ${viewerId})
        ))
        or (${s.groupId} is not null and exists (select 1 from ${groupMemberships} gm
          where gm.group_id = ${s.groupId} and gm.account_id = ${viewerId} and gm.state = 'active'))
      )
    )
  )`;
}

/** The same rule for one status already loaded. */
export async function canSee(ctx: DomainContext, status: StatusLike, viewerId: string | null): Promise<boolean> {
  if (viewerId !== null && status.accountId === viewerId) return true;
  if (viewerId === null) return status.visibility === "public" || status.visibility === "unlisted";
  // a caller holding a narrow row (no group_id) has it read in the same statement, not in a round trip of its own
  const groupId =
    status.groupId === undefined ? sql`(select s.group_id from ${statuses} s where s.id = ${status.id})` : sql`${status.groupId}::bigint`;
  const result = await ctx.db.execute(sql`select
      not exists (select 1 from ${blocks} b where b.account_id = ${status.accountId} and b.target_account_id = ${viewerId})
      and (
        ${status.visibility} in ('public', 'unlisted')
        or (${groupId} is null and (
          (${status.visibility} = 'private' and exists (select 1 from ${follows} f where f.account_id = ${viewerId} and f.target_account_id = ${status.accountId}))
          or exists (select 1 from ${mentions} m where m.status_id = ${status.id} and m.account_id = ${viewerId})
        ))
        or (${groupId} is not null and exists (select 1 from ${groupMemberships} gm
          where gm.group_id = ${groupId} and gm.account_id = ${viewerId} and gm.state = 'active'))
      ) as ok`);
  return Boolean(rowsOf<{ ok: boolean }>(result)[0]?.ok);
}

/** A status the viewer may see, or NotFound (whether it exists or not). */
export async function getVisibleStatus(ctx: DomainContext, id: string, viewerId: string | null): Promise<typeof statuses.$inferSelect> {
  const [row] = await ctx.db
    .select({ status: statuses, suspended: accounts.suspendedAt })
    .from(statuses)
    .innerJoin(accounts, eq(accounts.id, statuses.accountId))
    // a suspended author, or one on a blocked server, is hidden
    .where(and(eq(statuses.id, id), authorNotSuspended(statuses.accountId)));
  if (!row || row.suspended || !(await canSee(ctx, row.status, viewerId))) throw new NotFound();
  if (row.status.reblogOfId) {
    // a reblog is visible only while what it shares is
    await getVisibleStatus(ctx, row.status.reblogOfId, viewerId);
  }
  return row.status;
}
