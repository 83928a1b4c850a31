// /api/v1/notifications…
import { Router } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { clearNotifications, dismissNotification, getNotification, listNotifications } from "../domain/notifications";
import type { NotificationType } from "../db/schema";
import type { Services } from "../services";
import { idParam, idSchema, listOf, pageParams, parseQuery, setLinkHeader } from "./http";
import { serializeNotifications } from "../entities/notification";
import { loadNotificationViews } from "../domain/views";

const TYPES = ["mention", "follow", "follow_request", "favourite", "reblog", "status", "update", "poll", "admin.sign_up", "admin.report", "parvis.group_request", "parvis.group_approved", "parvis.group_promoted"] as const;
const typeList = listOf(z.string().max(40)).optional().transform((l) => l?.filter((t): t is NotificationType => (TYPES as readonly string[]).includes(t)));

export function notificationsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;

  router.get("/api/v1/notifications", requireAuth("read:notifications"), async (req, res) => {
    const me = currentAuth(req).account.id;
    const q = parseQuery(
      z.object({ types: typeList, exclude_types: typeList, account_id: idSchema.optional() }),
      req,
    );
    const page = pageParams(req, 40, 80);
    // as Mastodon: types[] naming no known type selects nothing (not everything)
    if (q.types && q.types.length === 0) {
      res.json([]);
      return;
    }
    const rows = await listNotifications(ctx, me, page, { types: q.types, excludeTypes: q.exclude_types, accountId: q.account_id });
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(serializeNotifications(origin, await loadNotificationViews(ctx, rows, me)));
  });

  router.post("/api/v1/notifications/clear", requireAuth("write:notifications"), async (req, res) => {
    await clearNotifications(ctx, currentAuth(req).account.id);
    res.json({});
  });

  router.get("/api/v1/notifications/:id", requireAuth("read:notifications"), async (req, res) => {
    const me = currentAuth(req).account.id;
    const row = await getNotification(ctx, me, idParam(req));
    const [entity] = serializeNotifications(origin, await loadNotificationViews(ctx, [row], me));
    res.json(entity);
  });

  router.post("/api/v1/notifications/:id/dismiss", requireAuth("write:notifications"), async (req, res) => {
    await dismissNotification(ctx, currentAuth(req).account.id, idParam(req));
    res.json({});
  });

  return router;
}
