// Parvis groups (docs/api.md "Groups"): the directory, a group, joining and
// leaving, join requests, members and roles, bans, the group timeline, and the
// moderators' pins and removals. Mastodon's style: Link pagination, {"error"},
// 422 for invalid input, 404 for what does not exist.
import { Router, type Request, type RequestHandler } from "express";
import multer from "multer";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { approveJoinRequest, banFromGroup, checkMayChangeGroup, createGroup, getGroup, GROUP_KINDS, groupBansList, groupDirectory, groupMembers, isInstanceStaff, joinGroup, joinRequests, leaveGroup, mayModerate, membershipsOf, rejectJoinRequest, removeMember, setMemberRole, standingIn, unbanFromGroup, updateGroup, type Standing } from "../domain/groups";
import { pinnedGroupStatuses } from "../domain/group-posts";
import { unpinGroupStatus } from "../domain/group-posts";
import { removeGroupStatus } from "../domain/group-posts";
import { groupTimeline } from "../domain/group-posts";
import { pinGroupStatus } from "../domain/group-posts";
import { deleteGroup } from "../domain/group-posts";
import { MAX_IMAGE_BYTES, removeMediaFiles, sniffUpload, storeProfileImage } from "../domain/media";
import { Invalid } from "../errors";
import { getAccount } from "../domain/accounts";
import type { Services } from "../services";
import { boolish, idParam, idSchema, multipart, pageParams, parseBody, parseQuery, setLinkHeader } from "./http";
import { serializeBans, serializeGroup, serializeGroups, serializeMember, serializeMembers } from "../entities/group";
import { serializeStatus, serializeStatuses } from "../entities/status";
import { loadAccountView, loadAccountViews } from "../domain/accounts";
import { loadStatusView } from "../domain/views";
import { loadFilteredStatusViews } from "../domain/views";

const kind = z.enum(GROUP_KINDS);
const role = z.enum(["admin", "moderator", "member"]);

const createSchema = z
  .object({
    slug: z.string().max(100),
    name: z.string().max(1000),
    kind,
    description: z.string().max(10_000).optional(),
    charter: z.string().max(40_000).optional(),
    area: z.string().max(1000).nullable().optional(),
    visibility: z.enum(["public", "members"]).optional(),
    membership: z.enum(["open", "approval"]).optional(),
    posting: z.enum(["members", "moderators"]).optional(),
  })
  .strict();

const updateSchema = createSchema.omit({ slug: true }).partial().strict();

const directorySchema = z.object({
  q: z.string().max(200).optional(),
  kind: kind.optional(),
  /** "Mes groupes": the caller's groups (and pending requests) */
  mine: boolish.optional(),
});

const reasonSchema = z.object({ reason: z.string().max(10_000).optional() }).strict();

// a group's avatar and header come as multipart files, as a resident's do (PATCH /api/v1/accounts/update_credentials)
const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_IMAGE_BYTES, files: 2, fields: 20, fieldSize: 40_000 },
});
const imageFields = multipart(
  upload.fields([
    { name: "avatar", maxCount: 1 },
    { name: "header", maxCount: 1 },
  ]),
);
const groupImages: RequestHandler = (req, res, next) => (req.is("multipart/form-data") ? imageFields(req, res, next) : next());

export function groupsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;
  const viewer = (req: Request) => req.auth?.account.id ?? null;
  const me = (req: Request) => currentAuth(req).account;

  async function groupEntity(req: Request, id: string) {
    const loaded = await getGroup(ctx, id);
    const viewerId = viewer(req);
    return serializeGroup(origin, loaded, await loadAccountView(ctx, loaded.account), viewerId ? await standingIn(ctx, id, viewerId) : null);
  }

  router.get("/api/parvis/groups", async (req, res) => {
    const q = parseQuery(directorySchema, req);
    const viewerId = viewer(req);
    if (q.mine && !viewerId) {
      res.status(401).json({ error: "The access token is invalid" });
      return;
    }
    const page = pageParams(req, 20, 40);
    const rows = await groupDirectory(ctx, { q: q.q, kind: q.kind, memberId: q.mine ? viewerId! : undefined }, page);
    setLinkHeader(req, res, rows.map((r) => r.group.accountId), page.limit);
    let standings: Map<string, Standing> | null = null;
    if (viewerId) {
      // the viewer's place in each listed group, in two queries rather than one per group
      const memberships = await membershipsOf(ctx, viewerId, rows.map((r) => r.group.accountId));
      const staff = await isInstanceStaff(ctx, viewerId);
      standings = new Map(rows.map((r) => [r.group.accountId, { membership: memberships.get(r.group.accountId) ?? null, banned: false, staff }]));
    }
    res.json(serializeGroups(origin, rows, await loadAccountViews(ctx, rows.map((r) => r.account)), standings));
  });

  router.post("/api/parvis/groups", requireAuth("write:accounts"), async (req, res) => {
    const body = parseBody(createSchema, req);
    const loaded = await createGroup(ctx, me(req), body);
    res.json(serializeGroup(origin, loaded, await loadAccountView(ctx, loaded.account), await standingIn(ctx, loaded.group.accountId, me(req).id)));
  });

  router.get("/api/parvis/groups/:id", async (req, res) => {
    res.json(await groupEntity(req, idParam(req)));
  });

  router.patch("/api/parvis/groups/:id", requireAuth("write:accounts"), groupImages, async (req, res) => {
    const id = idParam(req);
    // the group, and the caller's right to change it, before any file is written
    const before = await checkMayChangeGroup(ctx, me(req).id, id);
    const body = parseBody(updateSchema, req);
    const files = req.files as Record<string, Express.Multer.File[]> | undefined;
    const avatar = files?.avatar?.[0];
    const header = files?.header?.[0];
    for (const file of [avatar, header]) {
      if (file && sniffUpload(file.buffer)?.kind !== "image") throw new Invalid("File type is not supported: PNG, JPEG, GIF or WebP images only");
    }
    const stored: string[] = [];
    try {
      const avatarUrl = avatar ? (await storeProfileImage(ctx, avatar.buffer)).fileName : undefined;
      if (avatarUrl) stored.push(avatarUrl);
      const headerUrl = header ? (await storeProfileImage(ctx, header.buffer)).fileName : undefined;
      if (headerUrl) stored.push(headerUrl);
      await updateGroup(ctx, me(req).id, id, { ...body, avatarUrl, headerUrl });
    } catch (e) {
      // an image that could not be decoded, or a field the domain refused: no file stays behind
      await removeMediaFiles(ctx, stored);
      throw e;
    }
    // a replaced picture is no longer served
    await removeMediaFiles(ctx, [avatar ? before.account.avatarUrl : null, header ? before.account.headerUrl : null]);
    res.json(await groupEntity(req, id));
  });

  router.delete("/api/parvis/groups/:id", requireAuth("write:accounts"), async (req, res) => {
    const id = idParam(req);
    await getGroup(ctx, id);
    const body = parseBody(reasonSchema, req);
    await deleteGroup(ctx, me(req).id, id, { reason: body.reason });
    res.json({});
  });

  router.post("/api/parvis/groups/:id/join", requireAuth("write:follows"), async (req, res) => {
    const id = idParam(req);
    await getGroup(ctx, id);
    const body = parseBody(z.object({ accept_charter: boolish.optional() }).strict(), req);
    await joinGroup(ctx, me(req), id, { acceptCharter: body.accept_charter });
    res.json(await groupEntity(req, id));
  });

  router.post("/api/parvis/groups/:id/leave", requireAuth("write:follows"), async (req, res) => {
    const id = idParam(req);
    await leaveGroup(ctx, me(req).id, id);
    res.json(await groupEntity(req, id));
  });

  router.get("/api/parvis/groups/:id/requests", requireAuth("read:follows"), async (req, res) => {
    const page = pageParams(req, 40, 80);
    const rows = await joinRequests(ctx, me(req).id, idParam(req), page);
    setLinkHeader(req, res, rows.map((r) => r.membership.id), page.limit);
    res.json(serializeMembers(origin, rows, await loadAccountViews(ctx, rows.map((r) => r.account)), true));
  });

  for (const decision of ["approve", "reject"] as const) {
    router.post(`/api/parvis/groups/:id/requests/:account_id/${decision}`, requireAuth("write:follows"), async (req, res) => {
      const id = idParam(req);
      const accountId = idParam(req, "account_id");
      if (decision === "approve") {
        const membership = await approveJoinRequest(ctx, me(req).id, id, accountId);
        res.json(serializeMember(origin, membership, await loadAccountView(ctx, await getAccount(ctx, accountId)), true));
      } else {
        await rejectJoinRequest(ctx, me(req).id, id, accountId);
        res.json({});
      }
    });
  }

  router.get("/api/parvis/groups/:id/members", async (req, res) => {
    const id = idParam(req);
    const q = parseQuery(z.object({ role: role.optional() }), req);
    const page = pageParams(req, 40, 80);
    const rows = await groupMembers(ctx, viewer(req), id, page, q.role);
    setLinkHeader(req, res, rows.map((r) => r.membership.id), page.limit);
    const viewerId = viewer(req);
    const forModerators = viewerId ? mayModerate(await standingIn(ctx, id, viewerId)) : false;
    res.json(serializeMembers(origin, rows, await loadAccountViews(ctx, rows.map((r) => r.account)), forModerators));
  });

  router.patch("/api/parvis/groups/:id/members/:account_id", requireAuth("write:follows"), async (req, res) => {
    const id = idParam(req);
    const accountId = idParam(req, "account_id");
    await getGroup(ctx, id);
    const body = parseBody(z.object({ role }).strict(), req);
    const membership = await setMemberRole(ctx, me(req).id, id, accountId, body.role);
    res.json(serializeMember(origin, membership, await loadAccountView(ctx, await getAccount(ctx, accountId)), true));
  });

  router.delete("/api/parvis/groups/:id/members/:account_id", requireAuth("write:follows"), async (req, res) => {
    await removeMember(ctx, me(req).id, idParam(req), idParam(req, "account_id"));
    res.json({});
  });

  router.get("/api/parvis/groups/:id/bans", requireAuth("read:blocks"), async (req, res) => {
    const page = pageParams(req, 40, 80);
    const rows = await groupBansList(ctx, me(req).id, idParam(req), page);
    setLinkHeader(req, res, rows.map((r) => r.ban.id), page.limit);
    res.json(serializeBans(origin, rows, await loadAccountViews(ctx, rows.map((r) => r.account))));
  });

  router.post("/api/parvis/groups/:id/bans", requireAuth("write:blocks"), async (req, res) => {
    const id = idParam(req);
    await getGroup(ctx, id);
    const body = parseBody(z.object({ account_id: idSchema, reason: z.string().max(10_000).optional() }).strict(), req);
    const ban = await banFromGroup(ctx, me(req).id, id, body.account_id, body.reason ?? "");
    const [entity] = serializeBans(origin, [{ ban }], [await loadAccountView(ctx, await getAccount(ctx, body.account_id))]);
    res.json(entity);
  });

  router.delete("/api/parvis/groups/:id/bans/:account_id", requireAuth("write:blocks"), async (req, res) => {
    await unbanFromGroup(ctx, me(req).id, idParam(req), idParam(req, "account_id"));
    res.json({});
  });

  router.get("/api/parvis/timelines/group/:id", async (req, res) => {
    const id = idParam(req);
    const q = parseQuery(z.object({ pinned: boolish.optional() }), req);
    const viewerId = viewer(req);
    if (q.pinned) {
      res.json(serializeStatuses(origin, await loadFilteredStatusViews(ctx, await pinnedGroupStatuses(ctx, viewerId, id), viewerId, "public")));
      return;
    }
    const page = pageParams(req);
    const rows = await groupTimeline(ctx, viewerId, id, page);
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(serializeStatuses(origin, await loadFilteredStatusViews(ctx, rows, viewerId, "public")));
  });

  for (const action of ["pin", "unpin"] as const) {
    router.post(`/api/parvis/groups/:id/statuses/:status_id/${action}`, requireAuth("write:statuses"), async (req, res) => {
      const id = idParam(req);
      const statusId = idParam(req, "status_id");
      const status = action === "pin" ? await pinGroupStatus(ctx, me(req).id, id, statusId) : await unpinGroupStatus(ctx, me(req).id, id, statusId);
      res.json(serializeStatus(origin, await loadStatusView(ctx, status, me(req).id)));
    });
  }

  router.delete("/api/parvis/groups/:id/statuses/:status_id", requireAuth("write:statuses"), async (req, res) => {
    const id = idParam(req);
    const statusId = idParam(req, "status_id");
    await getGroup(ctx, id);
    const body = parseBody(reasonSchema, req);
    await removeGroupStatus(ctx, me(req).id, id, statusId, body.reason ?? "");
    res.json({});
  });

  return router;
}

