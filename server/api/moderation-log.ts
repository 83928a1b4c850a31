// The public moderation log (Parvis extension, no login): its entries, the
// verification of its chain, and the ActivityPub OrderedCollection at
// /moderation_log that neighbouring instances read (served here, outside Fedify:
// server/app.ts lets the path through; the instance actor lists it in `streams`).
import { Router, type Request } from "express";
import { z } from "zod";
import { getSettings } from "../domain/instance";
import { countLogEntries, instancePublicKeyPem, listLogEntries, LOG_ACTIONS, logHead, verifyLog } from "../domain/moderation";
import { moderationLogCollection, moderationLogPage, serializeLogEntry, serializeVerification } from "../entities/moderation-log";
import type { Services } from "../services";
import { localUrls } from "../urls";
import { canonicalOrigin, idSchema, pageParams, parseQuery, setLinkHeader } from "./http";

const filterSchema = z.object({
  action: z.enum(LOG_ACTIONS).optional(),
  rule_id: idSchema.optional(),
});

const AP_TYPES = ["application/activity+json", "application/ld+json", "application/json"];
const AP_PAGE = 40;

export function moderationLogRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;

  router.get("/api/parvis/moderation_log", async (req, res) => {
    const filter = parseQuery(filterSchema.passthrough(), req);
    const page = pageParams(req, 20, 80);
    const [views, settings] = await Promise.all([listLogEntries(ctx, page, { action: filter.action, ruleId: filter.rule_id }), getSettings(ctx)]);
    setLinkHeader(req, res, views.map((v) => String(v.entry.seq)), page.limit);
    res.json(views.map((v) => serializeLogEntry(v, settings.moderationLogAnonymise)));
  });

  // Verifying reads the whole log, and anyone may ask: requests arriving while a
  // verification runs share it, so at most one runs at a time (and none is reused after)
  let running: Promise<ReturnType<typeof serializeVerification>> | null = null;
  router.get("/api/parvis/moderation_log/verify", async (_req, res) => {
    running ??= Promise.all([verifyLog(ctx), instancePublicKeyPem(ctx.db)])
      .then(([result, pem]) => serializeVerification(result, pem))
      .finally(() => {
        running = null;
      });
    res.json(await running);
  });

  // the collection for ActivityPub clients; a browser asking for HTML gets the web client's page
  router.get("/moderation_log", async (req, res, next) => {
    const wanted = req.accepts(["text/html", ...AP_TYPES]);
    if (!wanted || wanted === "text/html") return next();
    const urls = localUrls(canonicalOrigin(res));
    const collection = urls.moderationLog;
    res.type("application/activity+json");
    if (!isPageRequest(req)) {
      const [total, head] = await Promise.all([countLogEntries(ctx), logHead(ctx)]);
      res.json(moderationLogCollection(collection, `${canonicalOrigin(res)}/api/parvis/moderation_log/verify`, total, head));
      return;
    }
    const q = parseQuery(z.object({ max_id: idSchema.optional() }).passthrough(), req);
    const [views, settings] = await Promise.all([listLogEntries(ctx, { maxId: q.max_id, limit: AP_PAGE }), getSettings(ctx)]);
    const entries = views.map((v) => serializeLogEntry(v, settings.moderationLogAnonymise));
    const pageUrl = q.max_id ? `${collection}?page=true&max_id=${q.max_id}` : `${collection}?page=true`;
    const last = entries.at(-1);
    res.json(moderationLogPage(collection, pageUrl, entries, entries.length === AP_PAGE && last ? last.id : null));
  });

  return router;
}

function isPageRequest(req: Request): boolean {
  return req.query.page === "true";
}
