// Brute-force protection for login and registration: per client address
// (express-rate-limit) and per account name (failures counted here).
import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import { TooManyRequests } from "../errors";

const WINDOW_MS = 5 * 60_000;

export function authRateLimit(limit: number): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new TooManyRequests()),
  });
}

/** Counts failed logins per key (see lockoutKey: the account, however named); too many locks it for a while, from any address. */
export class FailedLoginTracker {
  private readonly failures = new Map<string, { count: number; since: number }>();

  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(maxFailures = 10, windowMs = 15 * 60_000) {
    this.maxFailures = maxFailures;
    this.windowMs = windowMs;
  }

  private key(name: string): string {
    return name.trim().toLowerCase();
  }

  assertAllowed(name: string): void {
    const entry = this.failures.get(this.key(name));
    if (!entry) return;
    if (Date.now() - entry.since > this.windowMs) {
      this.failures.delete(this.key(name));
      return;
    }
    if (entry.count >= this.maxFailures) throw new TooManyRequests("Too many failed login attempts; try again later");
  }

  fail(name: string): void {
    const k = this.key(name);
    const entry = this.failures.get(k);
    if (!entry || Date.now() - entry.since > this.windowMs) this.failures.set(k, { count: 1, since: Date.now() });
    else entry.count += 1;
    if (this.failures.size > 100_000) {
      // bounded memory: forget the oldest entries
      const oldest = [...this.failures.entries()].sort((a, b) => a[1].since - b[1].since).slice(0, 50_000);
      for (const [key] of oldest) this.failures.delete(key);
    }
  }

  succeed(name: string): void {
    this.failures.delete(this.key(name));
  }
}

const trackers = new WeakMap<object, FailedLoginTracker>();
const loginLimiters = new WeakMap<object, RequestHandler>();

/**
 * The per-address limit on password logins of one instance (keyed by its services),
 * one budget shared by the OAuth password grant, the web session and the
 * authorization page.
 */
export function loginRateLimit(owner: object, limit: number): RequestHandler {
  let limiter = loginLimiters.get(owner);
  if (!limiter) loginLimiters.set(owner, (limiter = authRateLimit(limit)));
  return limiter;
}

/**
 * The failed-login counter of one instance (keyed by its services), shared by every
 * login form (OAuth password grant, web session, authorization page), so that an
 * account's budget of failures is not multiplied by the number of endpoints.
 */
export function failedLoginTracker(owner: object): FailedLoginTracker {
  let tracker = trackers.get(owner);
  if (!tracker) trackers.set(owner, (tracker = new FailedLoginTracker()));
  return tracker;
}
