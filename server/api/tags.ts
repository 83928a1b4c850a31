// Hashtags: GET /api/v1/tags/:name, following them (/api/v1/tags/:name/follow,
// /api/v1/followed_tags) and featuring them on a profile (/api/v1/featured_tags…).
import { Router, type Request } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { getVisibleAccount } from "../domain/accounts";
import { findTag } from "../domain/search";
import {
  featureTag,
  featuredTagSuggestions,
  featuredTagsOf,
  followTag,
  followedAmong,
  followedTags,
  unfeatureTag,
  unfollowTag,
  type FeaturedTag,
  type Tag,
} from "../domain/tags";
import { normalizeTagName } from "../domain/content";
import { NotFound } from "../errors";
import type { Services } from "../services";
import { localUrls } from "../urls";
import { idParam, pageParams, parseBody, setLinkHeader } from "./http";

export function tagsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const urls = localUrls(services.config.origin);
  const me = (req: Request) => currentAuth(req).account.id;

  const tagEntity = (tag: Tag, following: boolean | undefined) => ({
    id: tag.id,
    name: tag.name,
    url: urls.tagPage(tag.name),
    history: [],
    ...(following === undefined ? {} : { following }),
  });

  const featuredEntity = (username: string, f: FeaturedTag) => ({
    id: f.id,
    name: f.name,
    url: `${urls.profilePage(username)}/tagged/${encodeURIComponent(f.name)}`,
    // as Mastodon: a string, and a date without time
    statuses_count: String(f.statusesCount),
    last_status_at: f.lastStatusAt ? f.lastStatusAt.toISOString().slice(0, 10) : null,
  });

  const nameParam = (req: Request): string => {
    const name = normalizeTagName(String(req.params.name ?? ""));
    if (!name) throw new NotFound();
    return name;
  };

  router.get("/api/v1/tags/:name", async (req, res) => {
    const tag = await findTag(ctx, nameParam(req));
    if (!tag) throw new NotFound();
    const viewer = req.auth?.account.id ?? null;
    res.json(tagEntity(tag, viewer ? (await followedAmong(ctx, viewer, [tag.id])).has(tag.id) : undefined));
  });

  router.post("/api/v1/tags/:name/follow", requireAuth("write:follows"), async (req, res) => {
    res.json(tagEntity(await followTag(ctx, me(req), nameParam(req)), true));
  });

  router.post("/api/v1/tags/:name/unfollow", requireAuth("write:follows"), async (req, res) => {
    res.json(tagEntity(await unfollowTag(ctx, me(req), nameParam(req)), false));
  });

  router.get("/api/v1/followed_tags", requireAuth("read:follows"), async (req, res) => {
    const page = pageParams(req, 100, 200);
    const rows = await followedTags(ctx, me(req), page);
    setLinkHeader(req, res, rows.map((r) => r.rowId), page.limit);
    res.json(rows.map((r) => tagEntity(r.tag, true)));
  });

  router.get("/api/v1/featured_tags", requireAuth("read:accounts"), async (req, res) => {
    const auth = currentAuth(req);
    res.json((await featuredTagsOf(ctx, auth.account.id)).map((f) => featuredEntity(auth.account.username, f)));
  });

  router.post("/api/v1/featured_tags", requireAuth("write:accounts"), async (req, res) => {
    const auth = currentAuth(req);
    const body = parseBody(z.object({ name: z.string().max(200) }), req);
    res.json(featuredEntity(auth.account.username, await featureTag(ctx, auth.account.id, body.name)));
  });

  router.get("/api/v1/featured_tags/suggestions", requireAuth("read:accounts"), async (req, res) => {
    const viewer = me(req);
    const tags = await featuredTagSuggestions(ctx, viewer);
    const followed = await followedAmong(ctx, viewer, tags.map((t) => t.id));
    res.json(tags.map((t) => tagEntity(t, followed.has(t.id))));
  });

  router.delete("/api/v1/featured_tags/:id", requireAuth("write:accounts"), async (req, res) => {
    await unfeatureTag(ctx, me(req), idParam(req));
    res.json({});
  });

  router.get("/api/v1/accounts/:id/featured_tags", async (req, res) => {
    const account = await getVisibleAccount(ctx, idParam(req));
    res.json((await featuredTagsOf(ctx, account.id)).map((f) => featuredEntity(account.username, f)));
  });

  return router;
}
