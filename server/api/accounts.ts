// /api/v1/accounts…: registration, profile, lookups, an account's lists,
// and the follow/block/mute actions on it.
import { Router, type Request } from "express";
import multer from "multer";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { authRateLimit } from "../auth/rate-limit";
import { issueToken } from "../auth/tokens";
import { charterDigest } from "../domain/instance";
import {
  checkProfileUpdate,
  findAccountByAcct,
  getVisibleAccount,
  registerAccount,
  setUserLocale,
  SUPPORTED_LOCALES,
  updateProfile,
  type Account,
  type ProfileUpdate,
} from "../domain/accounts";
import { block, unblock } from "../domain/blocks";
import { follow, listFollows, relationships, unfollow } from "../domain/follows";
import { isGroup, joinGroup, leaveGroup } from "../domain/groups";
import { MAX_IMAGE_BYTES, removeMediaFiles, sniffImage, storeImageFile } from "../domain/media";
import { mute, unmute } from "../domain/blocks";
import { accountStatuses } from "../domain/timelines";
import { Invalid, NotFound } from "../errors";
import { isId } from "../ids";
import type { Services } from "../services";
import { accountRateLimit } from "./rate-limits";
import { boolish, idParam, listOf, multipart, pageParams, parseBody, parseQuery, setLinkHeader } from "./http";
import { serializeRelationship } from "../entities/relationship";
import { serializeAccount, serializeAccounts, serializeCredentialAccount } from "../entities/account";
import { serializeStatuses } from "../entities/status";
import { activeAccountsByIds, loadAccountView, loadAccountViews, loadCredentialAccount } from "../domain/accounts";
import { loadFilteredStatusViews } from "../domain/views";
import { searchAccounts } from "../domain/search";

const registerSchema = z.object({
  username: z.string().min(1).max(30),
  password: z.string().min(1).max(256),
  email: z.email().max(320).optional().or(z.literal("").transform(() => undefined)),
  agreement: boolish,
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/)
    .optional(),
  reason: z.string().max(1000).optional(),
});

const fieldSchema = z.object({ name: z.string().max(255).default(""), value: z.string().max(255).default("") });

const updateSchema = z.object({
  display_name: z.string().max(200).optional(),
  note: z.string().max(2000).optional(),
  locked: boolish.optional(),
  bot: boolish.optional(),
  discoverable: boolish.optional(),
  // JSON sends an array; form encoding sends fields_attributes[0][name]=…
  fields_attributes: z
    .union([z.array(fieldSchema).max(16), z.record(z.string().regex(/^\d{1,2}$/), fieldSchema)])
    .optional(),
  source: z.object({ privacy: z.string().optional(), sensitive: boolish.optional(), language: z.string().optional() }).optional(),
});

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_IMAGE_BYTES, files: 2, fields: 50, fieldSize: 10_000 },
});

/** multer for multipart requests only; JSON and form bodies were parsed already. */
const profileFields = multipart(
  upload.fields([
    { name: "avatar", maxCount: 1 },
    { name: "header", maxCount: 1 },
  ]),
);
const profileUpload: import("express").RequestHandler = (req, res, next) => (req.is("multipart/form-data") ? profileFields(req, res, next) : next());

export function accountsRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;

  router.post("/api/v1/accounts", authRateLimit(services.config.authRateLimit), async (req, res) => {
    const body = parseBody(registerSchema, req);
    if (!body.agreement) throw new Invalid("Validation failed: Agreement must be accepted", { agreement: "ERR_ACCEPTED" });
    const { user } = await registerAccount(ctx, {
      username: body.username,
      password: body.password,
      email: body.email ?? null,
      locale: body.locale?.slice(0, 2) ?? "fr",
      reason: body.reason ?? null,
      agreementDigest: await charterDigest(ctx),
    });
    const issued = await issueToken(ctx, {
      userId: user.id,
      appId: req.appAuth?.appId ?? null,
      userAgent: req.get("user-agent"),
      ip: req.ip,
    });
    res.json({
      access_token: issued.accessToken,
      token_type: "Bearer",
      scope: issued.row.scopes,
      created_at: Math.floor(issued.row.createdAt.getTime() / 1000),
      // Parvis: tells the client whether the account must wait for a moderator
      parvis: { approval_pending: !user.approved },
    });
  });

  router.get("/api/v1/accounts/verify_credentials", requireAuth(), async (req, res) => {
    const auth = currentAuth(req);
    res.json(serializeCredentialAccount(origin, await loadCredentialAccount(ctx, auth.account, auth.user)));
  });

  router.patch("/api/v1/accounts/update_credentials", requireAuth("write:accounts"), profileUpload, async (req, res) => {
    const auth = currentAuth(req);
    const body = parseBody(updateSchema, req);
    const update: ProfileUpdate = {
      displayName: body.display_name,
      note: body.note,
      locked: body.locked,
      bot: body.bot,
      discoverable: body.discoverable,
    };
    if (body.fields_attributes) {
      const list = Array.isArray(body.fields_attributes)
        ? body.fields_attributes
        : Object.entries(body.fields_attributes)
            .sort(([a], [b]) => Number(a) - Number(b))
            .map(([, v]) => v);
      update.fields = list;
    }
    const files = req.files as Record<string, Express.Multer.File[]> | undefined;
    // validate everything before writing any file or row
    checkProfileUpdate(update);
    const language = body.source?.language;
    if (language && !(SUPPORTED_LOCALES as readonly string[]).includes(language)) throw new Invalid("Unsupported language");
    for (const file of [files?.avatar?.[0], files?.header?.[0]]) {
      if (file && !sniffImage(file.buffer)) throw new Invalid("File type is not supported: PNG, JPEG, GIF or WebP images only");
    }
    if (files?.avatar?.[0]) update.avatarUrl = (await storeImageFile(ctx, files.avatar[0].buffer)).fileName;
    if (files?.header?.[0]) update.headerUrl = (await storeImageFile(ctx, files.header[0].buffer)).fileName;
    const account = await updateProfile(ctx, auth.account.id, update);
    // a replaced picture is no longer served
    await removeMediaFiles(ctx, [
      update.avatarUrl && auth.account.avatarUrl !== account.avatarUrl ? auth.account.avatarUrl : null,
      update.headerUrl && auth.account.headerUrl !== account.headerUrl ? auth.account.headerUrl : null,
    ]);
    if (body.source?.language) auth.user.locale = await setUserLocale(ctx, auth.user.id, body.source.language);
    res.json(serializeCredentialAccount(origin, await loadCredentialAccount(ctx, account, auth.user)));
  });

  router.get("/api/v1/accounts/lookup", async (req, res) => {
    const { acct } = parseQuery(z.object({ acct: z.string().min(1).max(400) }), req);
    const found = await findAccountByAcct(ctx, acct);
    if (!found) throw new NotFound();
    res.json(serializeAccount(origin, await loadAccountView(ctx, await getVisibleAccount(ctx, found.id))));
  });

  router.get("/api/v1/accounts/relationships", requireAuth("read:follows"), async (req, res) => {
    const q = parseQuery(z.object({ id: listOf(z.string().max(40)).default([]) }), req);
    const ids = q.id.filter(isId).slice(0, 100);
    // as Mastodon: ids of unknown (or suspended) accounts get no entry
    const known = new Set((await activeAccountsByIds(ctx, ids)).map((a) => a.id));
    res.json((await relationships(ctx, currentAuth(req).account.id, ids.filter((id) => known.has(id)))).map(serializeRelationship));
  });

  router.get("/api/v1/accounts/search", async (req, res) => {
    const q = parseQuery(
      z.object({
        q: z.string().min(1).max(400),
        limit: z.coerce.number().int().min(1).max(80).catch(40).default(40),
        offset: z.coerce.number().int().min(0).max(10000).catch(0).default(0),
        resolve: boolish.optional(),
        following: boolish.optional(),
      }),
      req,
    );
    const found = await searchAccounts(ctx, q.q, q.limit, q.offset, q.following && req.auth ? req.auth.account.id : null);
    if (q.resolve && req.auth && found.length === 0 && /^@?[a-z0-9_]+@[a-z0-9.-]+(:\d+)?$/i.test(q.q.trim()) && ctx.resolveRemoteAccount) {
      const [username, domain] = q.q.trim().replace(/^@/, "").split("@");
      const remote = await ctx.resolveRemoteAccount(username, domain.toLowerCase()).catch(() => null);
      if (remote) found.push(remote);
    }
    res.json(serializeAccounts(origin, await loadAccountViews(ctx, found)));
  });

  router.get("/api/v1/accounts/:id", async (req, res) => {
    const account = await getVisibleAccount(ctx, idParam(req));
    res.json(serializeAccount(origin, await loadAccountView(ctx, account)));
  });

  router.get("/api/v1/accounts/:id/statuses", async (req, res) => {
    const account = await getVisibleAccount(ctx, idParam(req));
    const q = parseQuery(
      z.object({
        only_media: boolish.optional(),
        exclude_replies: boolish.optional(),
        exclude_reblogs: boolish.optional(),
        pinned: boolish.optional(),
        tagged: z.string().max(100).optional(),
      }),
      req,
    );
    const page = pageParams(req);
    const viewerId = req.auth?.account.id ?? null;
    const rows = await accountStatuses(
      ctx,
      account.id,
      viewerId,
      { onlyMedia: q.only_media, excludeReplies: q.exclude_replies, excludeReblogs: q.exclude_reblogs, pinned: q.pinned, tagged: q.tagged },
      page,
    );
    setLinkHeader(req, res, rows.map((r) => r.id), page.limit);
    res.json(serializeStatuses(origin, await loadFilteredStatusViews(ctx, rows, viewerId, "account")));
  });

  for (const direction of ["followers", "following"] as const) {
    router.get(`/api/v1/accounts/:id/${direction}`, async (req, res) => {
      const account = await getVisibleAccount(ctx, idParam(req));
      const page = pageParams(req, 40, 80);
      const entries = await listFollows(ctx, account.id, direction, page);
      const rows = await activeAccountsByIds(ctx, entries.map((e) => e.accountId));
      setLinkHeader(req, res, entries.map((e) => e.cursor), page.limit);
      res.json(serializeAccounts(origin, await loadAccountViews(ctx, rows)));
    });
  }

  const followSchema = z.object({ reblogs: boolish.optional(), notify: boolish.optional(), languages: z.array(z.string()).optional() });

  router.post("/api/v1/accounts/:id/follow", requireAuth("write:follows"), accountRateLimit(services, "follows"), async (req, res) => {
    const me = currentAuth(req).account;
    const target = await getVisibleAccount(ctx, idParam(req));
    const body = parseBody(followSchema, req);
    // following a group's account joins the group (a request where moderators approve)
    if (target.actorType === "Group" && (await isGroup(ctx, target.id))) await joinGroup(ctx, me, target.id);
    else await follow(ctx, me, target, { reblogs: body.reblogs, notify: body.notify });
    const [rel] = await relationships(ctx, me.id, [target.id]);
    res.json(serializeRelationship(rel));
  });

  const simpleAction = (name: string, scope: string, act: (me: Account, target: Account, req: Request) => Promise<unknown>) => {
    router.post(`/api/v1/accounts/:id/${name}`, requireAuth(scope), async (req, res) => {
      const me = currentAuth(req).account;
      const target = await getVisibleAccount(ctx, idParam(req));
      await act(me, target, req);
      const [rel] = await relationships(ctx, me.id, [target.id]);
      res.json(serializeRelationship(rel));
    });
  };
  simpleAction("unfollow", "write:follows", async (me, target) =>
    target.actorType === "Group" && (await isGroup(ctx, target.id)) ? leaveGroup(ctx, me.id, target.id) : unfollow(ctx, me.id, target.id),
  );
  simpleAction("block", "write:blocks", (me, target) => block(ctx, me.id, target.id));
  simpleAction("unblock", "write:blocks", (me, target) => unblock(ctx, me.id, target.id));
  simpleAction("mute", "write:mutes", (me, target, req) => {
    const body = parseBody(
      z.object({ notifications: boolish.optional(), duration: z.coerce.number().int().min(0).max(315360000).optional() }),
      req,
    );
    return mute(ctx, me.id, target.id, { notifications: body.notifications, duration: body.duration });
  });
  simpleAction("unmute", "write:mutes", (me, target) => unmute(ctx, me.id, target.id));

  return router;
}
