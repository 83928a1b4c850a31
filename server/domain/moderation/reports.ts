// Reports for moderators: from residents, or Flag activities from other servers.
import { desc, eq, inArray, isNull } from "drizzle-orm";
import { reports, statuses } from "../../db/schema";
import { Invalid } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { stripHtml } from "../content/sanitize";

export type Report = typeof reports.$inferSelect;

export interface ReportInput {
  reporterId: string;
  targetAccountId: string;
  statusIds?: string[];
  comment?: string;
  category?: string;
  /** ActivityPub id of a Flag */
  uri?: string | null;
}

export async function createReport(ctx: DomainContext, input: ReportInput): Promise<Report> {
  if (input.reporterId === input.targetAccountId) throw new Invalid("You cannot report yourself");
  // only statuses of the reported account are kept
  const ids = (input.statusIds ?? []).slice(0, 100);
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
      category: ["spam", "legal", "violation", "other"].includes(input.category ?? "") ? input.category! : "other",
      uri: input.uri ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (!row && input.uri) {
    const [existing] = await ctx.db.select().from(reports).where(eq(reports.uri, input.uri));
    return existing;
  }
  return row;
}

export async function openReports(ctx: DomainContext, limit = 100): Promise<Report[]> {
  return ctx.db.select().from(reports).where(isNull(reports.actionTakenAt)).orderBy(desc(reports.id)).limit(limit);
}
