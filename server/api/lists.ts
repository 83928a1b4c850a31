// /api/v1/lists…, /api/v1/accounts/:id/lists and /api/v1/timelines/list/:id.
import { Router, type Request } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { getVisibleAccount } from "../domain/accounts";
import { addMembers, createList, deleteList, getList, listMembers, listTimeline, listsHolding, listsOf, removeMembers, updateList } from "../domain/lists";
import type { Services } from "../services";
import { boolish, idParam, idSchema, listOf, pageParams, parseBody, setLinkHeader } from "./http";
import { serializeAccounts } from "../entities/account";
import { serializeStatuses } from "../entities/status";
import { serializeList } from "../entities/list";
import { loadAccountViews } from "../domain/accounts";
import { loadFilteredStatusViews } from "../domain/views";

const policy = z.enum(["followed", "list", "none"]);

const createSchema = z.object({
  title: z.string().max(10_000),
  replies_policy: policy.optional(),
  exclusive: boolish.optional(),
});
const updateSchema = createSchema.partial();
const membersSchema = z.object({ account_ids: listOf(idSchema).pipe(z.array(idSchema).min(1).max(500)) });

/** DELETE carries its parameters in the body or in the query string: apps do both. */
function withQueryAsBody(req: Request): Pick<Request, "body"> {
  const hasBody = req.body && typeof req.body === "object" && Object.keys(req.body).length > 0;
  return { body: hasBody ? req.body : req.query };
}

export function listsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const me = (req: Request) => currentAuth(req).account.id;

  router.get("/api/v1/lists", requireAuth("read:lists"), async (req, res) => {
    res.json((await listsOf(ctx, me(req))).map(serializeList));
  });

  router.post("/api/v1/lists", requireAuth("write:lists"), async (req, res) => {
    const body = parseBody(createSchema, req);
    const list = await createList(ctx, me(req), { title: body.title, repliesPolicy: body.replies_policy, exclusive: body.exclusive });
    res.json(serializeList(list));
  });

  router.get("/api/v1/lists/:id", requireAuth("read:lists"), async (req, res) => {
    res.json(serializeList(await getList(ctx, me(req), idParam(req))));
  });

  router.put("/api/v1/lists/:id", requireAuth("write:lists"), async (req, res) => {
    const id = idParam(req);
    await getList(ctx, me(req), id);
    const body = parseBody(updateSchema, req);
    const list = await updateList(ctx, me(req), id, { title: body.title, repliesPolicy: body.replies_policy, exclusive: body.exclusive });
    res.json(serializeList(list));
  });

  router.delete("/api/v1/lists/:id", requireAuth("write:lists"), async (req, res) => {
    await deleteList(ctx, me(req), idParam(req));
    res.json({});
  });

  router.get("/api/v1/lists/:id/accounts", requireAuth("read:lists"), async (req, res) => {
    const id = idParam(req);
    // as Mastodon: limit=0 gives every member, without pagination
    const all = String(req.query.limit ?? "") === "0";
    const page = all ? null : pageParams(req, 40, 80);
    const rows = await listMembers(ctx, me(req), id, page);
    if (page) setLinkHeader(req, res, rows.map((r) => r.rowId), page.limit);
    res.json(serializeAccounts(origin, await loadAccountViews(ctx, rows.map((r) => r.account))));
  });

  router.post("/api/v1/lists/:id/accounts", requireAuth("write:lists"), async (req, res) => {
    const id = idParam(req);
    await getList(ctx, me(req), id);
    const body = parseBody(membersSchema, req);
    await addMembers(ctx, me(req), id, body.account_ids);
    res.json({});
  });

  router.delete("/api/v1/lists/:id/accounts", requireAuth("write:lists"), async (req, res) => {
    const id = idParam(req);
    await getList(ctx, me(req), id);
    const body = parseBody(membersSchema, withQueryAsBody(req) as Request);
    await removeMembers(ctx, me(req), id, body.account_ids);
    res.json({});
  });

  router.get("/api/v1/accounts/:id/lists", requireAuth("read:lists"), async (req, res) => {
    const account = await getVisibleAccount(ctx, idParam(req));
    res.json((await listsHolding(ctx, me(req), account.id)).map(serializeList));
  });

  router.get("/api/v1/timelines/list/:id", requireAuth("read:lists"), async (req, res) => {
    const page = pageParams(req);
    const rows = await listTimeline(ctx, me(req), idParam(req), page);
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    // lists are read under the "home" filters, as Mastodon
    res.json(serializeStatuses(origin, await loadFilteredStatusViews(ctx, rows, me(req), "home")));
  });

  return router;
}
