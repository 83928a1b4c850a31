// /api/v2/filters… (filters with keywords and statuses) and /api/v1/filters
// (Mastodon's older shape: one filter per keyword, as views of the v2 ones).
import { Router, type Request } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import type { FilterContext } from "../db/schema";
import {
  addFilterStatus,
  addKeyword,
  createFilter,
  createV1Filter,
  deleteFilter,
  deleteFilterStatus,
  deleteKeyword,
  deleteV1Filter,
  getFilter,
  getFilterStatus,
  getKeyword,
  listFilters,
  listV1Filters,
  updateFilter,
  updateKeyword,
  updateV1Filter,
} from "../domain/filters";
import type { Services } from "../services";
import { boolish, idParam, idSchema, listOf, parseBody } from "./http";
import { serializeFilter, serializeFilterStatus, serializeKeyword, serializeV1Filter } from "../entities/filter";

const context = listOf(z.enum(["home", "notifications", "public", "thread", "account"]));
/** expires_in in seconds; "" or null means "never", as Mastodon's forms send it */
const expiresIn = z
  .union([z.literal(""), z.null(), z.coerce.number().int().positive().max(10 * 365 * 86400)])
  .transform((v) => (v === "" || v === null ? null : v));
/** a nested list as JSON sends it, or as form encoding does ({"0": {...}, "1": {...}}) */
const nestedList = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.values(v) : v), z.array(item).max(100));

const keywordAttributes = z.object({
  id: idSchema.optional(),
  keyword: z.string().max(10_000).optional(),
  whole_word: boolish.optional(),
  _destroy: boolish.optional(),
});

const v2Schema = z.object({
  title: z.string().max(10_000).optional(),
  context: context.optional(),
  filter_action: z.enum(["warn", "hide"]).optional(),
  expires_in: expiresIn.optional(),
  keywords_attributes: nestedList(keywordAttributes).optional(),
});

const keywordSchema = z.object({ keyword: z.string().max(10_000).optional(), whole_word: boolish.optional() });

const v1Schema = z.object({
  phrase: z.string().max(10_000).optional(),
  context: context.optional(),
  irreversible: boolish.optional(),
  whole_word: boolish.optional(),
  expires_in: expiresIn.optional(),
});

function keywordsOf(attrs: z.infer<typeof keywordAttributes>[] | undefined) {
  return attrs?.map((k) => ({ id: k.id, keyword: k.keyword, wholeWord: k.whole_word, destroy: k._destroy }));
}

export function filtersRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const me = (req: Request) => currentAuth(req).account.id;
  const read = requireAuth("read:filters");
  const write = requireAuth("write:filters");

  // ── v2 ──
  router.get("/api/v2/filters", read, async (req, res) => {
    res.json((await listFilters(ctx, me(req))).map(serializeFilter));
  });

  router.post("/api/v2/filters", write, async (req, res) => {
    const body = parseBody(v2Schema, req);
    const filter = await createFilter(ctx, me(req), {
      title: body.title ?? "",
      context: (body.context ?? []) as FilterContext[],
      action: body.filter_action,
      expiresIn: body.expires_in ?? null,
      keywords: keywordsOf(body.keywords_attributes),
    });
    res.json(serializeFilter(filter));
  });

  router.get("/api/v2/filters/keywords/:id", read, async (req, res) => {
    res.json(serializeKeyword((await getKeyword(ctx, me(req), idParam(req))).keyword));
  });

  router.put("/api/v2/filters/keywords/:id", write, async (req, res) => {
    const id = idParam(req);
    await getKeyword(ctx, me(req), id);
    const body = parseBody(keywordSchema, req);
    res.json(serializeKeyword(await updateKeyword(ctx, me(req), id, { keyword: body.keyword, wholeWord: body.whole_word })));
  });

  router.delete("/api/v2/filters/keywords/:id", write, async (req, res) => {
    await deleteKeyword(ctx, me(req), idParam(req));
    res.json({});
  });

  router.get("/api/v2/filters/statuses/:id", read, async (req, res) => {
    res.json(serializeFilterStatus(await getFilterStatus(ctx, me(req), idParam(req))));
  });

  router.delete("/api/v2/filters/statuses/:id", write, async (req, res) => {
    await deleteFilterStatus(ctx, me(req), idParam(req));
    res.json({});
  });

  router.get("/api/v2/filters/:id", read, async (req, res) => {
    res.json(serializeFilter(await getFilter(ctx, me(req), idParam(req))));
  });

  router.put("/api/v2/filters/:id", write, async (req, res) => {
    const id = idParam(req);
    await getFilter(ctx, me(req), id);
    const body = parseBody(v2Schema, req);
    const filter = await updateFilter(ctx, me(req), id, {
      title: body.title,
      context: body.context as FilterContext[] | undefined,
      action: body.filter_action,
      expiresIn: body.expires_in,
      keywords: keywordsOf(body.keywords_attributes),
    });
    res.json(serializeFilter(filter));
  });

  router.delete("/api/v2/filters/:id", write, async (req, res) => {
    await deleteFilter(ctx, me(req), idParam(req));
    res.json({});
  });

  router.get("/api/v2/filters/:id/keywords", read, async (req, res) => {
    res.json((await getFilter(ctx, me(req), idParam(req))).keywords.map(serializeKeyword));
  });

  router.post("/api/v2/filters/:id/keywords", write, async (req, res) => {
    const id = idParam(req);
    await getFilter(ctx, me(req), id);
    const body = parseBody(keywordSchema, req);
    res.json(serializeKeyword(await addKeyword(ctx, me(req), id, { keyword: body.keyword, wholeWord: body.whole_word })));
  });

  router.get("/api/v2/filters/:id/statuses", read, async (req, res) => {
    res.json((await getFilter(ctx, me(req), idParam(req))).statuses.map(serializeFilterStatus));
  });

  router.post("/api/v2/filters/:id/statuses", write, async (req, res) => {
    const id = idParam(req);
    await getFilter(ctx, me(req), id);
    const body = parseBody(z.object({ status_id: idSchema }), req);
    res.json(serializeFilterStatus(await addFilterStatus(ctx, me(req), id, body.status_id)));
  });

  // ── v1 ──
  router.get("/api/v1/filters", read, async (req, res) => {
    res.json((await listV1Filters(ctx, me(req))).map(serializeV1Filter));
  });

  router.post("/api/v1/filters", write, async (req, res) => {
    const body = parseBody(v1Schema, req);
    const v1 = await createV1Filter(ctx, me(req), {
      phrase: body.phrase,
      context: (body.context ?? []) as FilterContext[],
      irreversible: body.irreversible,
      wholeWord: body.whole_word,
      expiresIn: body.expires_in ?? null,
    });
    res.json(serializeV1Filter(v1));
  });

  router.get("/api/v1/filters/:id", read, async (req, res) => {
    res.json(serializeV1Filter(await getKeyword(ctx, me(req), idParam(req))));
  });

  router.put("/api/v1/filters/:id", write, async (req, res) => {
    const id = idParam(req);
    await getKeyword(ctx, me(req), id);
    const body = parseBody(v1Schema, req);
    const v1 = await updateV1Filter(ctx, me(req), id, {
      phrase: body.phrase,
      context: body.context as FilterContext[] | undefined,
      irreversible: body.irreversible,
      wholeWord: body.whole_word,
      expiresIn: body.expires_in,
    });
    res.json(serializeV1Filter(v1));
  });

  router.delete("/api/v1/filters/:id", write, async (req, res) => {
    await deleteV1Filter(ctx, me(req), idParam(req));
    res.json({});
  });

  return router;
}
