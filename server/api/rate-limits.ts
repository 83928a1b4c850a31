// Per-account limits on posting, uploads and follows at the edge: Mastodon's
// X-RateLimit-Limit/Remaining/Reset headers, 429 past the limit (the counting
// itself is server/domain/rate-limits.ts).
import type { RequestHandler, Response } from "express";
import type { RateLimitFamily } from "../config";
import { RateLimited, spend, type Usage } from "../domain/accounts";
import type { Services } from "../services";

function setHeaders(res: Response, usage: Usage): void {
  res.setHeader("X-RateLimit-Limit", String(usage.limit));
  res.setHeader("X-RateLimit-Remaining", String(usage.remaining));
  res.setHeader("X-RateLimit-Reset", usage.resetAt.toISOString());
}

/** Spends one use of `family` for the calling resident, before the request's work (and before an upload is read). */
export function accountRateLimit(services: Services, family: RateLimitFamily): RequestHandler {
  return (req, res, next) => {
    if (!req.auth) return next();
    spend(services.domain, family, req.auth.account.id).then(
      (usage) => {
        setHeaders(res, usage);
        next();
      },
      (err: unknown) => {
        if (err instanceof RateLimited) setHeaders(res, err.usage);
        next(err);
      },
    );
  };
}
