// /api/v1/polls/:id and its votes; /api/v1/scheduled_statuses.
import { Router } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { getVisiblePoll, pollViews, vote } from "../domain/polls";
import { cancelScheduledStatus, getScheduledStatus, listScheduledStatuses, rescheduleStatus } from "../domain/statuses";
import { NotFound } from "../errors";
import type { Services } from "../services";
import { idParam, listOf, pageParams, parseBody, setLinkHeader } from "./http";
import { pollEntity } from "../entities/poll";
import { serializeScheduledStatus, serializeScheduledStatuses } from "../entities/scheduled-status";
import { loadScheduledStatusViews } from "../domain/views";
import { loadScheduledStatusView } from "../domain/views";

export function pollsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const viewer = (req: import("express").Request) => req.auth?.account.id ?? null;

  async function entityOf(statusId: string, viewerId: string | null) {
    const view = (await pollViews(ctx, [statusId], viewerId)).get(statusId);
    if (!view) throw new NotFound();
    return pollEntity(view, viewerId);
  }

  router.get("/api/v1/polls/:id", async (req, res) => {
    const poll = await getVisiblePoll(ctx, idParam(req), viewer(req));
    res.json(await entityOf(poll.statusId, viewer(req)));
  });

  router.post("/api/v1/polls/:id/votes", requireAuth("write:statuses"), async (req, res) => {
    const me = currentAuth(req).account;
    const id = idParam(req);
    const body = parseBody(z.object({ choices: listOf(z.coerce.number().int().min(0).max(1000)).pipe(z.array(z.number()).min(1).max(20)) }), req);
    const poll = await vote(ctx, me, id, body.choices);
    res.json(await entityOf(poll.statusId, me.id));
  });

  router.get("/api/v1/scheduled_statuses", requireAuth("read:statuses"), async (req, res) => {
    const page = pageParams(req, 20, 40);
    const rows = await listScheduledStatuses(ctx, currentAuth(req).account.id, page);
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(serializeScheduledStatuses(origin, await loadScheduledStatusViews(ctx, rows)));
  });

  router.get("/api/v1/scheduled_statuses/:id", requireAuth("read:statuses"), async (req, res) => {
    res.json(serializeScheduledStatus(origin, await loadScheduledStatusView(ctx, await getScheduledStatus(ctx, currentAuth(req).account.id, idParam(req)))));
  });

  router.put("/api/v1/scheduled_statuses/:id", requireAuth("write:statuses"), async (req, res) => {
    const me = currentAuth(req).account.id;
    const id = idParam(req);
    await getScheduledStatus(ctx, me, id);
    const body = parseBody(z.object({ scheduled_at: z.string().max(100) }), req);
    res.json(serializeScheduledStatus(origin, await loadScheduledStatusView(ctx, await rescheduleStatus(ctx, me, id, new Date(body.scheduled_at)))));
  });

  router.delete("/api/v1/scheduled_statuses/:id", requireAuth("write:statuses"), async (req, res) => {
    await cancelScheduledStatus(ctx, currentAuth(req).account.id, idParam(req));
    res.json({});
  });

  return router;
}
