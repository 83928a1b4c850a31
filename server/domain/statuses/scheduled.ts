// Scheduled statuses: a post kept in the database until its time, then
// published by a periodic job. The row is deleted in the same transaction that
// stores the status, so a crash publishes it at the next run, and two processes
// never publish it twice (the row is taken with SKIP LOCKED).
import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { accounts, mediaAttachments, scheduledStatuses, type ScheduledStatusParams } from "../../db/schema";
import { DomainError, Invalid, NotFound } from "../../errors";
import { HeldEvents } from "../../events";
import { newId } from "../../ids";
import type { Account } from "../accounts/local";
import type { DomainContext } from "../context";
import { finishPage, pageQuery, type PageParams } from "../pagination";
import { validatePollInput } from "../polls/polls";
import { validatePlace } from "../places/place";
import { charCount, createStatus, MAX_MEDIA, type Status } from "./local";

export type ScheduledStatus = typeof scheduledStatuses.$inferSelect;

/** As Mastodon: at least five minutes ahead. */
export const MIN_SCHEDULE_AHEAD_MS = 5 * 60_000;
/** Mastodon's limits: 300 pending, 25 on one day. */
export const MAX_SCHEDULED = 300;
export const MAX_SCHEDULED_PER_DAY = 25;
/** Attempts before a scheduled status that cannot be posted any more is dropped. */
const MAX_ATTEMPTS = 5;

function checkTime(at: Date, now: Date): void {
  if (Number.isNaN(at.getTime())) throw new Invalid("Validation failed: Scheduled at is not a valid date");
  if (at.getTime() - now.getTime() < MIN_SCHEDULE_AHEAD_MS) {
    throw new Invalid("Validation failed: Scheduled at must be at least 5 minutes in the future");
  }
}

async function checkLimits(ctx: DomainContext, accountId: string, at: Date, exceptId?: string): Promise<void> {
  const [row] = await ctx.db
    .select({
      total: sql<number>`count(*)::int`,
      sameDay: sql<number>`count(*) filter (where date_trunc('day', ${scheduledStatuses.scheduledAt}) = date_trunc('day', ${at.toISOString()}::timestamptz))::int`,
    })
    .from(scheduledStatuses)
    .where(and(eq(scheduledStatuses.accountId, accountId), exceptId ? sql`${scheduledStatuses.id} <> ${exceptId}` : undefined));
  if ((row?.total ?? 0) >= MAX_SCHEDULED) throw new Invalid("Validation failed: You have exceeded the limit of scheduled statuses");
  if ((row?.sameDay ?? 0) >= MAX_SCHEDULED_PER_DAY) throw new Invalid("Validation failed: You have exceeded the limit of scheduled statuses for that day");
}

/** Keeps a status for later, after the checks its publication will make. */
export async function scheduleStatus(ctx: DomainContext, author: Account, at: Date, params: ScheduledStatusParams, now = new Date()): Promise<ScheduledStatus> {
  checkTime(at, now);
  if (!params.text.trim() && params.media_ids.length === 0) throw new Invalid("Validation failed: Text can't be blank");
  if (charCount(params.text) + charCount(params.spoiler_text) > ctx.config.maxStatusChars) {
    throw new Invalid(`Validation failed: Text is too long (maximum is ${ctx.config.maxStatusChars} characters)`);
  }
  if (params.media_ids.length > MAX_MEDIA) throw new Invalid(`At most ${MAX_MEDIA} media attachments`);
  validatePlace(params.parvis_place);
  if (params.poll) {
    if (params.media_ids.length) throw new Invalid("Validation failed: A poll cannot be attached to a post with media");
    validatePollInput({ options: params.poll.options, expiresIn: params.poll.expires_in });
  }
  if (params.media_ids.length) {
    const owned = await ctx.db
      .select({ id: mediaAttachments.id })
      .from(mediaAttachments)
      .where(and(inArray(mediaAttachments.id, params.media_ids), eq(mediaAttachments.accountId, author.id), isNull(mediaAttachments.statusId)));
    if (owned.length !== new Set(params.media_ids).size) throw new Invalid("Validation failed: Media attachments are invalid");
  }
  await checkLimits(ctx, author.id, at);
  const [row] = await ctx.db.insert(scheduledStatuses).values({ id: newId(now), accountId: author.id, scheduledAt: at, params }).returning();
  return row;
}

export async function listScheduledStatuses(ctx: DomainContext, accountId: string, page: PageParams): Promise<ScheduledStatus[]> {
  const q = pageQuery(scheduledStatuses.id, page);
  const rows = await ctx.db
    .select()
    .from(scheduledStatuses)
    .where(and(eq(scheduledStatuses.accountId, accountId), q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

/** One's own scheduled status; anyone else's is not found. */
export async function getScheduledStatus(ctx: DomainContext, accountId: string, id: string): Promise<ScheduledStatus> {
  const [row] = await ctx.db
    .select()
    .from(scheduledStatuses)
    .where(and(eq(scheduledStatuses.id, id), eq(scheduledStatuses.accountId, accountId)));
  if (!row) throw new NotFound();
  return row;
}

export async function rescheduleStatus(ctx: DomainContext, accountId: string, id: string, at: Date, now = new Date()): Promise<ScheduledStatus> {
  await getScheduledStatus(ctx, accountId, id);
  checkTime(at, now);
  await checkLimits(ctx, accountId, at, id);
  const [row] = await ctx.db
    .update(scheduledStatuses)
    .set({ scheduledAt: at })
    .where(and(eq(scheduledStatuses.id, id), eq(scheduledStatuses.accountId, accountId)))
    .returning();
  if (!row) throw new NotFound();
  return row;
}

export async function cancelScheduledStatus(ctx: DomainContext, accountId: string, id: string): Promise<void> {
  const removed = await ctx.db
    .delete(scheduledStatuses)
    .where(and(eq(scheduledStatuses.id, id), eq(scheduledStatuses.accountId, accountId)))
    .returning({ id: scheduledStatuses.id });
  if (removed.length === 0) throw new NotFound();
}

export interface PublishOutcome {
  published: Status[];
  /** given up: the post can no longer be made (its parent deleted, its author suspended…) */
  dropped: string[];
}

/**
 * The periodic job: publishes the scheduled statuses whose time has come,
 * oldest first, each in its own transaction with the deletion of its row.
 */
export async function publishDueStatuses(ctx: DomainContext, now = new Date(), limit = 50): Promise<PublishOutcome> {
  const outcome: PublishOutcome = { published: [], dropped: [] };
  for (let i = 0; i < limit; i++) {
    const events = new HeldEvents();
    let failed: { id: string; error: unknown } | null = null;
    const status = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ scheduled: scheduledStatuses, account: accounts })
        .from(scheduledStatuses)
        .innerJoin(accounts, eq(accounts.id, scheduledStatuses.accountId))
        .where(lte(scheduledStatuses.scheduledAt, now))
        .orderBy(asc(scheduledStatuses.scheduledAt), asc(scheduledStatuses.id))
        .limit(1)
        .for("update", { of: scheduledStatuses, skipLocked: true });
      if (!row) return undefined;
      const { scheduled, account } = row;
      await tx.delete(scheduledStatuses).where(eq(scheduledStatuses.id, scheduled.id));
      if (account.suspendedAt) return null;
      const p = scheduled.params;
      try {
        // a savepoint: a post refused by the rules leaves the deletion standing
        return await tx.transaction((inner) =>
          createStatus({ ...ctx, db: inner, events }, account, {
            text: p.text,
            visibility: p.visibility,
            spoilerText: p.spoiler_text,
            sensitive: p.sensitive,
            inReplyToId: p.in_reply_to_id,
            language: p.language,
            mediaIds: p.media_ids,
            applicationId: p.application_id,
            poll: p.poll ? { options: p.poll.options, expiresIn: p.poll.expires_in, multiple: p.poll.multiple, hideTotals: p.poll.hide_totals } : null,
            place: p.parvis_place ?? null,
          }),
        );
      } catch (error) {
        failed = { id: scheduled.id, error };
        if (!(error instanceof DomainError) && scheduled.attempts + 1 < MAX_ATTEMPTS) throw error;
        return null;
      }
    }).catch(async (error) => {
      // an unexpected failure: the row comes back (rolled back), counted, and is tried at the next run
      if (failed) await ctx.db.update(scheduledStatuses).set({ attempts: sql`${scheduledStatuses.attempts} + 1` }).where(eq(scheduledStatuses.id, (failed as { id: string }).id));
      throw error;
    });
    if (status === undefined) break;
    if (status === null) {
      if (failed) outcome.dropped.push((failed as { id: string }).id);
      continue;
    }
    events.flush(ctx.events);
    outcome.published.push(status);
  }
  return outcome;
}
