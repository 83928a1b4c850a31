// GET/POST /oauth/authorize: the page where a resident lets a third-party app
// (Tusky, Ivory, Elk…) act on their account. Rendered by the server, no script,
// strings from server/i18n.
import { randomBytes } from "node:crypto";
import { sameSecret } from "../auth/secrets";
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { assertMayLogIn, authenticatePassword, lockoutKey, passwordAuthenticator } from "../auth/login";
import { CSRF_COOKIE, SESSION_COOKIE } from "../auth/middleware";
import { failedLoginTracker, loginRateLimit } from "../auth/rate-limit";
import { issueToken } from "../auth/tokens";
import { expandScopes, hasScope, isKnownScope } from "../auth/scopes";
import { findAppByClientId, type App } from "../domain/access";
import { createAuthorizationCode } from "../domain/access";
import { escapeHtml } from "../domain/content";
import { DomainError, TooManyRequests } from "../errors";
import { contentSecurityPolicyWithFormAction } from "../csp";
import { pickLocale, translate, type Locale, type MessageKey } from "../i18n";
import type { Services } from "../services";
import { paths } from "../paths";

const OOB = "urn:ietf:wg:oauth:2.0:oob";

const requestSchema = z.object({
  response_type: z.literal("code"),
  client_id: z.string().min(1).max(200),
  redirect_uri: z.string().min(1).max(2000),
  scope: z.string().max(1000).optional(),
  state: z.string().max(2000).optional(),
  code_challenge: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/).optional(),
  code_challenge_method: z.enum(["S256", "plain"]).optional(),
  lang: z.enum(["fr", "en"]).optional(),
});

type AuthorizeRequest = z.infer<typeof requestSchema>;

/**
 * The form-action source for a validated redirect URI: its origin for http(s),
 * its scheme for an app's own scheme (com.example.app://callback), nothing for OOB.
 */
export function formActionSource(redirectUri: string): string | null {
  if (redirectUri === OOB) return null;
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return null;
  }
  if (url.protocol === "http:" || url.protocol === "https:") return url.origin;
  // a CSP scheme-source: letters, digits, + - . only (anything else cannot be expressed safely)
  return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) ? url.protocol : null;
}

/**
 * The authorize page answers with a redirect to the app: form-action must allow the
 * app's redirect URI, and the page may have been opened as a popup by the app, so
 * no Cross-Origin-Opener-Policy (it would cut the popup off from its opener).
 */
function allowRedirectTo(res: Response, redirectUri: string) {
  const source = formActionSource(redirectUri);
  if (source) res.setHeader("Content-Security-Policy", contentSecurityPolicyWithFormAction(source));
}

export function oauthAuthorizeRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const secure = services.config.origin.startsWith("https://");
  const passwords = passwordAuthenticator(ctx);
  const failures = failedLoginTracker(services);

  function page(res: Response, locale: Locale, title: string, body: string, status = 200) {
    res.status(status).type("html").send(`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(services.config.commune.name)}</title><link rel="stylesheet" href="/oauth/authorize.css"></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`);
  }

  function csrfFor(req: Request, res: Response): string {
    const existing = req.cookies?.[CSRF_COOKIE];
    if (typeof existing === "string" && existing.length >= 16) return existing;
    const value = randomBytes(24).toString("base64url");
    res.cookie(CSRF_COOKIE, value, { sameSite: "strict", secure, path: "/", httpOnly: false, maxAge: 30 * 86400_000 });
    return value;
  }

  function hidden(params: AuthorizeRequest, csrf: string): string {
    const fields: Record<string, string | undefined> = { ...params, csrf_token: csrf };
    return Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(String(v))}">`)
      .join("");
  }

  /** Checks the app, its redirect URI and scopes; returns the app or renders the error. */
  async function validate(res: Response, params: AuthorizeRequest, locale: Locale): Promise<{ app: App; scopes: string } | null> {
    const t = (k: MessageKey) => translate(locale, k);
    const app = await findAppByClientId(ctx, params.client_id);
    if (!app) {
      page(res, locale, t("oauth.title"), `<p class="error" role="alert">${escapeHtml(t("oauth.error.invalid_client"))}</p>`, 400);
      return null;
    }
    if (!app.redirectUris.includes(params.redirect_uri)) {
      page(res, locale, t("oauth.title"), `<p class="error" role="alert">${escapeHtml(t("oauth.error.invalid_redirect"))}</p>`, 400);
      return null;
    }
    const allowed = expandScopes(app.scopes);
    const asked = (params.scope ?? app.scopes).split(/[\s+]+/).filter(Boolean);
    const fits = (s: string) => isKnownScope(s) && hasScope(allowed, s);
    if (asked.length === 0 || !asked.every(fits)) {
      page(res, locale, t("oauth.title"), `<p class="error" role="alert">${escapeHtml(t("oauth.error.invalid_scope"))}</p>`, 400);
      return null;
    }
    allowRedirectTo(res, params.redirect_uri);
    return { app, scopes: asked.join(" ") };
  }

  function loginForm(res: Response, locale: Locale, params: AuthorizeRequest, app: App, csrf: string, error?: MessageKey) {
    const t = (k: MessageKey, v?: Record<string, string>) => escapeHtml(translate(locale, k, v));
    page(
      res,
      locale,
      translate(locale, "oauth.title"),
      `${error ? `<p class="error" role="alert">${t(error)}</p>` : ""}
<p>${t("oauth.login_intro", { commune: services.config.commune.name, app: app.name })}</p>
<form method="post" action="/oauth/authorize">${hidden(params, csrf)}<input type="hidden" name="action" value="login">
<label for="username">${t("oauth.username")}</label><input id="username" name="username" autocomplete="username" required>
<label for="password">${t("oauth.password")}</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions"><button type="submit">${t("oauth.login")}</button></div></form>`,
      error ? 401 : 200,
    );
  }

  function consentForm(res: Response, locale: Locale, params: AuthorizeRequest, app: App, scopes: string, username: string, csrf: string) {
    const t = (k: MessageKey, v?: Record<string, string>) => escapeHtml(translate(locale, k, v));
    // broad scopes in words; granular ones named exactly, so the resident sees how little is asked
    const broad = ["read", "write", "follow", "push", "profile", "admin:read", "admin:write"];
    const items = [...new Set(scopes.split(" "))]
      .map((s) => `<li>${broad.includes(s) ? t(`oauth.scope.${s}` as MessageKey) : t("oauth.scope.granular", { scope: s })}</li>`)
      .join("");
    page(
      res,
      locale,
      translate(locale, "oauth.title"),
      `<p>${t("oauth.consent", { app: app.name, username })}</p><p>${t("oauth.scopes")}</p><ul>${items}</ul>
<form method="post" action="/oauth/authorize">${hidden(params, csrf)}
<div class="actions"><button type="submit" name="action" value="approve">${t("oauth.authorize")}</button>
<button type="submit" name="action" value="deny" class="secondary">${t("oauth.deny")}</button></div></form>`,
    );
  }

  function redirectWith(res: Response, locale: Locale, params: AuthorizeRequest, query: Record<string, string>) {
    if (params.redirect_uri === OOB && query.code) {
      page(res, locale, translate(locale, "oauth.title"), `<p>${escapeHtml(translate(locale, "oauth.code_intro"))}</p><code>${escapeHtml(query.code)}</code>`);
      return;
    }
    const target = new URL(params.redirect_uri);
    for (const [k, v] of Object.entries(query)) target.searchParams.set(k, v);
    if (params.state) target.searchParams.set("state", params.state);
    res.redirect(302, target.toString());
  }

  router.get("/oauth/authorize.css", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=3600");
    res.sendFile("oauth.css", { root: paths.serverStatic });
  });

  router.use("/oauth/authorize", (_req, res, next) => {
    res.removeHeader("Cross-Origin-Opener-Policy");
    next();
  });

  router.get("/oauth/authorize", async (req, res) => {
    const locale = (req.query.lang === "en" || req.query.lang === "fr" ? req.query.lang : pickLocale(req.get("accept-language"))) as Locale;
    const parsed = requestSchema.safeParse(req.query);
    if (!parsed.success) {
      return page(res, locale, translate(locale, "oauth.title"), `<p class="error" role="alert">${escapeHtml(translate(locale, "oauth.error.invalid_client"))}</p>`, 400);
    }
    const valid = await validate(res, parsed.data, locale);
    if (!valid) return;
    const csrf = csrfFor(req, res);
    if (req.auth) return consentForm(res, locale, parsed.data, valid.app, valid.scopes, req.auth.account.username, csrf);
    loginForm(res, locale, parsed.data, valid.app, csrf);
  });

  const loginLimit = loginRateLimit(services, services.config.authRateLimit);
  // only password attempts spend the per-address login budget
  const limitLogins: import("express").RequestHandler = (req, res, next) =>
    (req.body as { action?: unknown } | undefined)?.action === "login" ? loginLimit(req, res, next) : next();

  router.post("/oauth/authorize", limitLogins, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const locale = (body.lang === "en" || body.lang === "fr" ? body.lang : pickLocale(req.get("accept-language"))) as Locale;
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) {
      return page(res, locale, translate(locale, "oauth.title"), `<p class="error" role="alert">${escapeHtml(translate(locale, "oauth.error.invalid_client"))}</p>`, 400);
    }
    const params = parsed.data;
    const valid = await validate(res, params, locale);
    if (!valid) return;
    const cookieCsrf = req.cookies?.[CSRF_COOKIE];
    const sent = typeof body.csrf_token === "string" ? body.csrf_token : "";
    if (typeof cookieCsrf !== "string" || !sameSecret(cookieCsrf, sent)) {
      return page(res, locale, translate(locale, "oauth.title"), `<p class="error" role="alert">${escapeHtml(translate(locale, "oauth.error.csrf"))}</p>`, 403);
    }
    if (body.action === "login") {
      const username = typeof body.username === "string" ? body.username.slice(0, 320) : "";
      const key = await lockoutKey(ctx, username);
      try {
        failures.assertAllowed(key);
      } catch (e) {
        if (e instanceof TooManyRequests) return loginForm(res.status(429), locale, params, valid.app, cookieCsrf, "oauth.error.too_many");
        throw e;
      }
      const result = typeof body.password === "string" && username ? await authenticatePassword(passwords, req, res) : null;
      if (!result) {
        failures.fail(key);
        return loginForm(res, locale, params, valid.app, cookieCsrf, "oauth.error.invalid_login");
      }
      try {
        assertMayLogIn(result);
      } catch (e) {
        if (e instanceof DomainError) return loginForm(res, locale, params, valid.app, cookieCsrf, "oauth.error.forbidden");
        throw e;
      }
      failures.succeed(key);
      const issued = await issueToken(ctx, { userId: result.user.id, kind: "web", userAgent: req.get("user-agent"), ip: req.ip });
      res.cookie(SESSION_COOKIE, issued.accessToken, { sameSite: "strict", secure, path: "/", httpOnly: true, maxAge: 30 * 86400_000 });
      return consentForm(res, locale, params, valid.app, valid.scopes, result.account.username, cookieCsrf);
    }
    if (!req.auth) return loginForm(res, locale, params, valid.app, cookieCsrf);
    if (body.action === "deny") return redirectWith(res, locale, params, { error: "access_denied" });
    if (body.action !== "approve") return loginForm(res, locale, params, valid.app, cookieCsrf);
    const code = await createAuthorizationCode(ctx, {
      appId: valid.app.id,
      userId: req.auth.user.id,
      redirectUri: params.redirect_uri,
      scopes: valid.scopes,
      codeChallenge: params.code_challenge,
      codeChallengeMethod: params.code_challenge ? (params.code_challenge_method ?? "plain") : null,
    });
    redirectWith(res, locale, params, { code });
  });

  return router;
}
