// /api/v1/statuses…: posting, reading, editing, deleting, threads, history,
// favourites and reblogs; /api/v1/media and /api/v2/media for attachments.
import { Router } from "express";
import multer from "multer";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { bookmark, unbookmark } from "../domain/interactions";
import { favourite, favouritedBy, reblog, rebloggedBy, unfavourite, unreblog } from "../domain/interactions";
import { describeMedia, getOwnMedia, parseFocus, uploadMedia } from "../domain/media";
import { createStatus, deleteStatus, editStatus, loadStatuses, statusHistory, visibleStatuses } from "../domain/statuses";
import { getVisibleStatus } from "../domain/visibility";
import { threadOf } from "../domain/statuses";
import { scheduleStatus } from "../domain/statuses";
import { serializeScheduledStatus } from "../entities/scheduled-status";
import { Invalid, NotFound } from "../errors";
import type { Services } from "../services";
import { accountRateLimit } from "./rate-limits";
import { boolish, idParam, idSchema, listOf, multipart, pageParams, parseBody, setLinkHeader } from "./http";
import { isId } from "../ids";
import { serializeAccounts } from "../entities/account";
import { serializeMedia } from "../entities/media";
import { serializeStatus, serializeStatusEdits, serializeStatuses } from "../entities/status";
import { activeAccountsByIds, loadAccountViews } from "../domain/accounts";
import { loadStatusView } from "../domain/views";
import { loadFilteredStatusViews } from "../domain/views";
import { loadStatusViews } from "../domain/views";
import { loadScheduledStatusView } from "../domain/views";
import { parsePlace } from "../domain/places";

const visibility = z.enum(["public", "unlisted", "private", "direct"]);

const pollSchema = z.object({
  options: listOf(z.string().max(1000)).pipe(z.array(z.string()).max(20)),
  expires_in: z.coerce.number().int(),
  multiple: boolish.optional(),
  hide_totals: boolish.optional(),
});

const createSchema = z.object({
  status: z.string().max(100_000).optional().default(""),
  media_ids: listOf(idSchema).optional(),
  visibility: visibility.optional(),
  spoiler_text: z.string().max(100_000).optional().default(""),
  sensitive: boolish.optional(),
  in_reply_to_id: z
    .union([idSchema, z.null(), z.literal("")])
    .optional()
    .transform((v) => v || null),
  language: z.string().max(20).nullable().optional(),
  poll: pollSchema.nullable().optional(),
  scheduled_at: z.union([z.string().max(100), z.null()]).optional(),
  /** Parvis: post in this group (docs/api.md "Groups") */
  group_id: z
    .union([idSchema, z.null(), z.literal("")])
    .optional()
    .transform((v) => v || null),
  /** Parvis: the place published with the post (docs/api.md "Places"), checked by parsePlace */
  parvis_place: z.unknown().optional(),
});

const editSchema = z.object({
  status: z.string().max(100_000),
  poll: pollSchema.nullable().optional(),
  spoiler_text: z.string().max(100_000).optional(),
  sensitive: boolish.optional(),
  language: z.string().max(20).nullable().optional(),
  media_ids: listOf(idSchema).optional(),
  parvis_place: z.unknown().optional(),
});

const mediaFields = z
  .object({
    description: z.string().max(1500).nullable().optional(),
    focus: z.string().max(100).nullable().optional(),
  })
  .passthrough();

export function statusesRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const viewer = (req: import("express").Request) => req.auth?.account.id ?? null;
  const postingLimit = accountRateLimit(services, "statuses");
  const uploadLimit = accountRateLimit(services, "media");

  router.post("/api/v1/statuses", requireAuth("write:statuses"), postingLimit, async (req, res) => {
    const auth = currentAuth(req);
    const body = parseBody(createSchema, req);
    const place = parsePlace(body.parvis_place) ?? null;
    const poll = body.poll
      ? { options: body.poll.options, expiresIn: body.poll.expires_in, multiple: body.poll.multiple, hideTotals: body.poll.hide_totals }
      : null;
    if (body.scheduled_at) {
      if (body.group_id) throw new Invalid("Validation failed: A post in a group cannot be scheduled");
      const scheduled = await scheduleStatus(ctx, auth.account, new Date(body.scheduled_at), {
        text: body.status,
        visibility: body.visibility ?? "public",
        spoiler_text: body.spoiler_text,
        sensitive: Boolean(body.sensitive),
        in_reply_to_id: body.in_reply_to_id,
        language: body.language ?? null,
        media_ids: body.media_ids ?? [],
        poll: poll && { options: poll.options, expires_in: poll.expiresIn, multiple: Boolean(poll.multiple), hide_totals: Boolean(poll.hideTotals) },
        application_id: auth.token.appId,
        parvis_place: place,
      });
      res.json(serializeScheduledStatus(origin, await loadScheduledStatusView(ctx, scheduled)));
      return;
    }
    const key = req.get("idempotency-key");
    if (key !== undefined && (key.length === 0 || key.length > 200)) throw new Invalid("Idempotency-Key must be 1 to 200 characters");
    const status = await createStatus(ctx, auth.account, {
      text: body.status,
      visibility: body.visibility,
      spoilerText: body.spoiler_text,
      sensitive: body.sensitive,
      inReplyToId: body.in_reply_to_id,
      language: body.language ?? null,
      mediaIds: body.media_ids,
      applicationId: auth.token.appId,
      idempotencyKey: key ?? null,
      userId: auth.user.id,
      poll,
      groupId: body.group_id,
      place,
    });
    res.json(serializeStatus(origin, await loadStatusView(ctx, status, auth.account.id)));
  });

  router.get("/api/v1/statuses", async (req, res) => {
    const ids = listOf(z.string()).catch([]).parse(req.query.id).filter(isId).slice(0, 40);
    res.json(serializeStatuses(origin, await loadStatusViews(ctx, await visibleStatuses(ctx, ids, viewer(req)), viewer(req))));
  });

  router.get("/api/v1/statuses/:id", async (req, res) => {
    const status = await getVisibleStatus(ctx, idParam(req), viewer(req));
    res.json(serializeStatus(origin, await loadStatusView(ctx, status, viewer(req))));
  });

  router.delete("/api/v1/statuses/:id", requireAuth("write:statuses"), async (req, res) => {
    const auth = currentAuth(req);
    const id = idParam(req);
    const before = await getVisibleStatus(ctx, id, auth.account.id);
    const entity = serializeStatus(origin, await loadStatusView(ctx, before, auth.account.id), { withSource: true });
    await deleteStatus(ctx, auth.account.id, id);
    res.json(entity);
  });

  router.put("/api/v1/statuses/:id", requireAuth("write:statuses"), async (req, res) => {
    const auth = currentAuth(req);
    const id = idParam(req);
    const body = parseBody(editSchema, req);
    const status = await editStatus(ctx, auth.account, id, {
      text: body.status,
      spoilerText: body.spoiler_text,
      sensitive: body.sensitive,
      language: body.language,
      place: parsePlace(body.parvis_place),
      poll:
        body.poll === undefined
          ? undefined
          : body.poll && { options: body.poll.options, expiresIn: body.poll.expires_in, multiple: body.poll.multiple, hideTotals: body.poll.hide_totals },
    });
    res.json(serializeStatus(origin, await loadStatusView(ctx, status, auth.account.id)));
  });

  router.get("/api/v1/statuses/:id/source", requireAuth("read:statuses"), async (req, res) => {
    const auth = currentAuth(req);
    const status = await getVisibleStatus(ctx, idParam(req), auth.account.id);
    if (status.accountId !== auth.account.id) throw new NotFound();
    res.json({ id: status.id, text: status.text ?? "", spoiler_text: status.spoilerText });
  });

  router.get("/api/v1/statuses/:id/context", async (req, res) => {
    const thread = await threadOf(ctx, idParam(req), viewer(req));
    const [ancestors, descendants] = await Promise.all([
      loadStatuses(ctx, thread.ancestors).then((rows) => loadFilteredStatusViews(ctx, rows, viewer(req), "thread")),
      loadStatuses(ctx, thread.descendants).then((rows) => loadFilteredStatusViews(ctx, rows, viewer(req), "thread")),
    ]);
    res.json({ ancestors: serializeStatuses(origin, ancestors), descendants: serializeStatuses(origin, descendants) });
  });

  router.get("/api/v1/statuses/:id/history", async (req, res) => {
    const id = idParam(req);
    const status = await getVisibleStatus(ctx, id, viewer(req));
    const view = await loadStatusView(ctx, status, viewer(req));
    const versions = await statusHistory(ctx, id, viewer(req));
    res.json(serializeStatusEdits(origin, view, versions));
  });

  router.post("/api/v1/statuses/:id/favourite", requireAuth("write:favourites"), async (req, res) => {
    const me = currentAuth(req).account;
    const status = await favourite(ctx, me, idParam(req));
    res.json(serializeStatus(origin, await loadStatusView(ctx, status, me.id)));
  });

  router.post("/api/v1/statuses/:id/unfavourite", requireAuth("write:favourites"), async (req, res) => {
    const me = currentAuth(req).account;
    const status = await unfavourite(ctx, me, idParam(req));
    res.json(serializeStatus(origin, await loadStatusView(ctx, status, me.id)));
  });

  router.post("/api/v1/statuses/:id/reblog", requireAuth("write:statuses"), postingLimit, async (req, res) => {
    const me = currentAuth(req).account;
    const body = parseBody(z.object({ visibility: z.enum(["public", "unlisted", "private"]).optional() }), req);
    const row = await reblog(ctx, me, idParam(req), { visibility: body.visibility });
    res.json(serializeStatus(origin, await loadStatusView(ctx, row, me.id)));
  });

  router.post("/api/v1/statuses/:id/unreblog", requireAuth("write:statuses"), async (req, res) => {
    const me = currentAuth(req).account;
    const status = await unreblog(ctx, me, idParam(req));
    res.json(serializeStatus(origin, await loadStatusView(ctx, status, me.id)));
  });

  router.post("/api/v1/statuses/:id/bookmark", requireAuth("write:bookmarks"), async (req, res) => {
    const me = currentAuth(req).account;
    const status = await bookmark(ctx, me.id, idParam(req));
    res.json(serializeStatus(origin, await loadStatusView(ctx, status, me.id)));
  });

  router.post("/api/v1/statuses/:id/unbookmark", requireAuth("write:bookmarks"), async (req, res) => {
    const me = currentAuth(req).account;
    const status = await unbookmark(ctx, me.id, idParam(req));
    res.json(serializeStatus(origin, await loadStatusView(ctx, status, me.id)));
  });

  for (const [path, list] of [
    ["favourited_by", favouritedBy],
    ["reblogged_by", rebloggedBy],
  ] as const) {
    router.get(`/api/v1/statuses/:id/${path}`, async (req, res) => {
      const page = pageParams(req, 40, 80);
      const entries = await list(ctx, idParam(req), viewer(req), page);
      setLinkHeader(req, res, entries.map((e) => e.cursor), page.limit);
      res.json(serializeAccounts(origin, await loadAccountViews(ctx, await activeAccountsByIds(ctx, entries.map((e) => e.accountId)))));
    });
  }

  // The largest file of any kind; each kind's own limit is checked once the bytes say what it is.
  const fileSize = Math.max(services.config.media.maxImageBytes, services.config.media.maxDocumentBytes);
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize, files: 1, fields: 20, fieldSize: 10_000 } });
  const mediaUpload = multipart(upload.single("file"));
  for (const version of ["v1", "v2"]) {
    router.post(`/api/${version}/media`, requireAuth("write:media"), uploadLimit, mediaUpload, async (req, res) => {
      const me = currentAuth(req).account;
      if (!req.file) throw new Invalid("Validation failed: File can't be blank");
      const body = parseBody(mediaFields, req);
      const focus = body.focus ? parseFocus(body.focus) : null;
      const media = await uploadMedia(ctx, me.id, req.file.buffer, body.description ?? null, focus);
      res.json(serializeMedia(origin, media));
    });
  }

  router.get("/api/v1/media/:id", requireAuth(), async (req, res) => {
    const media = await getOwnMedia(ctx, currentAuth(req).account.id, idParam(req));
    res.json(serializeMedia(origin, media));
  });

  router.put("/api/v1/media/:id", requireAuth("write:media"), async (req, res) => {
    const body = parseBody(mediaFields, req);
    const media = await describeMedia(ctx, currentAuth(req).account.id, idParam(req), {
      description: body.description,
      focus: body.focus === undefined ? undefined : body.focus === null ? null : parseFocus(body.focus),
    });
    res.json(serializeMedia(origin, media));
  });

  return router;
}
