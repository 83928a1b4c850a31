// The commune's announcements: Mastodon's /api/v1/announcements for residents
// (list, dismiss, reactions), and their management by admins under
// /api/parvis/admin/announcements (Mastodon has no admin API for them).
import { Router, type Request } from "express";
import { z } from "zod";
import { currentAuth, requireAuth, requireRole } from "../auth/middleware";
import {
  addReaction,
  allAnnouncements,
  announcementsFor,
  createAnnouncement,
  deleteAnnouncement,
  dismissAnnouncement,
  endAnnouncement,
  getAnnouncement,
  MAX_ANNOUNCEMENT_CHARS,
  removeReaction,
  updateAnnouncement,
  type Announcement,
  announcementExtras,
} from "../domain/announcements";
import { Invalid } from "../errors";
import type { Services } from "../services";
import { boolish, idParam, parseBody, parseQuery } from "./http";
import { serializeAnnouncements } from "../entities/announcement";

const date = z
  .union([z.string().max(100), z.null(), z.literal("")])
  .optional()
  .transform((v, c) => {
    if (v === undefined) return undefined;
    if (v === null || v === "") return null;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) {
      c.addIssue({ code: "custom", message: "is not a valid date" });
      return z.NEVER;
    }
    return d;
  });

const editSchema = z.object({
  text: z.string().max(MAX_ANNOUNCEMENT_CHARS * 4).optional(),
  starts_at: date,
  ends_at: date,
  all_day: boolish.optional(),
  /** false keeps it as a draft */
  published: boolish.optional(),
  /** publish later (instead of at once) */
  scheduled_at: date,
});

export function announcementsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;

  const entities = async (rows: Announcement[], viewerId: string | null, admin = false) =>
    serializeAnnouncements(services.config.origin, rows, await announcementExtras(ctx, rows.map((r) => r.id), viewerId), admin);

  // ── residents (Mastodon) ──

  router.get("/api/v1/announcements", requireAuth("read"), async (req, res) => {
    const me = currentAuth(req).account.id;
    const q = parseQuery(z.object({ with_dismissed: z.enum(["true", "false", "1", "0"]).optional() }), req);
    const withDismissed = q.with_dismissed === "true" || q.with_dismissed === "1";
    res.json(await entities(await announcementsFor(ctx, me, withDismissed), me));
  });

  router.post("/api/v1/announcements/:id/dismiss", requireAuth("write:accounts"), async (req, res) => {
    await dismissAnnouncement(ctx, currentAuth(req).account.id, idParam(req));
    res.json({});
  });

  const reactionName = (req: Request) => {
    const name = req.params.name;
    if (typeof name !== "string" || name.length === 0 || name.length > 64) throw new Invalid("Validation failed: Name is not a recognized emoji");
    return name;
  };

  router.put("/api/v1/announcements/:id/reactions/:name", requireAuth("write:favourites"), async (req, res) => {
    await addReaction(ctx, currentAuth(req).account.id, idParam(req), reactionName(req));
    res.json({});
  });

  router.delete("/api/v1/announcements/:id/reactions/:name", requireAuth("write:favourites"), async (req, res) => {
    await removeReaction(ctx, currentAuth(req).account.id, idParam(req), reactionName(req));
    res.json({});
  });

  // ── admins (Parvis extension) ──

  const admin = requireRole("admin");

  const publishOf = (body: z.infer<typeof editSchema>): boolean | Date | undefined => {
    if (body.scheduled_at) return body.scheduled_at;
    return body.published;
  };

  router.get("/api/parvis/admin/announcements", admin, async (req, res) => {
    res.json(await entities(await allAnnouncements(ctx), currentAuth(req).account.id, true));
  });

  router.post("/api/parvis/admin/announcements", admin, async (req, res) => {
    const body = parseBody(editSchema.extend({ text: z.string().max(MAX_ANNOUNCEMENT_CHARS * 4) }), req);
    const row = await createAnnouncement(ctx, {
      text: body.text,
      startsAt: body.starts_at,
      endsAt: body.ends_at,
      allDay: body.all_day,
      publish: publishOf(body) ?? true,
    });
    res.json((await entities([row], currentAuth(req).account.id, true))[0]);
  });

  router.get("/api/parvis/admin/announcements/:id", admin, async (req, res) => {
    res.json((await entities([await getAnnouncement(ctx, idParam(req))], currentAuth(req).account.id, true))[0]);
  });

  router.put("/api/parvis/admin/announcements/:id", admin, async (req, res) => {
    const id = idParam(req);
    await getAnnouncement(ctx, id);
    const body = parseBody(editSchema, req);
    const row = await updateAnnouncement(ctx, id, {
      text: body.text,
      startsAt: body.starts_at,
      endsAt: body.ends_at,
      allDay: body.all_day,
      publish: publishOf(body),
    });
    res.json((await entities([row], currentAuth(req).account.id, true))[0]);
  });

  router.post("/api/parvis/admin/announcements/:id/end", admin, async (req, res) => {
    const row = await endAnnouncement(ctx, idParam(req));
    res.json((await entities([row], currentAuth(req).account.id, true))[0]);
  });

  router.delete("/api/parvis/admin/announcements/:id", admin, async (req, res) => {
    await deleteAnnouncement(ctx, idParam(req));
    res.json({});
  });

  return router;
}
