// /api/v2/notifications… (grouped notifications, Mastodon 4.3) and the
// notification policy (v2 and v1).
import { Router } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import type { NotificationType } from "../db/schema";
import type { DomainContext } from "../domain/context";
import { dismissNotificationGroup, getNotificationGroup, listNotificationGroups, notificationGroupAccountIds, unreadGroupCount } from "../domain/notifications";
import { GROUPABLE_TYPES } from "../domain/notifications";
import { Invalid, NotFound } from "../errors";
import type { Services } from "../services";
import { boolish, idSchema, listOf, pageParams, parseBody, parseQuery, setPageLinks } from "./http";
import { serializeAccounts } from "../entities/account";
import { serializeNotificationGroups } from "../entities/notification-group";
import { loadAccountViewsByIds } from "../domain/accounts";
import { loadNotificationGroupViews } from "../domain/views";

const TYPES = ["mention", "follow", "follow_request", "favourite", "reblog", "status", "update", "poll", "admin.sign_up", "admin.report", "parvis.group_request", "parvis.group_approved", "parvis.group_promoted"] as const;
const typeList = listOf(z.string().max(40))
  .optional()
  .transform((l) => l?.filter((t): t is NotificationType => (TYPES as readonly string[]).includes(t)));

const groupQuery = z.object({
  types: typeList,
  exclude_types: typeList,
  grouped_types: typeList,
  account_id: idSchema.optional(),
  expand_accounts: z.enum(["full", "partial_avatars"]).optional(),
  include_filtered: boolish.optional(),
});

export interface GroupedNotificationsOptions {
  /** the resident's notifications read marker (markers API), for unread_count; all are unread without it */
  lastReadId?(ctx: DomainContext, accountId: string): Promise<string | null>;
}

/** Parvis filters no notification: every policy is "accept", and nothing is ever pending. */
const POLICY_V2 = {
  for_not_following: "accept",
  for_not_followers: "accept",
  for_new_accounts: "accept",
  for_private_mentions: "accept",
  for_limited_accounts: "accept",
  summary: { pending_requests_count: 0, pending_notifications_count: 0 },
};
const POLICY_V1 = {
  filter_not_following: false,
  filter_not_followers: false,
  filter_new_accounts: false,
  filter_private_mentions: false,
  summary: { pending_requests_count: 0, pending_notifications_count: 0 },
};

export function groupedNotificationsRouter(services: Services, options: GroupedNotificationsOptions = {}): Router {
  const router = Router();
  const ctx = services.domain;
  const origin = services.config.origin;

  router.get("/api/v2/notifications", requireAuth("read:notifications"), async (req, res) => {
    const me = currentAuth(req).account.id;
    const q = parseQuery(groupQuery, req);
    const page = pageParams(req, 40, 80);
    if (q.types && q.types.length === 0) {
      res.json({ accounts: [], statuses: [], notification_groups: [] });
      return;
    }
    const grouped = q.grouped_types ?? GROUPABLE_TYPES;
    const { groups, range } = await listNotificationGroups(ctx, me, page, { types: q.types, excludeTypes: q.exclude_types, accountId: q.account_id }, grouped);
    if (range.lo && range.hi) setPageLinks(req, res, { next: groups.length >= page.limit ? range.lo : undefined, prev: range.hi });
    res.json(serializeNotificationGroups(origin, await loadNotificationGroupViews(ctx, groups, me)));
  });

  // v1 counts notifications, v2 groups: the same count with nothing grouped
  router.get(["/api/v2/notifications/unread_count", "/api/v1/notifications/unread_count"], requireAuth("read:notifications"), async (req, res) => {
    const me = currentAuth(req).account.id;
    const q = parseQuery(groupQuery.extend({ limit: z.coerce.number().int().min(1).catch(100).default(100) }), req);
    if (req.path.startsWith("/api/v1/")) q.grouped_types = [];
    const since = options.lastReadId ? await options.lastReadId(ctx, me) : null;
    const count = await unreadGroupCount(
      ctx,
      me,
      since,
      { types: q.types, excludeTypes: q.exclude_types, accountId: q.account_id },
      q.grouped_types ?? GROUPABLE_TYPES,
      Math.min(q.limit, 1000),
    );
    res.json({ count });
  });

  router.get(["/api/v2/notifications/policy", "/api/v1/notifications/policy"], requireAuth("read:notifications"), (req, res) => {
    res.json(req.path.startsWith("/api/v2/") ? POLICY_V2 : POLICY_V1);
  });

  router.patch("/api/v2/notifications/policy", requireAuth("write:notifications"), (req, res) => {
    const value = z.enum(["accept", "filter", "drop"]).optional();
    const body = parseBody(
      z.object({ for_not_following: value, for_not_followers: value, for_new_accounts: value, for_private_mentions: value, for_limited_accounts: value }),
      req,
    );
    if (Object.values(body).some((v) => v !== undefined && v !== "accept")) {
      throw new Invalid("Parvis does not filter notifications: every policy is \"accept\"");
    }
    res.json(POLICY_V2);
  });

  router.put("/api/v1/notifications/policy", requireAuth("write:notifications"), (req, res) => {
    const body = parseBody(
      z.object({ filter_not_following: boolish.optional(), filter_not_followers: boolish.optional(), filter_new_accounts: boolish.optional(), filter_private_mentions: boolish.optional() }),
      req,
    );
    if (Object.values(body).some((v) => v === true)) throw new Invalid("Parvis does not filter notifications");
    res.json(POLICY_V1);
  });

  // nothing is filtered, so there are never notification requests
  router.get("/api/v1/notifications/requests", requireAuth("read:notifications"), (_req, res) => {
    res.json([]);
  });

  router.get("/api/v2/notifications/:group_key", requireAuth("read:notifications"), async (req, res) => {
    const me = currentAuth(req).account.id;
    const group = await getNotificationGroup(ctx, me, String(req.params.group_key).slice(0, 100));
    if (!group) throw new NotFound();
    res.json(serializeNotificationGroups(origin, await loadNotificationGroupViews(ctx, [group], me)));
  });

  router.get("/api/v2/notifications/:group_key/accounts", requireAuth("read:notifications"), async (req, res) => {
    const me = currentAuth(req).account.id;
    const ids = await notificationGroupAccountIds(ctx, me, String(req.params.group_key).slice(0, 100), 80);
    if (ids.length === 0) throw new NotFound();
    const byId = new Map((await loadAccountViewsByIds(ctx, ids)).map((v) => [v.account.id, v]));
    res.json(serializeAccounts(origin, ids.flatMap((id) => byId.get(id) ?? [])));
  });

  router.post("/api/v2/notifications/:group_key/dismiss", requireAuth("write:notifications"), async (req, res) => {
    const me = currentAuth(req).account.id;
    if (!(await dismissNotificationGroup(ctx, me, String(req.params.group_key).slice(0, 100)))) throw new NotFound();
    res.json({});
  });

  return router;
}
