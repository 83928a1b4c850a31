// Request bodies too deep or too large for the routers to walk (zod, the NUL
// check, our own recursion) are refused right after parsing, with 400.
import type { RequestHandler } from "express";
import { API_JSON_LIMITS, describeJsonLimit, exceedsJsonLimits } from "../json-limits";

export const refuseUnboundedBodies: RequestHandler = (req, res, next) => {
  const body: unknown = req.body;
  if (body === null || typeof body !== "object") return next();
  const exceeded = exceedsJsonLimits(body, API_JSON_LIMITS);
  if (!exceeded) return next();
  const message = describeJsonLimit(exceeded, API_JSON_LIMITS);
  if (req.path.startsWith("/oauth/")) res.status(400).json({ error: "invalid_request", error_description: message });
  else res.status(400).json({ error: message });
};
