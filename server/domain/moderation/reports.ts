// Reports for moderators: from residents (fileReport, validated), or Flag
// activities from other servers (createReport, which keeps what it can).
// Every change of a report's state goes through one function here
// (assignReport, resolveReport, reopenReport), so that the moderation log can
// be written in one place per kind of change.
import { and, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { accounts, instanceRules, reports, statuses } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { stripHtml } from "../content/sanitize";
import { writeAndPublish } from "../event-journal";
import { finishPage, pageQuery, type PageParams } from "../pagination";
import { visibleTo } from "../visibility/visibility";
import { appendLogEntry } from "./log";
import { inTransaction } from "./logged-changes";

export type Report = typeof reports.$inferSelect;

export const REPORT_CATEGORIES = ["spam", "legal", "violation", "other"] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export const MAX_REPORT_STATUSES = 100;
export const MAX_REPORT_COMMENT = 1000;

export interface ReportInput {
  reporterId: string;
  targetAccountId: string;
  statusIds?: string[];
  comment?: string;
  category?: string;
  ruleIds?: string[];
  /** ActivityPub id of a Flag */
  uri?: string | null;
  forwarded?: boolean;
}

/** Stores a report; statuses of other accounts are dropped (an incoming Flag may name anything). */
export async function createReport(ctx: DomainContext, input: ReportInput): Promise<Report> {
  if (input.reporterId === input.targetAccountId) throw new Invalid("You cannot report yourself");
  // only statuses of the reported account are kept
  const ids = (input.statusIds ?? []).slice(0, MAX_REPORT_STATUSES);
  const own = ids.length
    ? (await ctx.db.select({ id: statuses.id, accountId: statuses.accountId }).from(statuses).where(inArray(statuses.id, ids)))
        .filter((s) => s.accountId === input.targetAccountId)
        .map((s) => s.id)
    : [];
  const [row] = await ctx.db
    .insert(reports)
    .values({
      id: newId(),
      accountId: input.reporterId,
      targetAccountId: input.targetAccountId,
      statusIds: own,
      comment: stripHtml((input.comment ?? "").slice(0, 5000)),
      category: (REPORT_CATEGORIES as readonly string[]).includes(input.category ?? "") ? input.category! : "other",
      ruleIds: input.ruleIds ?? [],
      uri: input.uri ?? null,
      forwarded: input.forwarded ?? false,
    })
    .onConflictDoNothing()
    .returning();
  if (!row && input.uri) {
    const [existing] = await ctx.db.select().from(reports).where(eq(reports.uri, input.uri));
    return existing;
  }
  return row;
}

export interface FileReportInput {
  reporterId: string;
  targetAccountId: string;
  statusIds: string[];
  comment: string;
  category: ReportCategory;
  ruleIds: string[];
  /** ask that the report be sent to the remote account's server (as the instance, never naming the reporter) */
  forward: boolean;
}

/**
 * A resident's report (POST /api/v1/reports). Unlike an incoming Flag,
 * anything wrong is refused, nothing stored: an unknown account, a post that
 * is not the account's or that the reporter cannot see, an unknown rule, rules
 * without the "violation" category (as Mastodon).
 */
export async function fileReport(ctx: DomainContext, input: FileReportInput): Promise<Report> {
  if (input.reporterId === input.targetAccountId) throw new Invalid("Validation failed: you cannot report yourself", { account_id: "ERR_INVALID" });
  const [target] = await ctx.db.select().from(accounts).where(eq(accounts.id, input.targetAccountId));
  // a suspended account is not seen by residents, so it cannot be reported either
  if (!target || target.suspendedAt) throw new NotFound("Record not found");
  const statusIds = [...new Set(input.statusIds)];
  if (statusIds.length > MAX_REPORT_STATUSES) throw new Invalid(`Validation failed: at most ${MAX_REPORT_STATUSES} posts`, { status_ids: "ERR_TOO_LONG" });
  if (statusIds.length) {
    const found = await ctx.db
      .select({ id: statuses.id })
      .from(statuses)
      .where(and(inArray(statuses.id, statusIds), eq(statuses.accountId, target.id), visibleTo(input.reporterId)));
    if (found.length !== statusIds.length) throw new Invalid("Validation failed: status_ids must be posts of the reported account", { status_ids: "ERR_INVALID" });
  }
  const ruleIds = [...new Set(input.ruleIds)];
  if (ruleIds.length && input.category !== "violation") throw new Invalid("Validation failed: rule_ids go with the violation category", { rule_ids: "ERR_INVALID" });
  if (input.category === "violation" && ruleIds.length === 0) throw new Invalid("Validation failed: a violation names the rules broken", { rule_ids: "ERR_BLANK" });
  if (ruleIds.length) {
    const found = await ctx.db.select({ id: instanceRules.id }).from(instanceRules).where(inArray(instanceRules.id, ruleIds));
    if (found.length !== ruleIds.length) throw new Invalid("Validation failed: unknown rule", { rule_ids: "ERR_INVALID" });
  }
  const comment = stripHtml(input.comment);
  const forward = input.forward && target.domain !== null && Boolean(target.sharedInboxUrl ?? target.inboxUrl);
  return writeAndPublish(ctx, async (tx, record) => {
    const [row] = await tx
      .insert(reports)
      .values({
        id: newId(),
        accountId: input.reporterId,
        targetAccountId: target.id,
        statusIds,
        comment,
        category: input.category,
        ruleIds,
        forwarded: forward,
      })
      .returning();
    if (forward) {
      const uris = statusIds.length ? (await tx.select({ uri: statuses.uri }).from(statuses).where(inArray(statuses.id, statusIds))).map((s) => s.uri) : [];
      await record("report.forward_requested", {
        reportId: row.id,
        targetAccountId: target.id,
        targetAccountUri: target.uri,
        inboxUrl: (target.sharedInboxUrl ?? target.inboxUrl)!,
        statusUris: uris,
        comment,
      });
    }
    return row;
  });
}

export async function openReports(ctx: DomainContext, limit = 100): Promise<Report[]> {
  return ctx.db.select().from(reports).where(isNull(reports.actionTakenAt)).orderBy(desc(reports.id)).limit(limit);
}

export interface ReportFilter {
  resolved?: boolean;
  /** the reporter */
  accountId?: string;
  targetAccountId?: string;
}

/** The moderators' queue, newest first, with Mastodon's id pagination. */
export async function listReports(ctx: DomainContext, filter: ReportFilter, page: PageParams): Promise<Report[]> {
  const q = pageQuery(reports.id, page);
  const rows = await ctx.db
    .select()
    .from(reports)
    .where(
      and(
        filter.resolved === undefined ? undefined : filter.resolved ? isNotNull(reports.actionTakenAt) : isNull(reports.actionTakenAt),
        filter.accountId ? eq(reports.accountId, filter.accountId) : undefined,
        filter.targetAccountId ? eq(reports.targetAccountId, filter.targetAccountId) : undefined,
        q.where,
      ),
    )
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

export async function getReport(ctx: DomainContext, id: string): Promise<Report> {
  const [row] = await ctx.db.select().from(reports).where(eq(reports.id, id));
  if (!row) throw new NotFound("Record not found");
  return row;
}

/** Assigns a report to a staff member (null: unassigns). */
export async function assignReport(ctx: DomainContext, reportId: string, assigneeId: string | null): Promise<Report> {
  const [row] = await ctx.db.update(reports).set({ assignedAccountId: assigneeId, updatedAt: new Date() }).where(eq(reports.id, reportId)).returning();
  if (!row) throw new NotFound("Record not found");
  return row;
}

/**
 * Marks a report handled. The one place where a report is resolved (by hand,
 * or by an account action naming it): the moderation log hooks in here.
 */
/** Who resolves a report, as the public log names them (role only). */
export interface ReportResolver {
  accountId: string | null;
  role: string;
}

/** Marks a report resolved; the first resolution is written to the public moderation log. */
export async function resolveReport(ctx: DomainContext, reportId: string, by: ReportResolver): Promise<Report> {
  return inTransaction(ctx, async (tx) => {
    const [before] = await tx.db.select({ resolvedAt: reports.actionTakenAt }).from(reports).where(eq(reports.id, reportId));
    if (!before) throw new NotFound("Record not found");
    const [row] = await tx.db
      .update(reports)
      .set({ actionTakenAt: sql`coalesce(${reports.actionTakenAt}, now())`, actionTakenByAccountId: by.accountId, updatedAt: new Date() })
      .where(eq(reports.id, reportId))
      .returning();
    if (!before.resolvedAt) {
      await appendLogEntry(tx, {
        action: "report_resolved",
        target: { type: "report", id: reportId },
        ruleIds: row.ruleIds,
        actorRole: by.role === "admin" ? "admin" : "moderator",
        staffAccountId: by.accountId,
      });
    }
    return row;
  });
}

/** Puts a resolved report back in the queue. */
export async function reopenReport(ctx: DomainContext, reportId: string): Promise<Report> {
  const [row] = await ctx.db
    .update(reports)
    .set({ actionTakenAt: null, actionTakenByAccountId: null, updatedAt: new Date() })
    .where(eq(reports.id, reportId))
    .returning();
  if (!row) throw new NotFound("Record not found");
  return row;
}
