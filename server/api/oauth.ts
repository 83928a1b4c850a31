// OAuth 2 as Mastodon apps use it: app registration, the password and
// client_credentials grants, revocation. Errors follow RFC 6749 ({error, error_description}).
import { vapidKeys } from "../push/vapid";
import { sameSecret } from "../auth/secrets";
import { Router, type Response } from "express";
import { z } from "zod";
import { authenticatePassword, assertMayLogIn, lockoutKey, passwordAuthenticator } from "../auth/login";
import { failedLoginTracker, loginRateLimit } from "../auth/rate-limit";
import { expandScopes, hasScope, issueToken, revokeToken, tokenIdOf } from "../auth/tokens";
import { isKnownScope } from "../auth/scopes";
import { createApp, findAppByClientId, getApp, type App } from "../domain/access";
import { redeemAuthorizationCode } from "../domain/access";
import { isHttpUrl } from "../domain/content";
import { DomainError, Unauthorized } from "../errors";
import type { Services } from "../services";
import { parseBody } from "./http";
import { serializeApp } from "../entities/application";

const scopeString = z
  .string()
  .max(1000)
  .refine((s) => s.split(/\s+/).filter(Boolean).every(isKnownScope), "contains an unknown scope");

const appSchema = z.object({
  client_name: z.string().trim().min(1).max(200),
  redirect_uris: z.union([z.string().min(1).max(2000), z.array(z.string().min(1).max(2000)).min(1).max(10)]),
  scopes: scopeString.optional(),
  // Mastodon's UrlValidator: http(s) with a host; a javascript: or data: website would be a link in every app
  website: z
    .string()
    .max(2000)
    .refine(isHttpUrl, "must be an http(s) URL")
    .optional()
    .or(z.literal("")),
});

function oauthError(res: Response, status: number, error: string, description: string) {
  res.status(status).json({ error, error_description: description });
}

export function oauthRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const limiter = loginRateLimit(services, services.config.authRateLimit);
  const failures = failedLoginTracker(services);
  const passwords = passwordAuthenticator(ctx);

  router.post("/api/v1/apps", async (req, res) => {
    const body = parseBody(appSchema, req);
    const redirectUris = (Array.isArray(body.redirect_uris) ? body.redirect_uris : body.redirect_uris.split(/\s+/)).filter(Boolean);
    for (const uri of redirectUris) {
      if (uri !== "urn:ietf:wg:oauth:2.0:oob" && !/^[a-z][a-z0-9+.-]*:\/?\/?[^\s]*$/i.test(uri)) {
        return res.status(422).json({ error: "Validation failed: Redirect URI must be an absolute URI" });
      }
      if (/^(javascript|data|file):/i.test(uri)) return res.status(422).json({ error: "Validation failed: Redirect URI is not allowed" });
    }
    const app = await createApp(ctx, { name: body.client_name, redirectUris, scopes: body.scopes?.trim() || "read", website: body.website || null });
    res.json(serializeApp(app, true, vapidKeys(services.config).publicKey));
  });

  router.get("/api/v1/apps/verify_credentials", async (req, res) => {
    const appId = req.appAuth?.appId ?? req.auth?.token.appId;
    if (!appId) throw new Unauthorized();
    const app = await getApp(ctx, appId);
    if (!app) throw new Unauthorized();
    res.json(serializeApp(app, false, vapidKeys(services.config).publicKey));
  });

  const tokenSchema = z.object({
    grant_type: z.string().max(100),
    client_id: z.string().max(200).optional(),
    client_secret: z.string().max(200).optional(),
    username: z.string().max(320).optional(),
    code: z.string().max(200).optional(),
    redirect_uri: z.string().max(2000).optional(),
    code_verifier: z.string().max(200).optional(),
    password: z.string().max(1000).optional(),
    scope: scopeString.optional(),
  });

  router.post("/oauth/token", limiter, async (req, res) => {
    const parsed = tokenSchema.safeParse(req.body ?? {});
    if (!parsed.success) return oauthError(res, 400, "invalid_request", "The request is missing a parameter or has a malformed one");
    const body = parsed.data;
    let app: App | undefined;
    if (body.client_id) {
      app = await findAppByClientId(ctx, body.client_id);
      if (!app || !body.client_secret || !sameSecret(app.clientSecret, body.client_secret)) {
        return oauthError(res, 401, "invalid_client", "Client authentication failed");
      }
    }
    const scopes = body.scope?.trim() || app?.scopes || "read write follow push";
    // as Doorkeeper does: a token never gets a scope its app did not register
    if (app) {
      const granted = expandScopes(app.scopes);
      if (!scopes.split(/\s+/).filter(Boolean).every((s) => hasScope(granted, s))) {
        return oauthError(res, 400, "invalid_scope", "The requested scope is invalid, unknown, or malformed");
      }
    }
    if (body.grant_type === "client_credentials") {
      if (!app) return oauthError(res, 401, "invalid_client", "Client authentication failed");
      const issued = await issueToken(ctx, { userId: null, appId: app.id, scopes });
      return res.json({ access_token: issued.accessToken, token_type: "Bearer", scope: scopes, created_at: Math.floor(Date.now() / 1000) });
    }
    if (body.grant_type === "authorization_code") {
      if (!app) return oauthError(res, 401, "invalid_client", "Client authentication failed");
      if (!body.code || !body.redirect_uri) return oauthError(res, 400, "invalid_request", "code and redirect_uri are required");
      const granted = await redeemAuthorizationCode(ctx, body.code, app.id, body.redirect_uri, body.code_verifier);
      if (!granted) return oauthError(res, 400, "invalid_grant", "The authorization code is invalid, expired or already used");
      const issued = await issueToken(ctx, { userId: granted.userId, appId: app.id, scopes: granted.scopes, userAgent: req.get("user-agent"), ip: req.ip });
      return res.json({ access_token: issued.accessToken, token_type: "Bearer", scope: granted.scopes, created_at: Math.floor(issued.row.createdAt.getTime() / 1000) });
    }
    if (body.grant_type !== "password") {
      return oauthError(res, 400, "unsupported_grant_type", "The authorization grant type is not supported");
    }
    if (!body.username || !body.password) return oauthError(res, 400, "invalid_request", "username and password are required");
    const key = await lockoutKey(ctx, body.username);
    try {
      failures.assertAllowed(key);
    } catch (e) {
      return oauthError(res, 429, "too_many_requests", (e as Error).message);
    }
    const result = await authenticatePassword(passwords, req, res);
    if (!result) {
      failures.fail(key);
      return oauthError(res, 400, "invalid_grant", "Invalid username or password");
    }
    try {
      assertMayLogIn(result);
    } catch (e) {
      return oauthError(res, 403, "invalid_grant", e instanceof DomainError ? e.message : "Forbidden");
    }
    failures.succeed(key);
    const issued = await issueToken(ctx, { userId: result.user.id, appId: app?.id ?? null, scopes, userAgent: req.get("user-agent"), ip: req.ip });
    res.json({ access_token: issued.accessToken, token_type: "Bearer", scope: scopes, created_at: Math.floor(issued.row.createdAt.getTime() / 1000) });
  });

  router.post("/oauth/revoke", async (req, res) => {
    const parsed = z.object({ token: z.string().min(1).max(4000) }).passthrough().safeParse(req.body ?? {});
    if (!parsed.success) return oauthError(res, 400, "invalid_request", "token is required");
    const id = tokenIdOf(ctx, parsed.data.token);
    // RFC 7009: an unknown token is not an error
    if (id) await revokeToken(ctx, id);
    res.json({});
  });

  return router;
}
