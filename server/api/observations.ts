// Parvis observations (docs/api.md "Observations"): surveillance cameras and
// civic issues, each a status with a place and OpenStreetMap tags. Creating,
// listing by bounding box, reading, correcting, "still there", "gone" and its
// rejection, and the history. Mastodon's style: Link pagination, {"error"},
// 422 for invalid input, 404 for what the viewer may not see.
import { Router, type Request } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { loadAccountViewsByIds } from "../domain/accounts";
import {
  checkFilters,
  confirmObservation,
  correctObservation,
  createObservation,
  getObservation,
  listObservations,
  markObservationGone,
  observationHistory,
  parseBbox,
  rejectObservationGone,
  type ObservationWithStatus,
} from "../domain/observations";
import { loadStatusViews } from "../domain/views";
import { serializeObservationHistory, serializeObservations } from "../entities/observation";
import { Invalid } from "../errors";
import type { Services } from "../services";
import { accountRateLimit } from "./rate-limits";
import { idParam, idSchema, listOf, pageParams, parseBody, parseQuery, setLinkHeader } from "./http";

/** A coordinate as JSON sends it, or as form fields do (a decimal string). */
const coordinate = z.union([z.number(), z.string().regex(/^\s*-?\d{1,3}(\.\d{1,15})?\s*$/).transform(Number)]);
/** OSM keys and values: their rules are the domain's (server/domain/observations/tags.ts). */
const tags = z.record(z.string().max(100), z.unknown());
const optionalId = z
  .union([idSchema, z.null(), z.literal("")])
  .optional()
  .transform((v) => v || null);

const createSchema = z.object({
  kind: z.string().max(20),
  latitude: coordinate,
  longitude: coordinate,
  tags: tags.optional(),
  status: z.string().max(100_000).optional(),
  media_ids: listOf(idSchema).optional(),
  group_id: optionalId,
  visibility: z.enum(["public", "unlisted", "private", "direct"]).optional(),
  spoiler_text: z.string().max(100_000).optional(),
  language: z.string().max(20).nullable().optional(),
  seen_at: z.string().max(40).optional(),
});

const correctSchema = z
  .object({
    tags: tags.optional(),
    latitude: coordinate.optional(),
    longitude: coordinate.optional(),
    status: z.string().max(100_000).optional(),
  })
  .strict();

const reasonSchema = z.object({ reason: z.string().max(10_000).optional() }).strict();
const confirmSchema = z.object({ seen_at: z.string().max(40).optional() }).strict();

const listSchema = z.object({
  bbox: z.string().max(200).optional(),
  kind: z.string().max(20).optional(),
  state: z.string().max(20).optional(),
  group_id: idSchema.optional(),
  since: z.string().max(40).optional(),
  until: z.string().max(40).optional(),
});

/** An ISO 8601 date or date-time, or Invalid naming the field. */
function parseDate(value: string | undefined, field: string): Date | undefined {
  if (value === undefined || value === "") return undefined;
  const date = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new Invalid(`Validation failed: ${field} must be an ISO 8601 date`, { [field]: "ERR_INVALID" });
  return date;
}

export function observationsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const viewer = (req: Request) => req.auth?.account.id ?? null;
  const me = (req: Request) => currentAuth(req).account;
  const postingLimit = accountRateLimit(services, "statuses");

  async function entities(rows: ObservationWithStatus[], viewerId: string | null) {
    const views = await loadStatusViews(ctx, rows.map((r) => r.status), viewerId);
    return serializeObservations(origin, rows, views);
  }
  async function entity(id: string, viewerId: string | null) {
    const [one] = await entities([await getObservation(ctx, id, viewerId)], viewerId);
    return one;
  }

  router.post("/api/parvis/observations", requireAuth("write:statuses"), postingLimit, async (req, res) => {
    const body = parseBody(createSchema, req);
    const auth = currentAuth(req);
    const id = await createObservation(ctx, auth.account.id, {
      kind: body.kind,
      latitude: body.latitude,
      longitude: body.longitude,
      tags: body.tags,
      text: body.status,
      mediaIds: body.media_ids,
      groupId: body.group_id,
      visibility: body.visibility,
      spoilerText: body.spoiler_text,
      language: body.language ?? null,
      applicationId: auth.token.appId,
      seenAt: parseDate(body.seen_at, "seen_at") ?? null,
    });
    res.json(await entity(id, auth.account.id));
  });

  router.get("/api/parvis/observations", async (req, res) => {
    const q = parseQuery(listSchema, req);
    checkFilters(q);
    const page = pageParams(req, 100, 200);
    const rows = await listObservations(
      ctx,
      viewer(req),
      {
        bbox: q.bbox ? parseBbox(q.bbox) : undefined,
        kind: q.kind as "camera" | "issue" | undefined,
        state: q.state as "present" | "gone_proposed" | "gone" | undefined,
        groupId: q.group_id,
        since: parseDate(q.since, "since"),
        until: parseDate(q.until, "until"),
      },
      page,
    );
    setLinkHeader(req, res, rows.map((r) => r.observation.statusId), page.limit);
    res.json(await entities(rows, viewer(req)));
  });

  router.get("/api/parvis/observations/:id", async (req, res) => {
    res.json(await entity(idParam(req), viewer(req)));
  });

  router.patch("/api/parvis/observations/:id", requireAuth("write:statuses"), async (req, res) => {
    const id = idParam(req);
    await getObservation(ctx, id, me(req).id);
    const body = parseBody(correctSchema, req);
    await correctObservation(ctx, me(req).id, id, { tags: body.tags, latitude: body.latitude, longitude: body.longitude, text: body.status });
    res.json(await entity(id, me(req).id));
  });

  router.post("/api/parvis/observations/:id/confirm", requireAuth("write:statuses"), async (req, res) => {
    const id = idParam(req);
    await getObservation(ctx, id, me(req).id);
    const body = parseBody(confirmSchema, req);
    await confirmObservation(ctx, me(req).id, id, parseDate(body.seen_at, "seen_at") ?? null);
    res.json(await entity(id, me(req).id));
  });

  router.post("/api/parvis/observations/:id/gone", requireAuth("write:statuses"), async (req, res) => {
    const id = idParam(req);
    await getObservation(ctx, id, me(req).id);
    const body = parseBody(reasonSchema, req);
    await markObservationGone(ctx, me(req).id, id, body.reason ?? null);
    res.json(await entity(id, me(req).id));
  });

  router.post("/api/parvis/observations/:id/gone/reject", requireAuth("write:statuses"), async (req, res) => {
    const id = idParam(req);
    await getObservation(ctx, id, me(req).id);
    const body = parseBody(reasonSchema, req);
    await rejectObservationGone(ctx, me(req).id, id, body.reason ?? null);
    res.json(await entity(id, me(req).id));
  });

  router.get("/api/parvis/observations/:id/history", async (req, res) => {
    const events = await observationHistory(ctx, idParam(req), viewer(req));
    const accounts = await loadAccountViewsByIds(ctx, events.flatMap((e) => (e.event.accountId ? [e.event.accountId] : [])));
    res.json(serializeObservationHistory(origin, events, new Map(accounts.map((a) => [a.account.id, a]))));
  });

  return router;
}
