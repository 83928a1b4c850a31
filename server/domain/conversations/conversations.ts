// Direct conversations (Mastodon's /api/v1/conversations): each local participant
// has a view of a thread of direct statuses, with an unread flag that a new
// direct status from someone else raises.
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { accountConversations, accounts, statusConversations, statuses } from "../../db/schema";
import { NotFound } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { finishPage, pageQuery, type PageParams } from "../pagination";

// the status row (as statuses/local.ts names it), typed from the table so that
// conversations, which statuses/ calls, do not import statuses/ back
type Status = typeof statuses.$inferSelect;

export type AccountConversation = typeof accountConversations.$inferSelect;

/**
 * Files a direct status in its conversation (that of the status it answers, or a
 * new one) and updates each local participant's view. Runs in the transaction
 * that stores the status; `ctx.events` holds the notices until it commits.
 */
export async function recordDirectStatus(ctx: DomainContext, status: Status, mentionedIds: string[]): Promise<void> {
  let conversationId = status.id;
  if (status.inReplyToId) {
    const [parent] = await ctx.db.select().from(statusConversations).where(eq(statusConversations.statusId, status.inReplyToId));
    if (parent) conversationId = parent.conversationId;
  }
  await ctx.db.insert(statusConversations).values({ statusId: status.id, conversationId }).onConflictDoNothing();
  const participants = [...new Set([status.accountId, ...mentionedIds])];
  const local = await ctx.db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(inArray(accounts.id, participants), sql`${accounts.domain} is null`));
  for (const { id: accountId } of local) {
    const others = participants.filter((p) => p !== accountId);
    const unread = accountId !== status.accountId;
    const [row] = await ctx.db
      .insert(accountConversations)
      .values({ id: newId(), accountId, conversationId, participantIds: others, lastStatusId: status.id, unread })
      .onConflictDoUpdate({
        target: [accountConversations.accountId, accountConversations.conversationId],
        set: {
          // participants only join: a reply that names fewer people keeps the others
          participantIds: sql`(select coalesce(jsonb_agg(distinct x), '[]'::jsonb) from jsonb_array_elements_text(${accountConversations.participantIds} || ${JSON.stringify(others)}::jsonb) as x)`,
          lastStatusId: status.id,
          unread,
          updatedAt: new Date(),
        },
      })
      .returning();
    ctx.events.emit("conversation.updated", { accountConversationId: row.id, accountId });
  }
}

/** The viewer's conversations, most recently active first, paginated by their last status id (as Mastodon). */
export async function listConversations(ctx: DomainContext, accountId: string, page: PageParams): Promise<AccountConversation[]> {
  const q = pageQuery(accountConversations.lastStatusId, page);
  const rows = await ctx.db
    .select()
    .from(accountConversations)
    .where(and(eq(accountConversations.accountId, accountId), isNotNull(accountConversations.lastStatusId), q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

export async function getConversation(ctx: DomainContext, accountId: string, id: string): Promise<AccountConversation> {
  const [row] = await ctx.db
    .select()
    .from(accountConversations)
    .where(and(eq(accountConversations.id, id), eq(accountConversations.accountId, accountId)));
  if (!row) throw new NotFound();
  return row;
}

export async function markConversationRead(ctx: DomainContext, accountId: string, id: string): Promise<AccountConversation> {
  await getConversation(ctx, accountId, id);
  const [row] = await ctx.db
    .update(accountConversations)
    .set({ unread: false })
    .where(and(eq(accountConversations.id, id), eq(accountConversations.accountId, accountId)))
    .returning();
  return row;
}

/** Removes the conversation from the viewer's list (the statuses stay); a new direct status brings it back. */
export async function removeConversation(ctx: DomainContext, accountId: string, id: string): Promise<void> {
  await getConversation(ctx, accountId, id);
  await ctx.db.delete(accountConversations).where(and(eq(accountConversations.id, id), eq(accountConversations.accountId, accountId)));
}

/** Last statuses of conversations, by id. */
export async function lastStatuses(ctx: DomainContext, rows: AccountConversation[]): Promise<Map<string, Status>> {
  const ids = rows.map((r) => r.lastStatusId).filter((x): x is string => Boolean(x));
  if (ids.length === 0) return new Map();
  const found = await ctx.db.select().from(statuses).where(inArray(statuses.id, ids));
  return new Map(found.map((s) => [s.id, s]));
}

/** A participant's view of the conversation a direct status belongs to (the live `conversation` event), or null. */
export async function conversationOfStatus(ctx: DomainContext, accountId: string, statusId: string): Promise<AccountConversation | null> {
  const [row] = await ctx.db
    .select({ c: accountConversations })
    .from(accountConversations)
    .innerJoin(statusConversations, eq(statusConversations.conversationId, accountConversations.conversationId))
    .where(and(eq(statusConversations.statusId, statusId), eq(accountConversations.accountId, accountId)));
  return row?.c ?? null;
}
