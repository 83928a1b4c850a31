// The web client's session: the token lives in an HttpOnly, SameSite=Strict
// cookie that scripts cannot read; a second, readable cookie carries the CSRF
// token the client echoes in X-CSRF-Token (checked in auth/middleware.ts).
import { randomBytes } from "node:crypto";
import { Router, type CookieOptions, type Request } from "express";
import { z } from "zod";
import { assertMayLogIn, authenticatePassword, checkPassword, lockoutKey, passwordAuthenticator } from "../auth/login";
import { CSRF_COOKIE, SESSION_COOKIE, currentAuth, requireAuth } from "../auth/middleware";
import { authRateLimit, failedLoginTracker, loginRateLimit } from "../auth/rate-limit";
import { issueToken, revokeToken } from "../auth/tokens";
import { changePassword, listSessions, revokeSession, WEB_SESSION_DAYS } from "../domain/access";
import { cancelAccountDeletion, requestAccountDeletion } from "../domain/account-deletion";
import { Unauthorized } from "../errors";
import type { Services } from "../services";
import { idParam, parseBody } from "./http";
import { serializeCredentialAccount } from "../entities/account";
import { loadCredentialAccount } from "../domain/accounts";

const SESSION_DAYS = WEB_SESSION_DAYS;

export function webSessionRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const secure = services.config.origin.startsWith("https://");
  const failures = failedLoginTracker(services);
  const passwords = passwordAuthenticator(ctx);
  const cookieBase = (req: Request): CookieOptions => ({
    sameSite: "strict",
    secure: secure || req.secure,
    path: "/",
    maxAge: SESSION_DAYS * 86400_000,
  });

  router.post("/api/parvis/web/session", loginRateLimit(services, services.config.authRateLimit), async (req, res) => {
    const body = parseBody(z.object({ username: z.string().min(1).max(320), password: z.string().min(1).max(1000) }), req);
    const key = await lockoutKey(ctx, body.username);
    failures.assertAllowed(key);
    const result = await authenticatePassword(passwords, req, res);
    if (!result) {
      failures.fail(key);
      throw new Unauthorized("Invalid username or password");
    }
    assertMayLogIn(result);
    failures.succeed(key);
    const issued = await issueToken(ctx, { userId: result.user.id, kind: "web", userAgent: req.get("user-agent"), ip: req.ip });
    res.cookie(SESSION_COOKIE, issued.accessToken, { ...cookieBase(req), httpOnly: true });
    res.cookie(CSRF_COOKIE, randomBytes(24).toString("base64url"), { ...cookieBase(req), httpOnly: false });
    res.json({ account: serializeCredentialAccount(origin, await loadCredentialAccount(ctx, result.account, result.user)) });
  });

  router.delete("/api/parvis/web/session", async (req, res) => {
    if (req.auth) await revokeToken(ctx, req.auth.token.id);
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    res.clearCookie(CSRF_COOKIE, { path: "/" });
    res.json({});
  });

  router.get("/api/parvis/web/sessions", requireAuth(), async (req, res) => {
    const auth = currentAuth(req);
    const rows = await listSessions(ctx, auth.user.id);
    res.json(
      rows.map(({ token, appName }) => ({
        id: token.id,
        kind: token.kind,
        app: appName,
        created_at: token.createdAt.toISOString(),
        last_used_at: token.lastUsedAt?.toISOString() ?? null,
        user_agent: token.userAgent,
        ip: token.ip,
        current: token.id === auth.token.id,
      })),
    );
  });

  router.delete("/api/parvis/web/sessions/:id", requireAuth(), async (req, res) => {
    await revokeSession(ctx, currentAuth(req).user.id, idParam(req));
    res.json({});
  });

  router.post("/api/parvis/web/password", requireAuth(), authRateLimit(services.config.authRateLimit), async (req, res) => {
    const auth = currentAuth(req);
    const body = parseBody(z.object({ current_password: z.string().min(1).max(1000), new_password: z.string().min(1).max(1000) }), req);
    await changePassword(ctx, auth.user.id, auth.token.id, body.current_password, body.new_password);
    res.json({});
  });

  // Parvis extension (Mastodon deletes accounts from its web settings only). With a grace
  // period (the default) the account is deactivated and the answer says until when.
  router.post("/api/parvis/account/delete", requireAuth(), authRateLimit(services.config.authRateLimit), async (req, res) => {
    const auth = currentAuth(req);
    const body = parseBody(z.object({ password: z.string().min(1).max(1000) }), req);
    const { dueAt } = await requestAccountDeletion(ctx, auth.user.id, body.password);
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    res.clearCookie(CSRF_COOKIE, { path: "/" });
    res.json({ deletion_due_at: dueAt?.toISOString() ?? null });
  });

  // Cancelling during the grace: the account's login and password, as for logging in
  // (the account has no token any more); afterwards the resident logs in as usual.
  router.post("/api/parvis/account/delete/cancel", loginRateLimit(services, services.config.authRateLimit), async (req, res) => {
    const body = parseBody(z.object({ username: z.string().min(1).max(320), password: z.string().min(1).max(1000) }), req);
    const key = await lockoutKey(ctx, body.username);
    failures.assertAllowed(key);
    const result = await checkPassword(ctx, body.username, body.password);
    if (!result) {
      failures.fail(key);
      throw new Unauthorized("Invalid username or password");
    }
    failures.succeed(key);
    await cancelAccountDeletion(ctx, result.user.id);
    res.json({});
  });

  return router;
}
