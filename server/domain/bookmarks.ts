import { and, eq } from "drizzle-orm";
import { bookmarks } from "../db/schema";
import { newId } from "../ids";
import type { DomainContext } from "./context";
import { getVisibleStatus, type Status } from "./statuses";

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
