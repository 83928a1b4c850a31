// Moderation through Mastodon's admin API shapes: the report queue
// (/api/v1/admin/reports), accounts and actions on them
// (/api/v1/admin/accounts), the domain policies as domain_blocks and
// domain_allows, and Parvis's staff notes and account history
// (/api/parvis/admin/…). Permissions follow Mastodon's default roles:
// moderators and admins ("staff") handle reports, accounts and notes; only
// admins change federation (domain blocks and allows), as Mastodon's
// "manage federation" permission belongs to the Admin role only.
import { Router, type Request } from "express";
import { z } from "zod";
import { currentAuth, requireRole } from "../auth/middleware";
import { getDomainPolicy, listDomainPolicies, normalizeDomain, type DomainPolicy } from "../domain/domains";
import { listRules } from "../domain/instance";
import {
  ACTION_TYPES,
  accountActionHistory,
  addNote,
  applyAccountAction,
  assignReport,
  deleteNote,
  getAccountForStaff,
  getAccountsForStaff,
  getReport,
  liftAccountAction,
  listAccountsForStaff,
  listNotes,
  listReports,
  MAX_ACTION_TEXT,
  MAX_NOTE_LENGTH,
  reopenReport,
  resolveReport,
  type LiftType,
  type Moderator,
  type Actor as LogActor,
  setDomainPolicyLogged,
  removeDomainPolicyLogged,
  type ModerationNote,
  type NoteSubject,
  type Report,
  type StaffAccountFilter,
} from "../domain/moderation";
import { loadStatuses } from "../domain/statuses";
import { loadStatusViews } from "../domain/views";
import { loadAccountViews } from "../domain/accounts";
import type { StaffAccountView } from "../domain/moderation";
import {
  serializeAccountAction,
  serializeAdminAccounts,
  serializeAdminReport,
  serializeDomainAllow,
  serializeDomainBlock,
  serializeNote,
} from "../entities/admin";
import { serializeStatuses } from "../entities/status";
import { Invalid, NotFound } from "../errors";
import type { Services } from "../services";
import { boolish, idParam, idSchema, listOf, pageParams, parseBody, parseQuery, setLinkHeader } from "./http";

const ADMIN_PAGE = { defaultLimit: 100, maxLimit: 200 };

const accountsQuery = z.object({
  // Mastodon v1 flags
  local: boolish.optional(),
  remote: boolish.optional(),
  active: boolish.optional(),
  pending: boolish.optional(),
  disabled: boolish.optional(),
  silenced: boolish.optional(),
  suspended: boolish.optional(),
  sensitized: boolish.optional(),
  staff: boolish.optional(),
  by_domain: z.string().max(253).optional(),
  username: z.string().max(100).optional(),
  display_name: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
  // Mastodon v2 spellings
  origin: z.enum(["local", "remote"]).optional(),
  status: z.enum(["active", "pending", "disabled", "silenced", "suspended", "sensitized"]).optional(),
  permissions: z.literal("staff").optional(),
  max_id: z.unknown().optional(),
  min_id: z.unknown().optional(),
  since_id: z.unknown().optional(),
  limit: z.unknown().optional(),
});

function accountFilter(q: z.infer<typeof accountsQuery>): StaffAccountFilter {
  const flagged = (["active", "pending", "disabled", "silenced", "suspended", "sensitized"] as const).filter((k) => q[k]);
  if (flagged.length > 1) throw new Invalid("Invalid parameter: choose one status filter");
  if (q.local && q.remote) throw new Invalid("Invalid parameter: local and remote exclude each other");
  return {
    origin: q.origin ?? (q.local ? "local" : q.remote ? "remote" : undefined),
    domain: q.by_domain || undefined,
    status: q.status ?? flagged[0],
    staff: q.staff || q.permissions === "staff",
    username: q.username || undefined,
    displayName: q.display_name || undefined,
    email: q.email || undefined,
  };
}

const reportsQuery = z.object({
  resolved: boolish.optional(),
  account_id: idSchema.optional(),
  target_account_id: idSchema.optional(),
});

const actionSchema = z.object({
  type: z.enum(ACTION_TYPES),
  report_id: idSchema.optional(),
  text: z.string().max(MAX_ACTION_TEXT).optional(),
  // Parvis: the charter rules broken
  rule_ids: listOf(idSchema).pipe(z.array(idSchema).max(50)).optional(),
  // accepted for Mastodon clients; Parvis sends no e-mail and has no presets
  send_email_notification: boolish.optional(),
  warning_preset_id: z.unknown().optional(),
});

const liftSchema = z.object({ text: z.string().max(MAX_ACTION_TEXT).optional() });

const noteSchema = z.object({ content: z.string().trim().min(1).max(MAX_NOTE_LENGTH) });

const comment = z.string().max(1000);
const domainBlockSchema = z.object({
  domain: z.string().trim().min(1).max(253),
  severity: z.enum(["silence", "suspend", "noop"]).optional(),
  public_comment: comment.optional(),
  private_comment: comment.optional(),
  reject_media: boolish.optional(),
  reject_reports: boolish.optional(),
  obfuscate: boolish.optional(),
});
const domainBlockUpdateSchema = domainBlockSchema.omit({ domain: true });

export function moderationRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const adminAccounts = async (views: StaffAccountView[]) => serializeAdminAccounts(origin, views, await loadAccountViews(ctx, views.map((v) => v.account)));
  const staff = requireRole("moderator", "admin");
  const admin = requireRole("admin");

  /** who acts, as the public moderation log names them: the role only */
  const logActor = (req: Request): LogActor => {
    const auth = currentAuth(req);
    return { role: auth.user.role === "admin" ? "admin" : "moderator", staffAccountId: auth.account.id };
  };
  const moderator = (req: Request): Moderator => {
    const auth = currentAuth(req);
    return { accountId: auth.account.id, role: auth.user.role };
  };

  async function reportEntities(reports: Report[], viewerId: string) {
    const accountIds = new Set<string>();
    for (const r of reports) for (const id of [r.accountId, r.targetAccountId, r.assignedAccountId, r.actionTakenByAccountId]) if (id) accountIds.add(id);
    const views = await getAccountsForStaff(ctx, [...accountIds]);
    const entities = await adminAccounts([...views.values()]);
    const byId = new Map(entities.map((e) => [e.id, e]));
    const statusRows = await loadStatuses(ctx, [...new Set(reports.flatMap((r) => r.statusIds))]);
    // staff read reported posts whatever their visibility
    const statusEntities = serializeStatuses(origin, await loadStatusViews(ctx, statusRows, viewerId));
    const statusById = new Map(statusEntities.map((s) => [s.id, s]));
    const rules = (await listRules(ctx)).map((r) => ({ id: r.id, text: r.text, hint: r.hint }));
    return reports.map((r) =>
      serializeAdminReport(
        r,
        byId,
        r.statusIds.map((id) => statusById.get(id)).filter((s) => s !== undefined),
        rules,
      ),
    );
  }

  async function reportEntity(report: Report, viewerId: string) {
    return (await reportEntities([report], viewerId))[0];
  }

  // ── reports ──

  router.get("/api/v1/admin/reports", staff, async (req, res) => {
    const q = parseQuery(reportsQuery.passthrough(), req);
    const page = pageParams(req, ADMIN_PAGE.defaultLimit, ADMIN_PAGE.maxLimit);
    const rows = await listReports(ctx, { resolved: q.resolved, accountId: q.account_id, targetAccountId: q.target_account_id }, page);
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(await reportEntities(rows, currentAuth(req).account.id));
  });

  router.get("/api/v1/admin/reports/:id", staff, async (req, res) => {
    res.json(await reportEntity(await getReport(ctx, idParam(req)), currentAuth(req).account.id));
  });

  router.post("/api/v1/admin/reports/:id/assign_to_self", staff, async (req, res) => {
    const me = currentAuth(req).account.id;
    res.json(await reportEntity(await assignReport(ctx, idParam(req), me), me));
  });

  router.post("/api/v1/admin/reports/:id/unassign", staff, async (req, res) => {
    res.json(await reportEntity(await assignReport(ctx, idParam(req), null), currentAuth(req).account.id));
  });

  router.post("/api/v1/admin/reports/:id/resolve", staff, async (req, res) => {
    const me = currentAuth(req).account.id;
    res.json(await reportEntity(await resolveReport(ctx, idParam(req), moderator(req)), me));
  });

  router.post("/api/v1/admin/reports/:id/reopen", staff, async (req, res) => {
    res.json(await reportEntity(await reopenReport(ctx, idParam(req)), currentAuth(req).account.id));
  });

  // ── accounts ──

  router.get("/api/v1/admin/accounts", staff, async (req, res) => {
    const filter = accountFilter(parseQuery(accountsQuery, req));
    const page = pageParams(req, ADMIN_PAGE.defaultLimit, ADMIN_PAGE.maxLimit);
    const rows = await listAccountsForStaff(ctx, filter, page);
    setLinkHeader(req, res, rows.map((r) => r.account.id), page.limit);
    res.json(await adminAccounts(rows));
  });

  router.get("/api/v1/admin/accounts/:id", staff, async (req, res) => {
    res.json((await adminAccounts([await getAccountForStaff(ctx, idParam(req))]))[0]);
  });

  router.post("/api/v1/admin/accounts/:id/action", staff, async (req, res) => {
    const id = idParam(req);
    const body = parseBody(actionSchema, req);
    await applyAccountAction(ctx, moderator(req), { targetAccountId: id, type: body.type, text: body.text, reportId: body.report_id, ruleIds: body.rule_ids });
    // Mastodon answers an empty object
    res.json({});
  });

  for (const lift of ["unsilence", "unsuspend", "unsensitive", "enable"] as const satisfies readonly LiftType[]) {
    router.post(`/api/v1/admin/accounts/:id/${lift}`, staff, async (req, res) => {
      const id = idParam(req);
      const body = parseBody(liftSchema, req);
      await liftAccountAction(ctx, moderator(req), { targetAccountId: id, type: lift, text: body.text });
      res.json((await adminAccounts([await getAccountForStaff(ctx, id)]))[0]);
    });
  }

  router.get("/api/parvis/admin/accounts/:id/actions", staff, async (req, res) => {
    const id = idParam(req);
    await getAccountForStaff(ctx, id);
    res.json((await accountActionHistory(ctx, id)).map(serializeAccountAction));
  });

  // ── notes (accounts and reports) ──

  async function noteEntities(notes: ModerationNote[]) {
    const authors = await getAccountsForStaff(ctx, [...new Set(notes.map((n) => n.authorAccountId).filter((id): id is string => Boolean(id)))]);
    const entities = await adminAccounts([...authors.values()]);
    const byId = new Map(entities.map((e) => [e.id, e]));
    return notes.map((n) => serializeNote(n, byId));
  }

  for (const kind of ["accounts", "reports"] as const) {
    const subjectOf = (req: Request): NoteSubject => (kind === "accounts" ? { accountId: idParam(req) } : { reportId: idParam(req) });
    router.get(`/api/parvis/admin/${kind}/:id/notes`, staff, async (req, res) => {
      res.json(await noteEntities(await listNotes(ctx, subjectOf(req))));
    });
    router.post(`/api/parvis/admin/${kind}/:id/notes`, staff, async (req, res) => {
      const subject = subjectOf(req);
      const body = parseBody(noteSchema, req);
      res.json((await noteEntities([await addNote(ctx, moderator(req), subject, body.content)]))[0]);
    });
    router.delete(`/api/parvis/admin/${kind}/:id/notes/:note_id`, staff, async (req, res) => {
      const subject = subjectOf(req);
      await deleteNote(ctx, moderator(req), subject, idParam(req, "note_id"));
      res.json({});
    });
  }

  // ── domain blocks and allows (admins) ──

  const domainParam = (req: Request): string => {
    try {
      return normalizeDomain(String(req.params.id ?? ""));
    } catch {
      throw new NotFound("Record not found");
    }
  };
  const isBlock = (p: DomainPolicy | undefined): p is DomainPolicy => p?.policy === "block" || p?.policy === "silence";

  router.get("/api/v1/admin/domain_blocks", admin, async (req, res) => {
    const rows = (await listDomainPolicies(ctx)).filter(isBlock);
    res.json(rows.map(serializeDomainBlock));
  });

  router.get("/api/v1/admin/domain_blocks/:id", admin, async (req, res) => {
    const row = await getDomainPolicy(ctx, domainParam(req));
    if (!isBlock(row)) throw new NotFound("Record not found");
    res.json(serializeDomainBlock(row));
  });

  const severityPolicy = (severity: "silence" | "suspend" | "noop" | undefined): "silence" | "block" => {
    // Parvis has no "noop" block (media and report rejection are not separate switches yet)
    if (severity === "noop") throw new Invalid("Validation failed: severity noop is not supported", { severity: "ERR_INVALID" });
    return severity === "silence" ? "silence" : "block";
  };

  router.post("/api/v1/admin/domain_blocks", admin, async (req, res) => {
    const body = parseBody(domainBlockSchema, req);
    const domain = normalizeDomain(body.domain);
    const policy = severityPolicy(body.severity);
    const existing = await getDomainPolicy(ctx, domain);
    if (isBlock(existing)) throw new Invalid("Validation failed: this domain is already blocked", { domain: "ERR_TAKEN" });
    if (existing) throw new Invalid("Validation failed: this domain is on the allowlist; remove it there first", { domain: "ERR_TAKEN" });
    res.json(serializeDomainBlock(await setDomainPolicyLogged(ctx, { domain, policy, reason: body.public_comment ?? "", privateComment: body.private_comment ?? "" }, logActor(req))));
  });

  router.put("/api/v1/admin/domain_blocks/:id", admin, async (req, res) => {
    const domain = domainParam(req);
    const existing = await getDomainPolicy(ctx, domain);
    if (!isBlock(existing)) throw new NotFound("Record not found");
    const body = parseBody(domainBlockUpdateSchema, req);
    const policy = body.severity ? severityPolicy(body.severity) : existing.policy;
    res.json(
      serializeDomainBlock(
        await setDomainPolicyLogged(
          ctx,
          { domain, policy: policy as "silence" | "block", reason: body.public_comment ?? existing.reason, privateComment: body.private_comment ?? existing.privateComment },
          logActor(req),
        ),
      ),
    );
  });

  router.delete("/api/v1/admin/domain_blocks/:id", admin, async (req, res) => {
    const domain = domainParam(req);
    if (!isBlock(await getDomainPolicy(ctx, domain))) throw new NotFound("Record not found");
    await removeDomainPolicyLogged(ctx, domain, undefined, logActor(req));
    res.json({});
  });

  router.get("/api/v1/admin/domain_allows", admin, async (_req, res) => {
    res.json((await listDomainPolicies(ctx)).filter((p) => p.policy === "allow").map(serializeDomainAllow));
  });

  router.get("/api/v1/admin/domain_allows/:id", admin, async (req, res) => {
    const row = await getDomainPolicy(ctx, domainParam(req));
    if (row?.policy !== "allow") throw new NotFound("Record not found");
    res.json(serializeDomainAllow(row));
  });

  router.post("/api/v1/admin/domain_allows", admin, async (req, res) => {
    const body = parseBody(z.object({ domain: z.string().trim().min(1).max(253) }), req);
    const domain = normalizeDomain(body.domain);
    const existing = await getDomainPolicy(ctx, domain);
    // as Mastodon: allowing an allowed domain returns it
    if (existing?.policy === "allow") return void res.json(serializeDomainAllow(existing));
    if (existing) throw new Invalid("Validation failed: this domain is blocked; remove the block first", { domain: "ERR_TAKEN" });
    res.json(serializeDomainAllow(await setDomainPolicyLogged(ctx, { domain, policy: "allow" }, logActor(req))));
  });

  router.delete("/api/v1/admin/domain_allows/:id", admin, async (req, res) => {
    const domain = domainParam(req);
    if ((await getDomainPolicy(ctx, domain))?.policy !== "allow") throw new NotFound("Record not found");
    await removeDomainPolicyLogged(ctx, domain, undefined, logActor(req));
    res.json({});
  });

  return router;
}
