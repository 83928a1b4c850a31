// GET /ns/parvis: the JSON-LD context of the Parvis extension (the
// `observation` term of an observation's Note, docs/federation.md), served by
// every instance for its own namespace. Static: cacheable for a day.
import type { RequestHandler } from "express";
import { PARVIS_CONTEXT_PATH, parvisContextDocument } from "./to-activitypub/observation";

export function parvisContextHandler(origin: string): RequestHandler {
  const body = JSON.stringify(parvisContextDocument(origin));
  return (req, res, next) => {
    if (req.path !== PARVIS_CONTEXT_PATH || (req.method !== "GET" && req.method !== "HEAD")) return next();
    res.setHeader("Content-Type", "application/ld+json; charset=utf-8");
    res.setHeader("Cache-Control", "public, max-age=86400");
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.send(body);
  };
}
