// The checks every request goes through before any route sees it, so that no
// route has to remember them (and none can answer a 500 for them):
// - the configured origin is what answers build URLs on, never the Host header;
// - a NUL character anywhere in the URL (path or query) is refused with 400
//   (422 under /api, OAuth's invalid_request under /oauth), before the
//   federation handler and WebFinger: PostgreSQL cannot store nor compare it;
// - a multipart body without a boundary is refused with 400 before anything
//   reads it;
// - in a parsed body, NUL characters are refused as above, and lone UTF-16
//   surrogates (which JSON's \ud800 escapes can produce and jsonb refuses) are
//   replaced by U+FFFD, like a UTF-8 decoder does for bytes that are not text.
//   Query strings, form and multipart bodies are decoded from UTF-8 and cannot
//   hold lone surrogates.
import type { Request, RequestHandler, Response } from "express";
import { normaliseStrings } from "../unicode";
import { containsNul } from "./http";

/** How deep a request body may nest (our own schemas need 3 or 4 levels). */
export const MAX_BODY_DEPTH = 32;

function refuse(req: Request, res: Response, message: string, apiStatus = 422): void {
  const path = req.path;
  if (path.startsWith("/oauth/")) res.status(400).json({ error: "invalid_request", error_description: message });
  else if (path.startsWith("/api/")) res.status(apiStatus).json({ error: message });
  else res.status(400).json({ error: message });
}

/** True when the raw URL holds U+0000, escaped or not. */
export function urlContainsNul(url: string): boolean {
  return url.includes("\u0000") || /%00/i.test(url);
}

/**
 * Mounted first: the configured origin, for the URLs we build into answers
 * (Link pagination). The Host header is the client's to choose and must not
 * end up in them.
 */
export function canonicalOriginAtEdge(origin: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.origin = origin;
    next();
  };
}

/** Mounted first: refuses a NUL in the URL, for every route including ActivityPub and WebFinger. */
export const refuseNulInUrl: RequestHandler = (req, res, next) => {
  if (!urlContainsNul(req.originalUrl)) return next();
  refuse(req, res, "Request contains a NUL character");
};

/** Mounted before the body parsers: a multipart body needs a boundary to be read at all. */
export const refuseMultipartWithoutBoundary: RequestHandler = (req, res, next) => {
  if (!req.is("multipart/form-data")) return next();
  const type = req.get("content-type") ?? "";
  if (/;\s*boundary=("[^"]+"|[^\s;]+)/i.test(type)) return next();
  refuse(req, res, "Malformed multipart body", 400);
};

/** Mounted after the body parsers and refuseUnboundedBodies: NUL refused, lone surrogates replaced. */
export const normaliseParsedBody: RequestHandler = (req, res, next) => {
  if (containsNul(req.body) || containsNul(req.query)) {
    refuse(req, res, "Request contains a NUL character");
    return;
  }
  if (req.body !== null && typeof req.body === "object") {
    // bodies deeper than that were refused just before (refuseUnboundedBodies)
    req.body = normaliseStrings(req.body, MAX_BODY_DEPTH).value;
  }
  next();
};
