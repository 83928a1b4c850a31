// A resident's own collections: bookmarks and favourites (Link pagination by the
// bookmark or favourite row id, as Mastodon), markers and preferences.
import { Router, type Request } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { bookmarkedStatuses } from "../domain/interactions";
import { favouritedStatuses } from "../domain/interactions";
import { getMarkers, MARKER_TIMELINES, saveMarkers, type Marker, type MarkerTimeline } from "../domain/timelines";
import type { Services } from "../services";
import { idSchema, listOf, pageParams, parseBody, parseQuery, setLinkHeader } from "./http";
import { serializeStatuses } from "../entities/status";
import { loadStatusViews } from "../domain/views";

const markerTimeline = z.enum(["home", "notifications"]);
const markerPosition = z.object({ last_read_id: idSchema });

function markersEntity(rows: Marker[]) {
  return Object.fromEntries(
    rows.map((m) => [m.timeline, { last_read_id: m.lastReadId, version: m.version, updated_at: m.updatedAt.toISOString() }]),
  );
}

export function collectionsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const me = (req: Request) => currentAuth(req).account.id;

  router.get("/api/v1/bookmarks", requireAuth("read:bookmarks"), async (req, res) => {
    const page = pageParams(req);
    const rows = await bookmarkedStatuses(ctx, me(req), page);
    setLinkHeader(req, res, rows.map((r) => r.rowId), page.limit);
    res.json(serializeStatuses(origin, await loadStatusViews(ctx, rows.map((r) => r.status), me(req))));
  });

  router.get("/api/v1/favourites", requireAuth("read:favourites"), async (req, res) => {
    const page = pageParams(req);
    const rows = await favouritedStatuses(ctx, me(req), page);
    setLinkHeader(req, res, rows.map((r) => r.rowId), page.limit);
    res.json(serializeStatuses(origin, await loadStatusViews(ctx, rows.map((r) => r.status), me(req))));
  });

  router.get("/api/v1/markers", requireAuth("read:statuses"), async (req, res) => {
    const q = parseQuery(z.object({ timeline: listOf(z.string().max(40)).optional() }), req);
    const wanted = (q.timeline ?? []).filter((t): t is MarkerTimeline => (MARKER_TIMELINES as readonly string[]).includes(t));
    res.json(markersEntity(await getMarkers(ctx, me(req), wanted)));
  });

  router.post("/api/v1/markers", requireAuth("write:statuses"), async (req, res) => {
    const body = parseBody(z.object({ home: markerPosition.optional(), notifications: markerPosition.optional() }), req);
    const positions: Partial<Record<MarkerTimeline, string>> = {};
    for (const t of markerTimeline.options) if (body[t]) positions[t] = body[t].last_read_id;
    res.json(markersEntity(await saveMarkers(ctx, me(req), positions)));
  });

  router.get("/api/v1/preferences", requireAuth("read:accounts"), async (req, res) => {
    const auth = currentAuth(req);
    // Parvis keeps no per-resident posting defaults yet: these are what it applies
    res.json({
      "posting:default:visibility": "public",
      "posting:default:sensitive": false,
      "posting:default:language": auth.user.locale,
      "reading:expand:media": "default",
      "reading:expand:spoilers": false,
    });
  });

  return router;
}
