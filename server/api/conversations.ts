// /api/v1/conversations…: direct threads with their unread flag.
import { Router, type Request } from "express";
import { inArray } from "drizzle-orm";
import { currentAuth, requireAuth } from "../auth/middleware";
import { accounts } from "../db/schema";
import { lastStatuses, listConversations, markConversationRead, removeConversation, type AccountConversation } from "../domain/conversations";
import type { Services } from "../services";
import { idParam, pageParams, setLinkHeader } from "./http";
import { serializeAccounts } from "../entities/account";
import { serializeStatuses } from "../entities/status";

/** Conversations → Mastodon Conversation entities (accounts: the other participants). */
export async function serializeConversations(services: Services, rows: AccountConversation[], viewerId: string) {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.flatMap((r) => r.participantIds))];
  const accountRows = ids.length ? await services.db.select().from(accounts).where(inArray(accounts.id, ids)) : [];
  const entities = await serializeAccounts(services, accountRows);
  const accountById = new Map(accountRows.map((a, i) => [a.id, entities[i]]));
  const last = await lastStatuses(services.domain, rows);
  const statusEntities = await serializeStatuses(services, [...last.values()], viewerId);
  const statusById = new Map(statusEntities.map((s) => [s.id, s]));
  return rows.map((r) => ({
    id: r.id,
    unread: r.unread,
    accounts: r.participantIds.map((id) => accountById.get(id)).filter((a) => a !== undefined),
    last_status: (r.lastStatusId && statusById.get(r.lastStatusId)) || null,
  }));
}

export function conversationsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const me = (req: Request) => currentAuth(req).account.id;

  router.get("/api/v1/conversations", requireAuth("read:statuses"), async (req, res) => {
    const page = pageParams(req);
    const rows = await listConversations(ctx, me(req), page);
    setLinkHeader(req, res, rows.map((r) => r.lastStatusId!), page.limit);
    res.json(await serializeConversations(services, rows, me(req)));
  });

  router.delete("/api/v1/conversations/:id", requireAuth("write:conversations"), async (req, res) => {
    await removeConversation(ctx, me(req), idParam(req));
    res.json({});
  });

  router.post("/api/v1/conversations/:id/read", requireAuth("write:conversations"), async (req, res) => {
    const row = await markConversationRead(ctx, me(req), idParam(req));
    const [entity] = await serializeConversations(services, [row], me(req));
    res.json(entity);
  });

  return router;
}
