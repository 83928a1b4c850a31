import { and, eq } from "drizzle-orm";
import { bookmarks, statuses } from "../../db/schema";
import { finishPage, pageQuery, type PageParams } from "../pagination";
import { notHidden } from "../timelines/timelines";
import { visibleTo, getVisibleStatus } from "../visibility/visibility";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { type Status } from "../statuses/local";

export async function bookmark(ctx: DomainContext, accountId: string, statusId: string): Promise<Status> {
  const status = await getVisibleStatus(ctx, statusId, accountId);
  await ctx.db.insert(bookmarks).values({ id: newId(), accountId, statusId: status.id }).onConflictDoNothing();
  return status;
}

export async function unbookmark(ctx: DomainContext, accountId: string, statusId: string): Promise<Status> {
  const status = await getVisibleStatus(ctx, statusId, accountId);
  await ctx.db.delete(bookmarks).where(and(eq(bookmarks.accountId, accountId), eq(bookmarks.statusId, status.id)));
  return status;
}

/**
 * The account's bookmarked statuses that it may still see, newest bookmark
 * first, paginated by the bookmark row id (as Mastodon).
 */
export async function bookmarkedStatuses(ctx: DomainContext, accountId: string, page: PageParams): Promise<{ rowId: string; status: Status }[]> {
  const q = pageQuery(bookmarks.id, page);
  const rows = await ctx.db
    .select({ rowId: bookmarks.id, status: statuses })
    .from(bookmarks)
    .innerJoin(statuses, eq(statuses.id, bookmarks.statusId))
    .where(and(eq(bookmarks.accountId, accountId), visibleTo(accountId), notHidden(accountId), q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}
