// Lists of one's own relationships: follow requests, blocks, mutes.
import { Router } from "express";
import { currentAuth, requireAuth } from "../auth/middleware";
import { listBlocks } from "../domain/blocks";
import { authorizeFollowRequest, listFollowRequests, rejectFollowRequest, relationships } from "../domain/follows";
import { listMutes } from "../domain/blocks";
import type { Services } from "../services";
import { idParam, pageParams, setLinkHeader } from "./http";
import { serializeRelationship } from "../entities/relationship";
import { serializeAccounts } from "../entities/account";
import { activeAccountsByIds, loadAccountViews } from "../domain/accounts";

export function relationshipsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;

  router.get("/api/v1/follow_requests", requireAuth("read:follows"), async (req, res) => {
    const page = pageParams(req, 40, 80);
    const rows = await listFollowRequests(ctx, currentAuth(req).account.id, page);
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(serializeAccounts(origin, await loadAccountViews(ctx, await activeAccountsByIds(ctx, rows.map((r) => r.accountId)))));
  });

  router.post("/api/v1/follow_requests/:id/authorize", requireAuth("write:follows"), async (req, res) => {
    const me = currentAuth(req).account.id;
    const requester = idParam(req);
    await authorizeFollowRequest(ctx, me, requester);
    const [rel] = await relationships(ctx, me, [requester]);
    res.json(serializeRelationship(rel));
  });

  router.post("/api/v1/follow_requests/:id/reject", requireAuth("write:follows"), async (req, res) => {
    const me = currentAuth(req).account.id;
    const requester = idParam(req);
    await rejectFollowRequest(ctx, me, requester);
    const [rel] = await relationships(ctx, me, [requester]);
    res.json(serializeRelationship(rel));
  });

  router.get("/api/v1/blocks", requireAuth("read:blocks"), async (req, res) => {
    const page = pageParams(req, 40, 80);
    const rows = await listBlocks(ctx, currentAuth(req).account.id, page);
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(serializeAccounts(origin, await loadAccountViews(ctx, await activeAccountsByIds(ctx, rows.map((r) => r.targetAccountId)))));
  });

  router.get("/api/v1/mutes", requireAuth("read:mutes"), async (req, res) => {
    const page = pageParams(req, 40, 80);
    const rows = await listMutes(ctx, currentAuth(req).account.id, page);
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(serializeAccounts(origin, await loadAccountViews(ctx, await activeAccountsByIds(ctx, rows.map((r) => r.targetAccountId)))));
  });

  return router;
}
