// /api/parvis/places: the posts with a place inside a bounding box that the
// reader may see, newest first (the map's posts; docs/api.md "Places").
import { Router } from "express";
import { parseBoundingBox, placedStatuses } from "../domain/timelines";
import { loadFilteredStatusViews } from "../domain/views";
import { serializeStatuses } from "../entities/status";
import type { Services } from "../services";
import { pageParams, setLinkHeader } from "./http";

/** A map view asks for many markers at once: more than a timeline page. */
const DEFAULT_LIMIT = 40;
const MAX_LIMIT = 200;

export function placesRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;

  router.get("/api/parvis/places", async (req, res) => {
    const box = parseBoundingBox(req.query.bbox);
    const viewer = req.auth?.account.id ?? null;
    const page = pageParams(req, DEFAULT_LIMIT, MAX_LIMIT);
    const rows = await placedStatuses(ctx, viewer, box, page);
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(serializeStatuses(origin, await loadFilteredStatusViews(ctx, rows, viewer, "public")));
  });

  return router;
}
