// /api/v1/timelines/…: home, public (local or federated) and hashtag.
import { Router } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { isTagName, withoutHash } from "../domain/content";
import { homeTimeline, publicTimeline } from "../domain/timelines";
import type { Services } from "../services";
import { boolish, pageParams, parseQuery, setLinkHeader } from "./http";
import { serializeStatuses } from "../entities/status";
import { loadFilteredStatusViews } from "../domain/views";

const publicSchema = z.object({ local: boolish.optional(), remote: boolish.optional(), only_media: boolish.optional() });

export function timelinesRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;

  router.get("/api/v1/timelines/home", requireAuth("read:statuses"), async (req, res) => {
    const me = currentAuth(req).account.id;
    const page = pageParams(req);
    const rows = await homeTimeline(ctx, me, page);
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(serializeStatuses(origin, await loadFilteredStatusViews(ctx, rows, me, "home")));
  });

  router.get("/api/v1/timelines/public", async (req, res) => {
    const q = parseQuery(publicSchema, req);
    const viewer = req.auth?.account.id ?? null;
    const page = pageParams(req);
    const rows = await publicTimeline(ctx, viewer, { local: q.local, remote: q.remote, onlyMedia: q.only_media }, page);
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(serializeStatuses(origin, await loadFilteredStatusViews(ctx, rows, viewer, "public")));
  });

  router.get("/api/v1/timelines/tag/:hashtag", async (req, res) => {
    const q = parseQuery(publicSchema, req);
    const tag = withoutHash(String(req.params.hashtag ?? ""));
    if (!isTagName(tag)) {
      res.json([]);
      return;
    }
    const viewer = req.auth?.account.id ?? null;
    const page = pageParams(req);
    const rows = await publicTimeline(ctx, viewer, { local: q.local, remote: q.remote, onlyMedia: q.only_media, tag }, page);
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(serializeStatuses(origin, await loadFilteredStatusViews(ctx, rows, viewer, "public")));
  });

  return router;
}
