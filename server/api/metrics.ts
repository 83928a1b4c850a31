// GET /metrics (Prometheus text format) and the HTTP metrics middleware.
//
// Who may read /metrics (docs/admin.md, "Metrics"):
// - an admin: a bearer token with the admin:read scope, or the web session;
// - a scraper holding PARVIS_METRICS_TOKEN (Authorization: Bearer …);
// - a client on this machine (socket address 127.0.0.0/8 or ::1), unless that
//   could be a reverse proxy forwarding someone else: never when
//   PARVIS_TRUST_PROXY is set (the proxy is then the one on loopback), never
//   when the request carries forwarding headers, never when
//   PARVIS_METRICS_LOOPBACK=false.
// Anyone else gets 403 (401 for a bearer token that is not valid at all).
import { sameSecret } from "../auth/secrets";
import type { Request, RequestHandler } from "express";
import { SESSION_COOKIE } from "../auth/middleware";
import { hasScope, isUserAuth, verifyToken } from "../auth/tokens";
import type { Metrics } from "../metrics";
import type { Services } from "../services";

/** Headers a reverse proxy adds: their presence means the socket's peer is not the client. */
const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "via"];

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const bare = address.replace(/^::ffff:/i, "");
  return bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

export interface LoopbackPolicy {
  trustProxy: boolean;
  metricsLoopback: boolean;
}

/** Whether this request may read /metrics for coming from this machine alone. */
export function loopbackMayRead(
  request: { socketAddress: string | undefined; headers: Record<string, unknown> },
  policy: LoopbackPolicy,
): boolean {
  if (!policy.metricsLoopback || policy.trustProxy) return false;
  if (FORWARDING_HEADERS.some((h) => request.headers[h] !== undefined)) return false;
  return isLoopbackAddress(request.socketAddress);
}

type Access = "allowed" | "forbidden" | "unauthorized";

async function metricsAccess(services: Services, req: Request): Promise<Access> {
  const { config } = services;
  const header = req.headers.authorization;
  if (header !== undefined) {
    const token = /^bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) return "unauthorized";
    if (config.metricsToken && sameSecret(token, config.metricsToken)) return "allowed";
    const info = await verifyToken(services.domain, token);
    if (!isUserAuth(info)) return "unauthorized";
    return info.user.role === "admin" && hasScope(info.scopes, "admin:read") ? "allowed" : "forbidden";
  }
  const session = req.cookies?.[SESSION_COOKIE];
  if (typeof session === "string" && session.length > 0) {
    const info = await verifyToken(services.domain, session);
    if (isUserAuth(info) && info.token.kind === "web" && info.user.role === "admin") return "allowed";
  }
  const loopback = loopbackMayRead(
    { socketAddress: req.socket.remoteAddress, headers: req.headers },
    { trustProxy: config.trustProxy, metricsLoopback: config.metricsLoopback },
  );
  return loopback ? "allowed" : "forbidden";
}

/** GET /metrics: mounted after the cookie parser, before the API's authentication (which refuses unknown bearer tokens). */
export function metricsRoute(services: Services): RequestHandler {
  return async (req, res, next) => {
    try {
      const access = await metricsAccess(services, req);
      if (access !== "allowed") {
        res.status(access === "unauthorized" ? 401 : 403).json({ error: access === "unauthorized" ? "The access token is invalid" : "This action is not allowed" });
        return;
      }
      const body = await services.metrics.registry.metrics();
      res.setHeader("Cache-Control", "no-store");
      res.type(services.metrics.registry.contentType).send(body);
    } catch (error) {
      next(error);
    }
  };
}

/** Label of a request's route: the pattern that matched, never the raw URL (ids would make one series each). */
export function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && route.path !== undefined) {
    const path = Array.isArray(route.path) ? route.path.join("|") : String(route.path);
    return `${req.baseUrl}${path}`;
  }
  const path = req.path;
  if (path === "/inbox") return "/inbox";
  if (/^\/users\/[^/]+\/inbox$/.test(path)) return "/users/:username/inbox";
  if (path.startsWith("/users/")) return "/users/*";
  if (path.startsWith("/.well-known/")) return "/.well-known/*";
  if (path.startsWith("/nodeinfo/")) return "/nodeinfo/*";
  if (path.startsWith("/assets/")) return "/assets/*";
  if (path.startsWith("/@")) return "/@*";
  return "other";
}

/** Counts every answered request and its time, by route pattern, method and status class. */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once("finish", () => {
      const labels = {
        method: /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/.test(req.method) ? req.method : "other",
        route: routeLabel(req),
        status_class: `${Math.floor(res.statusCode / 100)}xx`,
      };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
    });
    next();
  };
}
