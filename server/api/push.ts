// /api/v1/push/subscription: Web Push for the token calling (Mastodon's API).
import { Router } from "express";
import { z } from "zod";
import { currentAuth, requireAuth } from "../auth/middleware";
import { ALERT_TYPES, subscribe, subscriptionOfToken, unsubscribe, updateSubscription, type PushSubscription } from "../domain/push";
import type { Services } from "../services";
import { vapidKeys } from "../push/vapid";
import { boolish, parseBody } from "./http";

const alertsSchema = z
  .object(Object.fromEntries(ALERT_TYPES.map((t) => [t, boolish.optional()])) as Record<(typeof ALERT_TYPES)[number], z.ZodOptional<typeof boolish>>)
  .optional();
const policy = z.enum(["all", "followed", "follower", "none"]).optional();
const dataSchema = z.object({ alerts: alertsSchema, policy }).optional();

const createSchema = z.object({
  subscription: z.object({
    endpoint: z.string().max(2000),
    keys: z.object({ p256dh: z.string().max(200), auth: z.string().max(100) }),
    standard: boolish.optional(),
  }),
  data: dataSchema,
  policy,
});

export function pushRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;
  const push = requireAuth("push");

  const entity = (s: PushSubscription) => ({
    id: s.id,
    endpoint: s.endpoint,
    standard: s.standard,
    alerts: s.alerts,
    server_key: vapidKeys(services.config).publicKey,
    policy: s.policy,
  });

  router.post("/api/v1/push/subscription", push, async (req, res) => {
    const auth = currentAuth(req);
    const body = parseBody(createSchema, req);
    const row = await subscribe(ctx, auth.token.id, auth.account.id, {
      endpoint: body.subscription.endpoint,
      p256dh: body.subscription.keys.p256dh,
      auth: body.subscription.keys.auth,
      alerts: body.data?.alerts,
      policy: body.data?.policy ?? body.policy,
      standard: body.subscription.standard,
    });
    res.json(entity(row));
  });

  router.get("/api/v1/push/subscription", push, async (req, res) => {
    res.json(entity(await subscriptionOfToken(ctx, currentAuth(req).token.id)));
  });

  router.put("/api/v1/push/subscription", push, async (req, res) => {
    const auth = currentAuth(req);
    await subscriptionOfToken(ctx, auth.token.id);
    const body = parseBody(z.object({ data: dataSchema, policy }), req);
    res.json(entity(await updateSubscription(ctx, auth.token.id, { alerts: body.data?.alerts, policy: body.data?.policy ?? body.policy })));
  });

  router.delete("/api/v1/push/subscription", push, async (req, res) => {
    await unsubscribe(ctx, currentAuth(req).token.id);
    res.json({});
  });

  return router;
}
