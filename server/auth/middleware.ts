// Who is calling: a bearer token (third-party apps) or the web client's
// HttpOnly session cookie with its CSRF token. Sets req.auth when known.
import { sameSecret } from "./secrets";
import type { Request, RequestHandler } from "express";
import passport from "passport";
import { Strategy as BearerStrategy } from "passport-http-bearer";
import { Forbidden, Unauthorized } from "../errors";
import type { Services } from "../services";
import { hasScope, isUserAuth, verifyToken, type AppAuthInfo, type AuthInfo } from "./tokens";

declare module "express-serve-static-core" {
  interface Request {
    /** the resident calling */
    auth?: AuthInfo;
    /** an app calling on its own behalf (client_credentials token) */
    appAuth?: AppAuthInfo;
  }
}

export const SESSION_COOKIE = "parvis_session";
export const CSRF_COOKIE = "parvis_csrf";
export const CSRF_HEADER = "x-csrf-token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function authenticate(services: Services): RequestHandler {
  const authenticator = new passport.Passport();
  authenticator.use(
    new BearerStrategy((token, done) => {
      verifyToken(services.domain, token).then(
        (info) => done(null, info ?? false),
        (err) => done(err),
      );
    }),
  );

  return (req, res, next) => {
    const header = req.headers.authorization;
    if (header) {
      if (!/^bearer\s+/i.test(header)) return next(new Unauthorized());
      authenticator.authenticate("bearer", { session: false }, (err: unknown, info: AuthInfo | AppAuthInfo | false) => {
        if (err) return next(err);
        if (!info) return next(new Unauthorized());
        if (isUserAuth(info)) req.auth = info;
        else req.appAuth = info;
        next();
      })(req, res, next);
      return;
    }
    const session = req.cookies?.[SESSION_COOKIE];
    if (typeof session === "string" && session.length > 0) {
      if (!SAFE_METHODS.has(req.method)) {
        // the header (fetch from the web client) or a form field (server-rendered forms)
        const field = (req.body as { csrf_token?: unknown } | undefined)?.csrf_token;
        const sent = req.get(CSRF_HEADER) ?? (typeof field === "string" ? field : undefined);
        const expected = req.cookies?.[CSRF_COOKIE];
        if (typeof sent !== "string" || typeof expected !== "string" || !sameSecret(sent, expected)) {
          return next(new Forbidden("Missing or invalid CSRF token"));
        }
      }
      verifyToken(services.domain, session).then((info) => {
        // a stale cookie is simply ignored: the visitor is anonymous
        if (isUserAuth(info)) req.auth = info;
        next();
      }, next);
      return;
    }
    next();
  };
}

/** The caller must be logged in (with the scope, when given). */
export function requireAuth(scope?: string): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth) return next(new Unauthorized("This method requires an authenticated user"));
    if (scope && !hasScope(req.auth.scopes, scope)) {
      return next(new Forbidden("This action is outside the authorized scopes"));
    }
    next();
  };
}

export function requireRole(...roles: ("moderator" | "admin")[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth) return next(new Unauthorized("This method requires an authenticated user"));
    if (!roles.includes(req.auth.user.role as "moderator" | "admin")) return next(new Forbidden());
    next();
  };
}

export function currentAuth(req: Request): AuthInfo {
  if (!req.auth) throw new Unauthorized("This method requires an authenticated user");
  return req.auth;
}
