// Moderator and admin endpoints: approval of registrations (Mastodon's
// /api/v1/admin/accounts shape; listing and moderation of accounts are in
// ./moderation.ts) and instance settings (Parvis extension).
import { Router } from "express";
import { z } from "zod";
import { currentAuth, requireRole } from "../auth/middleware";
import { approveUser, getAccount, getUserByAccountId, rejectRegistration, type Account, type User } from "../domain/accounts";
import { addRule, getSettings, listRules, removeRule, setSetting } from "../domain/instance";
import { Invalid, NotFound } from "../errors";
import { listDeliveryFailures } from "../domain/domains";
import { listDomainPolicies, normalizeDomain, removeDomainPolicy, setDomainPolicy, type DomainPolicy } from "../domain/domains";
import type { Services } from "../services";
import { idParam, parseBody } from "./http";
import { serializeAdminAccount } from "../entities/admin";

export function adminRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const staff = requireRole("moderator", "admin");

  const adminAccount = (user: User, account: Account) => serializeAdminAccount(services, { user, account });

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
          contact_email: z.union([z.email().max(320), z.literal("")]).optional(),
          trends_review: z.boolean().optional(),
        })
        .strict(),
      req,
    );
    if (body.registration_mode) await setSetting(ctx, "registration_mode", body.registration_mode);
    if (body.federation_mode) await setSetting(ctx, "federation_mode", body.federation_mode);
    if (body.description !== undefined) await setSetting(ctx, "description", body.description);
    if (body.charter !== undefined) await setSetting(ctx, "charter", body.charter);
    if (body.contact_email !== undefined) await setSetting(ctx, "contact_email", body.contact_email);
    if (body.trends_review !== undefined) await setSetting(ctx, "trends_review", body.trends_review);
    services.logger.info({ by: currentAuth(req).account.username, changed: Object.keys(body) }, "instance settings changed");
    res.json(await settingsEntity());
  });

  router.post("/api/parvis/admin/rules", admin, async (req, res) => {
    const body = parseBody(z.object({ text: z.string().trim().min(1).max(1000), hint: z.string().max(1000).optional() }), req);
    const rule = await addRule(ctx, body.text, body.hint ?? "");
    res.json({ id: rule.id, text: rule.text, hint: rule.hint });
  });

  router.delete("/api/parvis/admin/rules/:id", admin, async (req, res) => {
    const id = idParam(req);
    if (!(await listRules(ctx)).some((r) => r.id === id)) throw new NotFound();
    await removeRule(ctx, id);
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
      z.object({ domain: z.string().trim().min(1).max(253), policy: z.enum(["allow", "block"]), reason: z.string().max(1000).optional() }),
      req,
    );
    const domain = normalizeDomain(body.domain);
    if (domain === services.config.domain) throw new Invalid("Validation failed: this instance's own domain cannot be listed");
    res.json(domainEntity(await setDomainPolicy(ctx, domain, body.policy, body.reason ?? "")));
  });

  router.delete("/api/parvis/admin/domains/:domain", admin, async (req, res) => {
    const domain = String(req.params.domain ?? "").toLowerCase();
    if (!(await listDomainPolicies(ctx)).some((p) => p.domain === domain)) throw new NotFound();
    await removeDomainPolicy(ctx, domain);
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
    };
  }

  return router;
}
