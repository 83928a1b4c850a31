// A mute hides an account's posts (and, by default, its notifications) from
// the one who mutes; the muted account is not told.
import { and, eq, sql } from "drizzle-orm";
import { mutes } from "../../db/schema";
import { Forbidden, Invalid } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { finishPage, pageQuery, type PageParams } from "../pagination";

export type Mute = typeof mutes.$inferSelect;

export interface MuteOptions {
  notifications?: boolean;
  /** seconds; 0 or absent = indefinite */
  duration?: number;
}

export async function mute(ctx: DomainContext, accountId: string, targetId: string, options: MuteOptions = {}): Promise<Mute> {
  if (accountId === targetId) throw new Forbidden("You cannot mute yourself");
  if (options.duration !== undefined && (options.duration < 0 || options.duration > 10 * 365 * 86400)) {
    throw new Invalid("Duration is out of range");
  }
  const expiresAt = options.duration ? new Date(Date.now() + options.duration * 1000) : null;
  const hideNotifications = options.notifications ?? true;
  const [row] = await ctx.db
    .insert(mutes)
    .values({ id: newId(), accountId, targetAccountId: targetId, hideNotifications, expiresAt })
    .onConflictDoUpdate({ target: [mutes.accountId, mutes.targetAccountId], set: { hideNotifications, expiresAt } })
    .returning();
  return row;
}

export async function unmute(ctx: DomainContext, accountId: string, targetId: string): Promise<void> {
  await ctx.db.delete(mutes).where(and(eq(mutes.accountId, accountId), eq(mutes.targetAccountId, targetId)));
}

export async function listMutes(ctx: DomainContext, accountId: string, page: PageParams): Promise<Mute[]> {
  const q = pageQuery(mutes.id, page);
  const rows = await ctx.db
    .select()
    .from(mutes)
    .where(and(eq(mutes.accountId, accountId), sql`(${mutes.expiresAt} is null or ${mutes.expiresAt} > now())`, q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}
