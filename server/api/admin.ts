// Moderator and admin endpoints: approval of registrations (Mastodon's
// /api/v1/admin/accounts shape; listing and moderation of accounts are in
// ./moderation.ts) and instance settings (Parvis extension).
import { Router } from "express";
import { z } from "zod";
import { currentAuth, requireRole } from "../auth/middleware";
import { approveUser, getAccount, getUserByAccountId, loadAccountView, rejectRegistration, type Account, type User } from "../domain/accounts";
import { getSettings, OPEN_DATA_LICENSE_PATTERN, setSetting } from "../domain/instance";
import {
  addRuleLogged,
  removeDomainPolicyLogged,
  removeRuleLogged,
  setCharterLogged,
  setDomainPolicyLogged,
  updateRuleLogged,
  type Actor,
} from "../domain/moderation";
import { Invalid, NotFound } from "../errors";
import { listDeliveryFailures } from "../domain/domains";
import { listDomainPolicies, normalizeDomain, type DomainPolicy } from "../domain/domains";
import type { Services } from "../services";
import { idParam, idSchema, parseBody, parseQuery } from "./http";
import { serializeAdminAccount } from "../entities/admin";

export function adminRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const staff = requireRole("moderator", "admin");

  const adminAccount = async (user: User, account: Account) => serializeAdminAccount(origin, { user, account }, await loadAccountView(ctx, account));

  router.post("/api/v1/admin/accounts/:id/approve", staff, async (req, res) => {
    const account = await getAccount(ctx, idParam(req));
    const user = await getUserByAccountId(ctx, account.id);
    if (!user || user.approved) throw new NotFound();
    await approveUser(ctx, user.id);
    res.json(await adminAccount({ ...user, approved: true }, account));
  });

  router.post("/api/v1/admin/accounts/:id/reject", staff, async (req, res) => {
    const account = await getAccount(ctx, idParam(req));
    const user = await getUserByAccountId(ctx, account.id);
    if (!user || user.approved) throw new NotFound();
    const entity = await adminAccount(user, account);
    await rejectRegistration(ctx, account.id);
    res.json(entity);
  });

  const admin = requireRole("admin");

  /** Who acts, as the public log knows them: their role only (the account id stays staff-side). */
  const actor = (req: import("express").Request): Actor => {
    const auth = currentAuth(req);
    return { role: auth.user.role === "admin" ? "admin" : "moderator", staffAccountId: auth.account.id };
  };
  /** An optional public reason given in the query string of a DELETE. */
  const reasonQuery = (req: import("express").Request) => parseQuery(z.object({ reason: z.string().max(2000).optional() }).passthrough(), req).reason;

  router.get("/api/parvis/admin/settings", admin, async (_req, res) => {
    res.json(await settingsEntity());
  });

  router.patch("/api/parvis/admin/settings", admin, async (req, res) => {
    const body = parseBody(
      z
        .object({
          registration_mode: z.enum(["open", "approval", "closed"]).optional(),
          federation_mode: z.enum(["open", "allowlist"]).optional(),
          description: z.string().max(5000).optional(),
          charter: z.string().max(20000).optional(),
          /** the public log's reason for a new charter */
          charter_reason: z.string().max(2000).optional(),
          contact_email: z.union([z.email().max(320), z.literal("")]).optional(),
          trends_review: z.boolean().optional(),
          group_creation: z.enum(["everyone", "admins"]).optional(),
          moderation_log_anonymise: z.boolean().optional(),
          data_controller: z.string().max(2000).optional(),
          open_data_license: z.string().trim().max(200).regex(OPEN_DATA_LICENSE_PATTERN, "must be an SPDX identifier or a URL (printable ASCII)").optional(),
          open_data_attribution: z.string().trim().max(1000).optional(),
          map_center: z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)]).nullable().optional(),
          map_zoom: z.number().int().min(0).max(19).optional(),
        })
        .strict(),
      req,
    );
    if (body.registration_mode) await setSetting(ctx, "registration_mode", body.registration_mode);
    if (body.federation_mode) await setSetting(ctx, "federation_mode", body.federation_mode);
    if (body.description !== undefined) await setSetting(ctx, "description", body.description);
    // a new charter is a moderation decision: it goes to the public log
    if (body.charter !== undefined) await setCharterLogged(ctx, body.charter, body.charter_reason, actor(req));
    if (body.contact_email !== undefined) await setSetting(ctx, "contact_email", body.contact_email);
    if (body.trends_review !== undefined) await setSetting(ctx, "trends_review", body.trends_review);
    if (body.group_creation !== undefined) await setSetting(ctx, "group_creation", body.group_creation);
    if (body.moderation_log_anonymise !== undefined) await setSetting(ctx, "moderation_log_anonymise", body.moderation_log_anonymise);
    if (body.data_controller !== undefined) await setSetting(ctx, "data_controller", body.data_controller);
    if (body.open_data_license !== undefined) await setSetting(ctx, "open_data_license", body.open_data_license);
    if (body.open_data_attribution !== undefined) await setSetting(ctx, "open_data_attribution", body.open_data_attribution);
    if (body.map_center !== undefined) await setSetting(ctx, "map_center", body.map_center);
    if (body.map_zoom !== undefined) await setSetting(ctx, "map_zoom", body.map_zoom);
    services.logger.info({ by: currentAuth(req).account.username, changed: Object.keys(body) }, "instance settings changed");
    res.json(await settingsEntity());
  });

  // every change of a rule is public (server/domain/moderation/logged-changes.ts)
  const ruleText = z.string().trim().min(1).max(1000);
  const publicReason = z.string().trim().max(2000).optional();
  const ruleEntity = (rule: { id: string; text: string; hint: string }) => ({ id: rule.id, text: rule.text, hint: rule.hint });

  router.post("/api/parvis/admin/rules", admin, async (req, res) => {
    const body = parseBody(z.object({ text: ruleText, hint: z.string().max(1000).optional(), reason: publicReason }), req);
    res.json(ruleEntity(await addRuleLogged(ctx, body, actor(req))));
  });

  router.patch("/api/parvis/admin/rules/:id", admin, async (req, res) => {
    const id = idParam(req);
    const body = parseBody(z.object({ text: ruleText.optional(), hint: z.string().max(1000).optional(), reason: publicReason }).strict(), req);
    res.json(ruleEntity(await updateRuleLogged(ctx, id, body, actor(req))));
  });

  router.delete("/api/parvis/admin/rules/:id", admin, async (req, res) => {
    await removeRuleLogged(ctx, idParam(req), reasonQuery(req), actor(req));
    res.json({});
  });

  router.get("/api/parvis/admin/delivery_failures", admin, async (_req, res) => {
    const rows = await listDeliveryFailures(ctx);
    res.json(
      rows.map((r) => ({
        inbox_url: r.inboxUrl,
        domain: r.domain,
        failures: r.failures,
        first_failure_at: r.firstFailureAt.toISOString(),
        last_failure_at: r.lastFailureAt.toISOString(),
        last_error: r.lastError,
        abandoned_at: r.abandonedAt?.toISOString() ?? null,
      })),
    );
  });

  const domainEntity = (p: DomainPolicy) => ({ domain: p.domain, policy: p.policy, reason: p.reason, created_at: p.createdAt.toISOString() });

  router.get("/api/parvis/admin/domains", admin, async (_req, res) => {
    res.json((await listDomainPolicies(ctx)).map(domainEntity));
  });

  router.post("/api/parvis/admin/domains", admin, async (req, res) => {
    const body = parseBody(
      z.object({
        domain: z.string().trim().min(1).max(253),
        policy: z.enum(["allow", "block"]),
        reason: z.string().max(1000).optional(),
        public_reason: z.string().trim().max(2000).optional(),
        rule_ids: z.array(idSchema).max(20).optional(),
      }),
      req,
    );
    const domain = normalizeDomain(body.domain);
    if (domain === services.config.domain) throw new Invalid("Validation failed: this instance's own domain cannot be listed");
    const policy = await setDomainPolicyLogged(
      ctx,
      { domain, policy: body.policy, reason: body.reason, publicReason: body.public_reason, ruleIds: body.rule_ids },
      actor(req),
    );
    res.json(domainEntity(policy));
  });

  router.delete("/api/parvis/admin/domains/:domain", admin, async (req, res) => {
    const domain = String(req.params.domain ?? "").toLowerCase();
    if (!(await listDomainPolicies(ctx)).some((p) => p.domain === domain)) throw new NotFound();
    await removeDomainPolicyLogged(ctx, domain, reasonQuery(req), actor(req));
    res.json({});
  });

  async function settingsEntity() {
    const s = await getSettings(ctx);
    return {
      registration_mode: s.registrationMode,
      federation_mode: s.federationMode,
      description: s.description,
      charter: s.charter,
      contact_email: s.contactEmail,
      trends_review: s.trendsReview,
      group_creation: s.groupCreation,
      moderation_log_anonymise: s.moderationLogAnonymise,
      data_controller: s.dataController,
      open_data_license: s.openDataLicense,
      open_data_attribution: s.openDataAttribution,
      map_center: s.mapCenter,
      map_zoom: s.mapZoom,
    };
  }

  return router;
}
