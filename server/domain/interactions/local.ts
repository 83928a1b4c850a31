// Favourites and reblogs (boosts), and the lists of who did them.
import { and, eq, sql } from "drizzle-orm";
import { accounts, favourites, statuses } from "../../db/schema";
import { Forbidden } from "../../errors";
import { newId } from "../../ids";
import { localUrls } from "../../urls";
import type { Account } from "../accounts/local";
import type { DomainContext } from "../context";
import { writeAndPublish } from "../event-journal";
import { notify, withdrawNotifications } from "../notifications/notifications";
import { finishPage, pageQuery, type PageParams } from "../pagination";
import { removeStatusRow, storeStatus, type Status } from "../statuses/local";
import { getVisibleStatus, visibleTo } from "../visibility/visibility";
import { notHidden } from "../timelines/timelines";

export type Favourite = typeof favourites.$inferSelect;

/** The status a favourite or reblog acts on: a reblog stands for what it shares. */
async function target(ctx: DomainContext, id: string, viewerId: string): Promise<Status> {
  const status = await getVisibleStatus(ctx, id, viewerId);
  return status.reblogOfId ? getVisibleStatus(ctx, status.reblogOfId, viewerId) : status;
}

export async function favourite(ctx: DomainContext, account: Account, statusId: string, uri: string | null = null): Promise<Status> {
  const status = await target(ctx, statusId, account.id);
  const row = await writeAndPublish(ctx, async (tx, record) => {
    const [row] = await tx
      .insert(favourites)
      .values({ id: newId(), accountId: account.id, statusId: status.id, uri })
      .onConflictDoNothing()
      .returning();
    if (row) await record("favourite.created", { favouriteId: row.id, accountId: account.id, statusId: status.id });
    return row;
  });
  if (row) {
    await notify(ctx, { recipientId: status.accountId, fromAccountId: account.id, type: "favourite", statusId: status.id });
  }
  return status;
}

export async function unfavourite(ctx: DomainContext, account: Account, statusId: string): Promise<Status> {
  const status = await target(ctx, statusId, account.id);
  const row = await writeAndPublish(ctx, async (tx, record) => {
    const [row] = await tx
      .delete(favourites)
      .where(and(eq(favourites.accountId, account.id), eq(favourites.statusId, status.id)))
      .returning();
    if (row) await record("favourite.removed", { favouriteId: row.id, uri: row.uri, accountId: account.id, statusId: status.id });
    return row;
  });
  if (row) {
    await withdrawNotifications(ctx, { recipientId: status.accountId, fromAccountId: account.id, type: "favourite", statusId: status.id });
  }
  return status;
}

export interface ReblogOptions {
  visibility?: "public" | "unlisted" | "private";
  /** ActivityPub id of a remote Announce */
  uri?: string | null;
  createdAt?: Date;
}

/** Reblogs a status; returns the reblog (a status whose reblogOfId is the original). */
export async function reblog(ctx: DomainContext, account: Account, statusId: string, options: ReblogOptions = {}): Promise<Status> {
  const original = await target(ctx, statusId, account.id);
  // followers-only posts may only be boosted by their author, direct ones never
  // nor may a members-only group's posts be boosted out of the group, even by their author
  if (original.visibility === "direct" || (original.visibility === "private" && (original.accountId !== account.id || original.groupId))) {
    throw new Forbidden("This status cannot be reblogged");
  }
  const [existing] = await ctx.db
    .select()
    .from(statuses)
    .where(and(eq(statuses.accountId, account.id), eq(statuses.reblogOfId, original.id)));
  if (existing) return existing;
  const id = newId(options.createdAt);
  const local = account.domain === null;
  const uri = local ? `${localUrls(ctx.config.origin).status(account.username, id)}/activity` : options.uri;
  if (!uri) throw new Forbidden();
  const reblogRow = await storeStatus(
    ctx,
    {
      id,
      uri,
      url: local ? localUrls(ctx.config.origin).statusPage(account.username, id) : null,
      accountId: account.id,
      reblogOfId: original.id,
      // an author's boost of their followers-only post stays followers-only whatever was asked
      // (as Mastodon's ReblogService does): a public one would show it to everyone
      visibility: original.visibility === "private" ? "private" : (options.visibility ?? "public"),
      local,
      content: "",
      ...(options.createdAt ? { createdAt: options.createdAt } : {}),
    },
    [],
    [],
  );
  await notify(ctx, { recipientId: original.accountId, fromAccountId: account.id, type: "reblog", statusId: original.id });
  return reblogRow;
}

/** Undoes a reblog; returns the original status. */
export async function unreblog(ctx: DomainContext, account: Account, statusId: string): Promise<Status> {
  const original = await target(ctx, statusId, account.id);
  const [existing] = await ctx.db
    .select()
    .from(statuses)
    .where(and(eq(statuses.accountId, account.id), eq(statuses.reblogOfId, original.id)));
  if (existing) {
    await removeStatusRow(ctx, existing);
    await withdrawNotifications(ctx, { recipientId: original.accountId, fromAccountId: account.id, type: "reblog", statusId: original.id });
  }
  return original;
}

export interface ByEntry {
  cursor: string;
  accountId: string;
}

export async function favouritedBy(ctx: DomainContext, statusId: string, viewerId: string | null, page: PageParams): Promise<ByEntry[]> {
  await getVisibleStatus(ctx, statusId, viewerId);
  const q = pageQuery(favourites.id, page);
  const rows = await ctx.db
    .select({ cursor: favourites.id, accountId: favourites.accountId })
    .from(favourites)
    .innerJoin(accounts, eq(accounts.id, favourites.accountId))
    .where(and(eq(favourites.statusId, statusId), sql`${accounts.suspendedAt} is null`, q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

export async function rebloggedBy(ctx: DomainContext, statusId: string, viewerId: string | null, page: PageParams): Promise<ByEntry[]> {
  await getVisibleStatus(ctx, statusId, viewerId);
  const q = pageQuery(statuses.id, page);
  const rows = await ctx.db
    .select({ cursor: statuses.id, accountId: statuses.accountId })
    .from(statuses)
    .innerJoin(accounts, eq(accounts.id, statuses.accountId))
    .where(and(eq(statuses.reblogOfId, statusId), sql`${accounts.suspendedAt} is null`, q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

export async function findFavouriteByUri(ctx: DomainContext, uri: string): Promise<Favourite | undefined> {
  const [row] = await ctx.db.select().from(favourites).where(eq(favourites.uri, uri));
  return row;
}

export async function removeFavouriteRow(ctx: DomainContext, fav: Favourite): Promise<void> {
  const [status] = await ctx.db.select().from(statuses).where(eq(statuses.id, fav.statusId));
  await writeAndPublish(ctx, async (tx, record) => {
    const [gone] = await tx.delete(favourites).where(eq(favourites.id, fav.id)).returning({ id: favourites.id });
    if (gone) await record("favourite.removed", { favouriteId: fav.id, uri: fav.uri, accountId: fav.accountId, statusId: fav.statusId });
  });
  if (status) await withdrawNotifications(ctx, { recipientId: status.accountId, fromAccountId: fav.accountId, type: "favourite", statusId: status.id });
}

/**
 * The account's favourited statuses that it may still see, newest favourite
 * first, paginated by the favourite row id (as Mastodon).
 */
export async function favouritedStatuses(ctx: DomainContext, accountId: string, page: PageParams): Promise<{ rowId: string; status: Status }[]> {
  const q = pageQuery(favourites.id, page);
  const rows = await ctx.db
    .select({ rowId: favourites.id, status: statuses })
    .from(favourites)
    .innerJoin(statuses, eq(statuses.id, favourites.statusId))
    .where(and(eq(favourites.accountId, accountId), visibleTo(accountId), notHidden(accountId), q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}
