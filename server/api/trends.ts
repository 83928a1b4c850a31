// /api/v1/trends/{tags,statuses,links}, computed on this instance, and
// Mastodon's admin review of them (/api/v1/admin/trends/…).
import { Router, type Request } from "express";
import { z } from "zod";
import { requireRole } from "../auth/middleware";
import { loadStatuses, visibleStatuses } from "../domain/statuses";
import {
  findCandidate,
  linkCandidates,
  publicTrends,
  reviews,
  reviewTrend,
  statusCandidates,
  tagCandidates,
  type DayUse,
  type LinkTrend,
  type TagTrend,
  type TrendKind,
} from "../domain/trends";
import type { Services } from "../services";
import { idParam, parseQuery } from "./http";
import { serializeStatuses } from "../entities/status";
import { localUrls } from "../urls";
import { loadStatusViews } from "../domain/views";

const pageQuery = z.object({
  limit: z.coerce.number().int().catch(10).default(10),
  offset: z.coerce.number().int().min(0).max(10_000).catch(0).default(0),
});

function page<T>(req: Request, list: T[], defaultLimit: number, maxLimit: number): T[] {
  const q = parseQuery(pageQuery, req);
  const limit = Math.min(Math.max(req.query.limit === undefined ? defaultLimit : q.limit, 1), maxLimit);
  return list.slice(q.offset, q.offset + limit);
}

const history = (h: DayUse[]) => h.map((d) => ({ day: String(d.day), uses: String(d.uses), accounts: String(d.accounts) }));

export function trendsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const urls = localUrls(services.config.origin);
  const viewer = (req: Request) => req.auth?.account.id ?? null;

  const tagEntity = (t: TagTrend) => ({ name: t.name, url: urls.tagPage(t.name), history: history(t.history) });
  const linkEntity = (l: LinkTrend) => {
    const url = new URL(l.url);
    // no preview is fetched from the linked site: what the URL itself says
    return {
      url: l.url,
      title: `${url.hostname}${url.pathname === "/" ? "" : decodeURI(url.pathname)}`.slice(0, 200),
      description: "",
      type: "link",
      author_name: "",
      author_url: "",
      provider_name: url.hostname,
      provider_url: url.origin,
      html: "",
      width: 0,
      height: 0,
      image: null,
      image_description: "",
      embed_url: "",
      blurhash: null,
      published_at: null,
      authors: [],
      history: history(l.history),
    };
  };

  router.get(["/api/v1/trends", "/api/v1/trends/tags"], async (req, res) => {
    const list = await publicTrends(ctx, "tag", await tagCandidates(ctx), (t) => t.name);
    res.json(page(req, list, 10, 20).map(tagEntity));
  });

  router.get("/api/v1/trends/statuses", async (req, res) => {
    const list = await publicTrends(ctx, "status", await statusCandidates(ctx), (s) => s.statusId);
    const ids = page(req, list, 20, 40).map((s) => s.statusId);
    res.json(serializeStatuses(origin, await loadStatusViews(ctx, await visibleStatuses(ctx, ids, viewer(req)), viewer(req))));
  });

  router.get("/api/v1/trends/links", async (req, res) => {
    const list = await publicTrends(ctx, "link", await linkCandidates(ctx), (l) => l.url);
    res.json(page(req, list, 10, 20).map(linkEntity));
  });

  // ── admin review (Mastodon's shapes, with requires_review and the decision) ──

  const staff = requireRole("admin");

  async function decisionFields(kind: TrendKind, keys: string[]) {
    const decided = await reviews(ctx, kind, keys);
    return (key: string) => ({ trendable: decided.get(key) === "approved", requires_review: !decided.has(key), decision: decided.get(key) ?? null });
  }

  router.get("/api/v1/admin/trends/tags", staff, async (_req, res) => {
    const list = await tagCandidates(ctx);
    const d = await decisionFields("tag", list.map((t) => t.name));
    res.json(list.map((t) => ({ id: t.id, ...tagEntity(t), usable: true, ...d(t.name) })));
  });

  router.get("/api/v1/admin/trends/links", staff, async (_req, res) => {
    const list = await linkCandidates(ctx);
    const d = await decisionFields("link", list.map((l) => l.url));
    res.json(list.map((l) => ({ id: l.id, ...linkEntity(l), ...d(l.url) })));
  });

  router.get("/api/v1/admin/trends/statuses", staff, async (req, res) => {
    const list = await statusCandidates(ctx);
    const d = await decisionFields("status", list.map((s) => s.statusId));
    const entities = serializeStatuses(origin, await loadStatusViews(ctx, await loadStatuses(ctx, list.map((s) => s.statusId)), req.auth?.account.id ?? null));
    res.json(entities.map((e) => ({ ...e, ...d(e.id) })));
  });

  for (const decision of ["approve", "reject"] as const) {
    const value = decision === "approve" ? "approved" : "rejected";
    router.post(`/api/v1/admin/trends/tags/:id/${decision}`, staff, async (req, res) => {
      const id = idParam(req);
      const tag = await findCandidate(await tagCandidates(ctx), (t) => t.id === id);
      await reviewTrend(ctx, "tag", tag.name, value);
      res.json({ id: tag.id, ...tagEntity(tag), usable: true, ...(await decisionFields("tag", [tag.name]))(tag.name) });
    });
    router.post(`/api/v1/admin/trends/links/:id/${decision}`, staff, async (req, res) => {
      const id = String(req.params.id);
      const link = await findCandidate(await linkCandidates(ctx), (l) => l.id === id);
      await reviewTrend(ctx, "link", link.url, value);
      res.json({ id: link.id, ...linkEntity(link), ...(await decisionFields("link", [link.url]))(link.url) });
    });
    router.post(`/api/v1/admin/trends/statuses/:id/${decision}`, staff, async (req, res) => {
      const id = idParam(req);
      await findCandidate(await statusCandidates(ctx), (s) => s.statusId === id);
      await reviewTrend(ctx, "status", id, value);
      const [entity] = serializeStatuses(origin, await loadStatusViews(ctx, await loadStatuses(ctx, [id]), req.auth?.account.id ?? null));
      res.json({ ...entity, ...(await decisionFields("status", [id]))(id) });
    });
  }

  return router;
}
