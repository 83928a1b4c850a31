// POST /api/v1/reports: a resident reports an account and some of its posts
// (Mastodon-compatible). Validation of what is reported lives in the domain
// (server/domain/moderation/reports.ts fileReport); nothing is stored when
// anything is wrong.
import { Router } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { getAccount, loadAccountView } from "../domain/accounts";
import { fileReport, MAX_REPORT_COMMENT, MAX_REPORT_STATUSES, REPORT_CATEGORIES } from "../domain/moderation";
import { serializeAccount } from "../entities/account";
import { serializeReport } from "../entities/admin";
import type { Services } from "../services";
import { boolish, idSchema, listOf, parseBody } from "./http";

const reportSchema = z.object({
  account_id: idSchema,
  status_ids: listOf(idSchema).pipe(z.array(idSchema).max(MAX_REPORT_STATUSES)).optional(),
  comment: z.string().max(MAX_REPORT_COMMENT).optional(),
  forward: boolish.optional(),
  category: z.enum(REPORT_CATEGORIES).optional(),
  rule_ids: listOf(idSchema).pipe(z.array(idSchema).max(50)).optional(),
});

export function reportsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;

  router.post("/api/v1/reports", requireAuth("write:reports"), async (req, res) => {
    const body = parseBody(reportSchema, req);
    const me = currentAuth(req).account;
    const ruleIds = body.rule_ids ?? [];
    const report = await fileReport(ctx, {
      reporterId: me.id,
      targetAccountId: body.account_id,
      statusIds: body.status_ids ?? [],
      comment: body.comment ?? "",
      // as Mastodon: rules given without a category mean a violation
      category: body.category ?? (ruleIds.length ? "violation" : "other"),
      ruleIds,
      forward: body.forward ?? false,
    });
    res.json(serializeReport(report, serializeAccount(services.config.origin, await loadAccountView(ctx, await getAccount(ctx, report.targetAccountId)))));
  });

  return router;
}
