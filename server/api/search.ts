// /api/v2/search and /api/v1/tags/:name.
import { Router } from "express";
import { z } from "zod";
import { getVisibleStatus } from "../domain/visibility";
import { searchAccounts, searchStatuses, searchTags } from "../domain/search";
import { getVisibleAccount, type Account } from "../domain/accounts";
import type { Services } from "../services";
import { localUrls } from "../urls";
import { boolish, parseQuery } from "./http";
import { serializeAccounts } from "../entities/account";
import { serializeStatuses } from "../entities/status";
import type { Status } from "../domain/statuses";
import { loadAccountViews } from "../domain/accounts";
import { loadStatusViews } from "../domain/views";

const ACCT = /^@?([a-z0-9_]{1,30})@([a-z0-9.-]+(?::\d{1,5})?)$/i;

export function searchRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const urls = localUrls(services.config.origin);

  router.get("/api/v2/search", async (req, res) => {
    const q = parseQuery(
      z.object({
        q: z.string().max(2000).default(""),
        type: z.enum(["accounts", "hashtags", "statuses"]).optional(),
        resolve: boolish.optional(),
        following: boolish.optional(),
        limit: z.coerce.number().int().min(1).max(40).catch(20).default(20),
        offset: z.coerce.number().int().min(0).max(10000).catch(0).default(0),
      }),
      req,
    );
    const viewer = req.auth?.account.id ?? null;
    const term = q.q.trim();
    const want = (t: string) => !q.type || q.type === t;
    let accounts: Account[] = [];
    let found: Status[] = [];
    // resolving remote things fetches from other servers: residents only, as in Mastodon
    const mayResolve = Boolean(q.resolve && req.auth);
    if (term) {
      if (mayResolve && /^https?:\/\//i.test(term) && ctx.resolveRemoteUrl) {
        const hit = await ctx.resolveRemoteUrl(term).catch(() => null);
        if (hit?.accountId && want("accounts")) accounts.push(await getVisibleAccount(ctx, hit.accountId).catch(() => null as never));
        if (hit?.statusId && want("statuses")) {
          const s = await getVisibleStatus(ctx, hit.statusId, viewer).catch(() => null);
          if (s) found.push(s);
        }
        accounts = accounts.filter(Boolean);
      }
      if (want("accounts") && accounts.length === 0) {
        accounts = await searchAccounts(ctx, term, q.limit, q.offset, q.following && viewer ? viewer : null);
        const m = term.match(ACCT);
        if (mayResolve && m && q.offset === 0 && ctx.resolveRemoteAccount) {
          const exact = accounts.find((a) => a.username.toLowerCase() === m[1].toLowerCase() && (a.domain ?? services.config.domain) === m[2].toLowerCase());
          if (!exact) {
            const remote = await ctx.resolveRemoteAccount(m[1], m[2].toLowerCase()).catch(() => null);
            if (remote && !remote.suspendedAt) accounts.unshift(remote);
          }
        }
      }
      if (want("statuses") && found.length === 0 && !/^https?:\/\//i.test(term)) {
        found = await searchStatuses(ctx, term, viewer, q.limit, q.offset);
      }
    }
    const hashtags = term && want("hashtags") ? await searchTags(ctx, term, q.limit, q.offset) : [];
    res.json({
      accounts: serializeAccounts(origin, await loadAccountViews(ctx, accounts.slice(0, q.limit))),
      statuses: serializeStatuses(origin, await loadStatusViews(ctx, found, viewer)),
      hashtags: hashtags.map((t) => ({ name: t.name, url: urls.tagPage(t.name), history: [], following: false })),
    });
  });

  return router;
}
