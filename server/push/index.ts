// Web Push: each new notification goes, encrypted with the subscription's keys
// and signed with our VAPID key (the web-push package), to the push service of
// every subscription that wants it, in Mastodon's payload shape. A push service
// that answers 404 or 410 ends the subscription; a network failure, 429 or 5xx
// is retried a few times with a growing delay (in this process: a push is worth
// little once stale, so it is not queued durably). The request itself goes out
// on our guarded lookup: public addresses only, as every outbound request.
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { eq } from "drizzle-orm";
import webpush from "web-push";
import { accessTokens, accounts, notifications, statuses, users } from "../db/schema";
import { isPublicAddress } from "../../federation/addresses";
import { guardedLookup } from "../../federation/safe-fetch";
import { reissueTokenString } from "../auth/tokens";
import { removeSubscription, subscriptionsFor, type PushSubscription } from "../domain/push";
import { htmlToText } from "../domain/content";
import { translate, type Locale, type MessageKey } from "../i18n";
import type { Module, ModuleFactory } from "../instance";
import type { Services } from "../services";
import { vapidKeys } from "./vapid";

export interface PushOptions {
  /** delays between attempts (ms); the length is the number of retries */
  retryDelaysMs?: number[];
  timeoutMs?: number;
  /** retries stop once it is aborted (shutdown) */
  signal?: AbortSignal;
}

const DEFAULT_RETRIES = [2_000, 10_000, 60_000];
/** How long a push service keeps an undelivered push (seconds). */
const TTL = 48 * 3600;

export interface PushPayload {
  access_token: string;
  preferred_locale: string;
  notification_id: string;
  notification_type: string;
  icon: string;
  title: string;
  body: string;
}

/** What the phone shows for a notification: Mastodon's payload, in the resident's language. */
export async function pushPayload(services: Services, subscription: PushSubscription, notificationId: string): Promise<PushPayload | null> {
  const db = services.db;
  const [row] = await db
    .select({ notification: notifications, from: accounts, locale: users.locale })
    .from(notifications)
    .innerJoin(accounts, eq(accounts.id, notifications.fromAccountId))
    .innerJoin(users, eq(users.accountId, notifications.accountId))
    .where(eq(notifications.id, notificationId));
  if (!row) return null;
  const [token] = await db.select().from(accessTokens).where(eq(accessTokens.id, subscription.accessTokenId));
  if (!token || token.revokedAt) return null;
  const { notification, from } = row;
  const locale: Locale = row.locale === "en" ? "en" : "fr";
  const name = from.displayName || from.username;
  const key = `push.${notification.type}` as MessageKey;
  const known = ["mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update", "parvis.group_request", "parvis.group_approved", "parvis.group_promoted"].includes(notification.type);
  let body = "";
  if (notification.parvisGroupId) {
    // a group notification: the body names the group (apps show title and body as they are)
    const [group] = await db.select({ name: accounts.displayName, username: accounts.username }).from(accounts).where(eq(accounts.id, notification.parvisGroupId));
    if (group) body = group.name || group.username;
  } else if (notification.statusId) {
    const [status] = await db.select({ content: statuses.content, spoiler: statuses.spoilerText }).from(statuses).where(eq(statuses.id, notification.statusId));
    if (status) body = status.spoiler || htmlToText(status.content);
  } else {
    body = htmlToText(from.note);
  }
  const icon = from.avatarUrl && /^https?:\/\//.test(from.avatarUrl) ? from.avatarUrl : `${services.config.origin}/avatars/original/missing.png`;
  return {
    access_token: reissueTokenString(services.domain, token),
    preferred_locale: locale,
    notification_id: notification.id,
    notification_type: notification.type,
    icon,
    title: translate(locale, known ? key : "push.other", { name }),
    body: body.length > 255 ? `${body.slice(0, 254)}…` : body,
  };
}

export interface DeliveryResult {
  status: number;
}

/** Sends one encrypted push; resolves with the push service's status, rejects on a network failure. */
export async function deliverPush(services: Services, subscription: PushSubscription, payload: PushPayload, timeoutMs = 10_000): Promise<DeliveryResult> {
  const keys = vapidKeys(services.config);
  const details = webpush.generateRequestDetails(
    { endpoint: subscription.endpoint, keys: { p256dh: subscription.keyP256dh, auth: subscription.keyAuth } },
    JSON.stringify(payload),
    {
      vapidDetails: { subject: subjectOf(services), publicKey: keys.publicKey, privateKey: keys.privateKey },
      TTL,
      urgency: "normal",
      // what the app asked for when it subscribed (Mastodon's `standard`)
      contentEncoding: subscription.standard ? "aes128gcm" : "aesgcm",
    },
  );
  const url = new URL(details.endpoint);
  const allowPrivate = services.config.allowPrivateAddress;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) !== 0 && !allowPrivate && !isPublicAddress(host)) throw new Error("push endpoint on a private address");
  const lookup = guardedLookup(allowPrivate);
  const transport = url.protocol === "https:" ? https : http;
  return new Promise<DeliveryResult>((resolve, reject) => {
    const req = transport.request(
      url,
      { method: details.method, headers: details.headers as Record<string, string | number>, lookup, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("push service timed out")));
    req.on("error", reject);
    req.end(details.body ?? undefined);
  });
}

function subjectOf(services: Services): string {
  // web-push wants a mailto: or an https URL; a test instance on http loopback gets a mailto:
  return services.config.origin.startsWith("https://") ? services.config.origin : `mailto:admin@${services.config.domain.replace(/:\d+$/, "")}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** Sends a notification to one subscription with retries; ends the subscription on 404/410. */
export async function pushToSubscription(services: Services, subscription: PushSubscription, notificationId: string, options: PushOptions = {}): Promise<"sent" | "gone" | "failed" | "skipped"> {
  const payload = await pushPayload(services, subscription, notificationId);
  if (!payload) return "skipped";
  const delays = options.retryDelaysMs ?? DEFAULT_RETRIES;
  const log = services.logger.child({ module: "push" });
  for (let attempt = 0; ; attempt++) {
    let retryable = true;
    try {
      const { status } = await deliverPush(services, subscription, payload, options.timeoutMs);
      if (status >= 200 && status < 300) return "sent";
      if (status === 404 || status === 410) {
        await removeSubscription(services.domain, subscription.id);
        log.info({ subscription: subscription.id, status }, "push subscription gone; removed");
        return "gone";
      }
      retryable = status === 429 || status >= 500;
      log.warn({ subscription: subscription.id, status }, "push refused");
    } catch (err) {
      log.warn({ err, subscription: subscription.id }, "push failed");
    }
    if (!retryable || attempt >= delays.length || options.signal?.aborted) return "failed";
    await sleep(delays[attempt]);
  }
}

export function pushModule(options: PushOptions = {}): ModuleFactory {
  return (services: Services): Module => {
    // the key pair exists from the first start (the instance endpoint advertises it)
    vapidKeys(services.config);
    const controller = new AbortController();
    const inFlight = new Set<Promise<unknown>>();
    const send = async (notificationId: string, accountId: string) => {
      const [row] = await services.db
        .select({ type: notifications.type, from: notifications.fromAccountId })
        .from(notifications)
        .where(eq(notifications.id, notificationId));
      if (!row) return;
      const targets = await subscriptionsFor(services.domain, accountId, row.type, row.from);
      await Promise.all(targets.map((s) => pushToSubscription(services, s, notificationId, { ...options, signal: controller.signal })));
    };
    // not awaited by the bus: retries must not hold up the writer's events
    const unsubscribe = services.events.on("notification.created", (e) => {
      const job = send(e.notificationId, e.accountId).catch((err) => services.logger.error({ err }, "web push failed"));
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
    });
    return {
      async stop() {
        unsubscribe();
        controller.abort();
        await Promise.race([Promise.allSettled([...inFlight]), sleep(5_000)]);
      },
    };
  };
}
