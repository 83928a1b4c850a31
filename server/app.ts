// Composes the Express application: security headers, the federation handler
// (before any body parser), the API routers, the web client, one error handler.
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import cookieParser from "cookie-parser";
import { apiRouter } from "./api/router";
import { canonicalOriginAtEdge, normaliseParsedBody, refuseMultipartWithoutBoundary, refuseNulInUrl } from "./api/edge";
import { refuseUnboundedBodies } from "./api/json-bounds";
import { authenticate } from "./auth/middleware";
import { httpMetrics, metricsRoute } from "./api/metrics";
import { DomainError } from "./errors";
import type { Services } from "./services";
import { CONTENT_SECURITY_POLICY } from "./csp";

export { CONTENT_SECURITY_POLICY } from "./csp";

export interface AppExtensions {
  /** Fedify adapter: answers ActivityPub requests, calls next() for the rest */
  federation?: RequestHandler;
  /** routes of modules (the Mastodon streaming API's server-sent events), after authentication */
  routes?: RequestHandler[];
  /** serves the built web client and its SPA routes */
  client?: RequestHandler;
}

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)");
  next();
};

/** Third-party apps call the API from other origins with bearer tokens (never cookies). */
const apiCors: RequestHandler = (req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, If-None-Match, If-Modified-Since");
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  res.setHeader("Access-Control-Expose-Headers", "Link, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset");
  if (req.method === "OPTIONS") {
    res.status(204).end();
    return;
  }
  next();
};

/** As Mastodon: discovery documents (WebFinger, NodeInfo, host-meta, OAuth metadata) are readable from any origin. */
const discoveryCors: RequestHandler = (req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
  res.setHeader("Access-Control-Allow-Headers", "Accept, Content-Type");
  if (req.method === "OPTIONS") {
    res.status(204).end();
    return;
  }
  next();
};

export const BODY_LIMIT = "256kb";

/** Paths no ActivityPub route lives under. */
// /moderation_log is ActivityPub, but served by the API router (server/api/moderation-log.ts), not by Fedify
const NOT_FEDERATED = /^\/((api|oauth|assets|tiles)\/|moderation_log$)/;

export function createApp(services: Services, extensions: AppExtensions = {}): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "extended");
  app.set("trust proxy", services.config.trustProxy);
  app.use(httpMetrics(services.metrics));
  app.use(securityHeaders);

  // Mastodon's plain health check, for monitors written against it
  app.get("/health", (_req, res) => {
    res.type("text/plain").send("OK");
  });
  app.get("/healthz", async (_req, res) => {
    try {
      await services.database.db.execute("select 1");
      res.json({ status: "ok" });
    } catch {
      res.status(503).json({ status: "unavailable" });
    }
  });

  // Bad input refused or normalised once, for every route (server/api/edge.ts):
  // the URL before the federation handler and WebFinger, the body once parsed.
  app.use(canonicalOriginAtEdge(services.config.origin));
  app.use(refuseNulInUrl);

  // Prometheus metrics: ahead of federation and of authenticate() (which refuses
  // bearer tokens it does not know, PARVIS_METRICS_TOKEN among them)
  app.get("/metrics", cookieParser(), metricsRoute(services));

  // before the federation adapter, which answers WebFinger and NodeInfo itself
  app.use(["/.well-known", "/nodeinfo"], discoveryCors);

  // Fedify reads the raw request body itself: it is mounted before any parser.
  // The client API and the built client's files are never ActivityPub: they skip it
  // (turning each request into a Fetch Request for Fedify's router costs a millisecond).
  const federation = extensions.federation;
  if (federation) app.use((req, res, next) => (NOT_FEDERATED.test(req.path) ? next() : federation(req, res, next)));

  app.use(["/api", "/oauth"], apiCors);
  app.use(refuseMultipartWithoutBoundary);
  app.use(express.json({ limit: BODY_LIMIT, type: ["application/json", "application/*+json"] }));
  app.use(express.urlencoded({ limit: BODY_LIMIT, extended: true, parameterLimit: 1000 }));
  app.use(refuseUnboundedBodies);
  app.use(cookieParser());
  // NUL characters refused, lone surrogates replaced by U+FFFD (PostgreSQL stores neither)
  app.use(normaliseParsedBody);
  app.use(authenticate(services));
  for (const routes of extensions.routes ?? []) app.use(routes);
  app.use(apiRouter(services));

  app.use(["/api", "/oauth"], (_req, res) => {
    res.status(404).json({ error: "Not found" });
  });
  if (extensions.client) app.use(extensions.client);
  app.use((_req, res) => {
    res.status(404).json({ error: "Not found" });
  });
  app.use(errorHandler(services));
  return app;
}

interface HttpError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/** Mastodon's validation details: `{ field: [{ error: "ERR_TAKEN", description }] }` (domain code gives `{ field: "ERR_TAKEN" }`). */
function mastodonDetails(message: string, details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(details).map(([field, value]) => [field, typeof value === "string" ? [{ error: value, description: message }] : value]),
  );
}

function errorHandler(services: Services): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof DomainError) {
      res.status(err.status).json({ error: err.message, ...(err.details ? { details: mastodonDetails(err.message, err.details) } : {}) });
      return;
    }
    const e = err as HttpError;
    const status = e?.status ?? e?.statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      // body-parser and friends: malformed JSON, too large, wrong charset…
      const message =
        e.type === "entity.parse.failed"
          ? "Malformed request body"
          : e.type === "entity.too.large"
            ? "Request body is too large"
            : e.expose && e.message
              ? e.message
              : "Bad request";
      res.status(status).json({ error: message });
      return;
    }
    services.logger.error({ err, method: req.method, url: req.originalUrl }, "unhandled error");
    res.status(500).json({ error: "Internal server error" });
  };
}
