// /api/v1/conversations…: direct threads with their unread flag.
import { Router, type Request } from "express";
import { currentAuth, requireAuth } from "../auth/middleware";
import { listConversations, markConversationRead, removeConversation } from "../domain/conversations";
import { loadConversationViews } from "../domain/views";
import type { Services } from "../services";
import { idParam, pageParams, setLinkHeader } from "./http";
import { serializeConversations } from "../entities/conversation";

export function conversationsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const me = (req: Request) => currentAuth(req).account.id;

  router.get("/api/v1/conversations", requireAuth("read:statuses"), async (req, res) => {
    const page = pageParams(req);
    const rows = await listConversations(ctx, me(req), page);
    setLinkHeader(req, res, rows.map((r) => r.lastStatusId!), page.limit);
    res.json(serializeConversations(origin, await loadConversationViews(ctx, rows, me(req))));
  });

  router.delete("/api/v1/conversations/:id", requireAuth("write:conversations"), async (req, res) => {
    await removeConversation(ctx, me(req), idParam(req));
    res.json({});
  });

  router.post("/api/v1/conversations/:id/read", requireAuth("write:conversations"), async (req, res) => {
    const row = await markConversationRead(ctx, me(req), idParam(req));
    const [entity] = serializeConversations(origin, await loadConversationViews(ctx, [row], me(req)));
    res.json(entity);
  });

  return router;
}
