// Follow suggestions (/api/v2/suggestions, computed on this instance) and
// familiar followers. Mounted before the accounts router: /api/v1/accounts/familiar_followers
// must not be taken for /api/v1/accounts/:id.
import { Router, type Request } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { getVisibleAccount } from "../domain/accounts";
import { dismissSuggestion, familiarFollowers, suggestionsFor } from "../domain/accounts";
import type { Services } from "../services";
import { idParam, idSchema, listOf, parseQuery } from "./http";
import { serializeAccounts } from "../entities/account";
import { loadAccountViews } from "../domain/accounts";

/** Mastodon's older "source" names for each reason. */
const LEGACY_SOURCE = { friends_of_friends: "past_interactions", most_interactions: "global" } as const;

export function suggestionsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const me = (req: Request) => currentAuth(req).account.id;
  const limitOf = (req: Request, fallback: number) =>
    parseQuery(z.object({ limit: z.coerce.number().int().catch(fallback).default(fallback).transform((n) => Math.min(Math.max(n, 1), 80)) }), req).limit;

  router.get("/api/v2/suggestions", requireAuth("read:accounts"), async (req, res) => {
    const found = await suggestionsFor(ctx, me(req), limitOf(req, 40));
    const entities = serializeAccounts(origin, await loadAccountViews(ctx, found.map((s) => s.account)));
    res.json(found.map((s, i) => ({ source: LEGACY_SOURCE[s.source], sources: [s.source], account: entities[i] })));
  });

  router.get("/api/v1/suggestions", requireAuth("read:accounts"), async (req, res) => {
    const found = await suggestionsFor(ctx, me(req), limitOf(req, 40));
    res.json(serializeAccounts(origin, await loadAccountViews(ctx, found.map((s) => s.account))));
  });

  router.delete("/api/v1/suggestions/:account_id", requireAuth("write:accounts"), async (req, res) => {
    const target = await getVisibleAccount(ctx, idParam(req, "account_id"));
    await dismissSuggestion(ctx, me(req), target.id);
    res.json({});
  });

  router.get("/api/v1/accounts/familiar_followers", requireAuth("read:follows"), async (req, res) => {
    const q = parseQuery(z.object({ id: listOf(idSchema).pipe(z.array(idSchema).max(40)).optional() }), req);
    const ids = [...new Set(q.id ?? [])];
    const found = await familiarFollowers(ctx, me(req), ids);
    const out = [];
    for (const id of ids) out.push({ id, accounts: serializeAccounts(origin, await loadAccountViews(ctx, found.get(id) ?? [])) });
    res.json(out);
  });

  return router;
}
