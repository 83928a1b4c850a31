// Lists: a resident's named groups of accounts, each with its own timeline
// (Mastodon's lists, with replies_policy and exclusive).
import { and, asc, count, eq, inArray, sql, type SQL } from "drizzle-orm";
import { accounts, follows, listAccounts, lists, statuses, users } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { finishPage, pageQuery, type PageParams } from "../pagination";
import type { Status } from "../statuses/local";
import { notHidden, reblogVisible } from "../timelines/timelines";
import { visibleTo, type Viewer } from "../visibility/visibility";

export type List = typeof lists.$inferSelect;
export type RepliesPolicy = List["repliesPolicy"];

/** As Mastodon: a resident may keep this many lists. */
export const MAX_LISTS = 50;
/** And this many accounts in one list. */
export const MAX_LIST_MEMBERS = 500;
export const MAX_TITLE = 200;

export interface ListInput {
  title?: string;
  repliesPolicy?: RepliesPolicy;
  exclusive?: boolean;
}

function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (!trimmed) throw new Invalid("Validation failed: Title can't be blank");
  if (trimmed.length > MAX_TITLE) throw new Invalid(`Validation failed: Title is too long (maximum is ${MAX_TITLE} characters)`);
  return trimmed;
}

export async function listsOf(ctx: DomainContext, ownerId: string): Promise<List[]> {
  return ctx.db.select().from(lists).where(eq(lists.accountId, ownerId)).orderBy(asc(lists.id));
}

/** The owner's list, or NotFound (another resident's list does not exist for the caller). */
export async function getList(ctx: DomainContext, ownerId: string, id: string): Promise<List> {
  const [row] = await ctx.db.select().from(lists).where(and(eq(lists.id, id), eq(lists.accountId, ownerId)));
  if (!row) throw new NotFound();
  return row;
}

export async function createList(ctx: DomainContext, ownerId: string, input: ListInput): Promise<List> {
  const title = checkTitle(input.title ?? "");
  const [{ n }] = await ctx.db.select({ n: count() }).from(lists).where(eq(lists.accountId, ownerId));
  if (Number(n) >= MAX_LISTS) throw new Invalid(`Validation failed: You cannot create more than ${MAX_LISTS} lists`);
  const [row] = await ctx.db
    .insert(lists)
    .values({ id: newId(), accountId: ownerId, title, repliesPolicy: input.repliesPolicy ?? "list", exclusive: input.exclusive ?? false })
    .returning();
  return row;
}

export async function updateList(ctx: DomainContext, ownerId: string, id: string, input: ListInput): Promise<List> {
  await getList(ctx, ownerId, id);
  const set: Partial<typeof lists.$inferInsert> = {};
  if (input.title !== undefined) set.title = checkTitle(input.title);
  if (input.repliesPolicy !== undefined) set.repliesPolicy = input.repliesPolicy;
  if (input.exclusive !== undefined) set.exclusive = input.exclusive;
  if (Object.keys(set).length === 0) return getList(ctx, ownerId, id);
  const [row] = await ctx.db.update(lists).set(set).where(and(eq(lists.id, id), eq(lists.accountId, ownerId))).returning();
  return row;
}

export async function deleteList(ctx: DomainContext, ownerId: string, id: string): Promise<void> {
  await getList(ctx, ownerId, id);
  await ctx.db.delete(lists).where(and(eq(lists.id, id), eq(lists.accountId, ownerId)));
}

export interface ListMember {
  /** the list_accounts row id (pagination cursor) */
  rowId: string;
  account: typeof accounts.$inferSelect;
}

/** Members, newest additions first; limit 0 gives them all, as Mastodon. */
export async function listMembers(ctx: DomainContext, ownerId: string, listId: string, page: PageParams | null): Promise<ListMember[]> {
  await getList(ctx, ownerId, listId);
  const q = page ? pageQuery(listAccounts.id, page) : null;
  const base = ctx.db
    .select({ rowId: listAccounts.id, account: accounts })
    .from(listAccounts)
    .innerJoin(accounts, eq(accounts.id, listAccounts.accountId))
    .where(and(eq(listAccounts.listId, listId), q?.where))
    .orderBy(q ? q.orderBy : asc(listAccounts.id));
  const rows = page ? await base.limit(page.limit) : await base;
  return q ? finishPage(rows, q) : rows;
}

/**
 * Adds accounts to a list. As Mastodon, one may only list accounts one follows
 * (or oneself is not among them); unknown accounts are not found.
 */
export async function addMembers(ctx: DomainContext, ownerId: string, listId: string, accountIds: string[]): Promise<void> {
  await getList(ctx, ownerId, listId);
  const ids = [...new Set(accountIds)];
  if (ids.length === 0) return;
  const found = await ctx.db.select({ id: accounts.id }).from(accounts).where(inArray(accounts.id, ids));
  if (found.length !== ids.length) throw new NotFound();
  const followed = await ctx.db
    .select({ id: follows.targetAccountId })
    .from(follows)
    .where(and(eq(follows.accountId, ownerId), inArray(follows.targetAccountId, ids)));
  if (followed.length !== ids.length) throw new Invalid("Validation failed: Account has not been followed");
  const [{ n }] = await ctx.db.select({ n: count() }).from(listAccounts).where(eq(listAccounts.listId, listId));
  if (Number(n) + ids.length > MAX_LIST_MEMBERS) throw new Invalid(`Validation failed: A list holds at most ${MAX_LIST_MEMBERS} accounts`);
  await ctx.db
    .insert(listAccounts)
    .values(ids.map((accountId) => ({ id: newId(), listId, accountId })))
    .onConflictDoNothing();
}

export async function removeMembers(ctx: DomainContext, ownerId: string, listId: string, accountIds: string[]): Promise<void> {
  await getList(ctx, ownerId, listId);
  if (accountIds.length === 0) return;
  await ctx.db.delete(listAccounts).where(and(eq(listAccounts.listId, listId), inArray(listAccounts.accountId, accountIds)));
}

/** The owner's lists that hold the account (GET /api/v1/accounts/:id/lists). */
export async function listsHolding(ctx: DomainContext, ownerId: string, accountId: string): Promise<List[]> {
  return ctx.db
    .select({ list: lists })
    .from(lists)
    .innerJoin(listAccounts, eq(listAccounts.listId, lists.id))
    .where(and(eq(lists.accountId, ownerId), eq(listAccounts.accountId, accountId)))
    .orderBy(asc(lists.id))
    .then((rows) => rows.map((r) => r.list));
}

/** Following an account no more takes it out of one's lists, as Mastodon does. */
export async function dropFromListsOf(ctx: DomainContext, ownerId: string, accountId: string): Promise<void> {
  await ctx.db
    .delete(listAccounts)
    .where(and(eq(listAccounts.accountId, accountId), sql`${listAccounts.listId} in (select id from ${lists} where account_id = ${ownerId})`));
}

/**
 * The list-timeline rule, for one list (or, as SQL, for each row of an audience
 * query): posts and reblogs by members that the owner may see, with the
 * replies the list's policy lets through.
 */
export function listCondition(listId: string | SQL, ownerId: Viewer, repliesPolicy: string | SQL): SQL {
  const member = (col: SQL | typeof statuses.accountId) =>
    sql`exists (select 1 from ${listAccounts} la where la.list_id = ${listId} and la.account_id = ${col})`;
  const replyAllowed = sql`(${statuses.inReplyToAccountId} is null
    or ${statuses.inReplyToAccountId} = ${statuses.accountId}
    or (${repliesPolicy} = 'list' and (${statuses.inReplyToAccountId} = ${ownerId} or ${member(sql`${statuses.inReplyToAccountId}`)}))
    or (${repliesPolicy} = 'followed' and (${statuses.inReplyToAccountId} = ${ownerId}
      or exists (select 1 from ${follows} f where f.account_id = ${ownerId} and f.target_account_id = ${statuses.inReplyToAccountId}))))`;
  return and(member(statuses.accountId), replyAllowed, visibleTo(ownerId), notHidden(ownerId), reblogVisible(ownerId))!;
}

export async function listTimeline(ctx: DomainContext, ownerId: string, listId: string, params: PageParams): Promise<Status[]> {
  const list = await getList(ctx, ownerId, listId);
  const q = pageQuery(statuses.id, params);
  const rows = await ctx.db
    .select()
    .from(statuses)
    .where(and(listCondition(list.id, ownerId, list.repliesPolicy), q.where))
    .orderBy(q.orderBy)
    .limit(params.limit);
  return finishPage(rows, q);
}

/**
 * The lists whose timeline shows this status, with their owners: which `list`
 * streams a new status goes to (the streaming module subscribes with it).
 */
export async function listsShowing(ctx: DomainContext, statusId: string): Promise<{ listId: string; ownerId: string }[]> {
  const rows = await ctx.db
    .select({ listId: lists.id, ownerId: lists.accountId })
    .from(lists)
    .innerJoin(users, eq(users.accountId, lists.accountId))
    .innerJoin(statuses, eq(statuses.id, statusId))
    .where(and(eq(users.approved, true), listCondition(sql`${lists.id}`, sql`${lists.accountId}`, sql`${lists.repliesPolicy}`)));
  return rows;
}
