// One dispatcher decides, per domain event, who may receive what live: it turns
// the event into deliveries addressed to channels (a resident's home, their
// notifications, the public timelines, a hashtag, a list…) with the residents
// to leave out. socket.io (the web client) and the Mastodon streaming API both
// consume the same deliveries, so the visibility, block and mute rules are
// those of the timelines (server/domain/timelines.ts), applied once.
import { viewersHiding } from "../domain/filters";
import { loadAccountViewsByIds } from "../domain/accounts";
import { getNotification } from "../domain/notifications";
import { loadNotificationViews } from "../domain/views";
import { loadStatuses } from "../domain/statuses";
import { loadStatusView } from "../domain/views";
import { directAudience, hiddenFromResidents, homeAudience, publicPlacement } from "../domain/timelines";
import type { DomainContext } from "../domain/context";
import type { Services } from "../services";
import { serializeAnnouncementReaction } from "../entities/announcement";
import { serializeNotifications } from "../entities/notification";
import { serializeAccounts } from "../entities/account";
import { serializeStatus, type StatusEntity } from "../entities/status";

export type StreamEvent =
  | "update"
  | "status.update"
  | "delete"
  | "notification"
  | "conversation"
  | "filters_changed"
  | "announcement"
  | "announcement.reaction"
  | "announcement.delete";

/**
 * Channels:
 * - `user:<accountId>`: the resident's home timeline (and what Mastodon sends on the user stream)
 * - `notification:<accountId>`: their notifications
 * - `direct:<accountId>`: their direct conversations
 * - `lists-of:<accountId>`: deletions for the lists they own (a deleted status's lists are unknown
 *   once it is gone; a list holds accounts its owner follows, so its owner is in the audience)
 * - `users`: every resident's user stream (announcements)
 * - `public`, `public:local`, `public:remote`, and each with `:media`
 * - `hashtag:<tag>`, `hashtag:local:<tag>` (tag in lower case)
 * - `list:<listId>`
 * - `group:<groupId>`: a public group's posts (a members-only group's reach its
 *   members on their user stream only, where membership is checked per post)
 */
export interface Delivery {
  channel: string;
  event: StreamEvent;
  /** an entity (sent JSON-encoded), a bare string (a deleted status's id), or nothing */
  payload?: unknown;
  /** residents (account ids) who must not receive it: they block, mute or are blocked by the author */
  except?: string[];
}

export type Control = { kind: "kill"; userId: string; tokenIds: string[] | null };

/** What one event produces: deliveries, and connections to close. */
export interface Batch {
  deliveries: Delivery[];
  controls?: Control[];
}

/**
 * What other parts of Parvis plug into the streams (lists, conversations,
 * announcements are separate concepts): each is optional.
 */
export interface StreamHooks {
  /** the lists whose timeline shows this status (list streams); none when absent */
  listsShowing?(ctx: DomainContext, statusId: string): Promise<{ listId: string; ownerId: string }[]>;
  /** whether this resident may read this list (subscribing to a list stream) */
  mayReadList?(ctx: DomainContext, accountId: string, listId: string): Promise<boolean>;
  /** the Conversation entity of a direct status for one participant; a default is built when absent */
  conversation?(services: Services, statusId: string, accountId: string): Promise<unknown | null>;
  /** the Announcement entity to stream; announcements are not streamed when absent */
  announcement?(services: Services, announcementId: string): Promise<unknown | null>;
}

/** Empty viewer flags: a pushed status is rendered once for everyone. */
function neutral(entity: StatusEntity): StatusEntity {
  const flags = { favourited: false, reblogged: false, muted: false, bookmarked: false, pinned: false };
  return { ...entity, ...flags, reblog: entity.reblog ? { ...entity.reblog, ...flags } : null };
}

function publicChannels(local: boolean, media: boolean): string[] {
  const base = ["public", local ? "public:local" : "public:remote"];
  return media ? [...base, ...base.map((c) => `${c}:media`)] : base;
}

export interface Dispatcher {
  stop(): void;
}

/**
 * Subscribes to the domain events and hands each batch to `sink`. `active()`
 * says whether anybody may be listening (no adapter and no connection: skip the work).
 */
export function startDispatcher(services: Services, hooks: StreamHooks, sink: (batch: Batch) => void, active: () => boolean): Dispatcher {
  const ctx = services.domain;
  const origin = services.config.origin;
  const { events } = services;

  async function onStatus(statusId: string, event: "update" | "status.update") {
    if (!active()) return;
    const [status] = await loadStatuses(ctx, [statusId]);
    if (!status) return;
    const entity = neutral(serializeStatus(origin, await loadStatusView(ctx, status, null)));
    const deliveries: Delivery[] = [];
    const [audience, placement, lists] = await Promise.all([
      homeAudience(ctx, status.id),
      publicPlacement(ctx, status.id),
      hooks.listsShowing ? hooks.listsShowing(ctx, status.id) : Promise.resolve([]),
    ]);
    // a viewer's "hide" filters keep it from them, as in their timelines (home for
    // the home and list streams, public for the public and hashtag streams)
    const hiddenAtHome = await viewersHiding(ctx, "home", status, [...new Set([...audience, ...lists.map((l) => l.ownerId)])]);
    for (const id of audience) if (!hiddenAtHome.has(id)) deliveries.push({ channel: `user:${id}`, event, payload: entity });
    for (const l of lists) if (!hiddenAtHome.has(l.ownerId)) deliveries.push({ channel: `list:${l.listId}`, event, payload: entity });
    if (placement) {
      const [blocked, hiding] = await Promise.all([hiddenFromResidents(ctx, status.accountId), viewersHiding(ctx, "public", status, null)]);
      const except = [...new Set([...blocked, ...hiding])];
      for (const channel of publicChannels(placement.local, placement.media)) deliveries.push({ channel, event, payload: entity, except });
      for (const tag of placement.tags) {
        deliveries.push({ channel: `hashtag:${tag}`, event, payload: entity, except });
        if (placement.local) deliveries.push({ channel: `hashtag:local:${tag}`, event, payload: entity, except });
      }
    }
    if (status.groupId && (status.visibility === "public" || status.visibility === "unlisted")) {
      const except = await hiddenFromResidents(ctx, status.accountId);
      deliveries.push({ channel: `group:${status.groupId}`, event, payload: entity, except });
    }
    if (status.visibility === "direct" && event === "update") {
      for (const id of await directAudience(ctx, status.id)) {
        const conversation = hooks.conversation
          ? await hooks.conversation(services, status.id, id)
          : await defaultConversation(status.accountId, id, entity);
        if (conversation) deliveries.push({ channel: `direct:${id}`, event: "conversation", payload: conversation });
      }
    }
    sink({ deliveries });
  }

  /** Until conversations are their own concept: one conversation per direct status, named by it. */
  async function defaultConversation(authorId: string, viewerId: string, entity: StatusEntity) {
    const others = [...new Set([authorId, ...entity.mentions.map((m) => m.id)])].filter((id) => id !== viewerId);
    const views = await loadAccountViewsByIds(ctx, others);
    return { id: entity.id, unread: viewerId !== authorId, accounts: serializeAccounts(origin, views), last_status: entity };
  }

  const off = [
    events.on("status.created", (e) => onStatus(e.statusId, "update")),
    events.on("status.updated", (e) => onStatus(e.statusId, "status.update")),
    events.on("group.status.created", (e) => onStatus(e.statusId, "update")),
    events.on("group.status.updated", (e) => onStatus(e.statusId, "status.update")),
    events.on("status.deleted", (e) => {
      if (!active()) return;
      const deliveries: Delivery[] = [];
      const id = e.statusId;
      for (const account of e.audienceAccountIds) {
        deliveries.push({ channel: `user:${account}`, event: "delete", payload: id });
        deliveries.push({ channel: `lists-of:${account}`, event: "delete", payload: id });
        if (e.visibility === "direct") deliveries.push({ channel: `direct:${account}`, event: "delete", payload: id });
      }
      if (e.groupId && (e.visibility === "public" || e.visibility === "unlisted")) {
        deliveries.push({ channel: `group:${e.groupId}`, event: "delete", payload: id });
      }
      if (e.visibility === "public" && !e.reblogOfId) {
        for (const channel of publicChannels(e.local, false)) deliveries.push({ channel, event: "delete", payload: id });
        for (const tag of e.tagNames) {
          deliveries.push({ channel: `hashtag:${tag.toLowerCase()}`, event: "delete", payload: id });
          if (e.local) deliveries.push({ channel: `hashtag:local:${tag.toLowerCase()}`, event: "delete", payload: id });
        }
      }
      sink({ deliveries });
    }),
    events.on("notification.created", async (e) => {
      if (!active()) return;
      const row = await getNotification(ctx, e.accountId, e.notificationId).catch(() => null);
      if (!row) return;
      const [entity] = serializeNotifications(origin, await loadNotificationViews(ctx, [row], e.accountId));
      if (entity) sink({ deliveries: [{ channel: `notification:${e.accountId}`, event: "notification", payload: entity }] });
    }),
    events.on("filters.changed", (e) => {
      sink({ deliveries: [{ channel: `user:${e.accountId}`, event: "filters_changed" }] });
    }),
    events.on("announcement.published", async (e) => {
      if (!active() || !hooks.announcement) return;
      const entity = await hooks.announcement(services, e.announcementId);
      if (entity) sink({ deliveries: [{ channel: "users", event: "announcement", payload: entity }] });
    }),
    events.on("announcement.deleted", (e) => {
      sink({ deliveries: [{ channel: "users", event: "announcement.delete", payload: e.announcementId }] });
    }),
    events.on("announcement.reacted", (e) => {
      const payload = serializeAnnouncementReaction(e.announcementId, e.name, e.count);
      sink({ deliveries: [{ channel: "users", event: "announcement.reaction", payload }] });
    }),
    events.on("tokens.revoked", (e) => {
      sink({ deliveries: [], controls: [{ kind: "kill", userId: e.userId, tokenIds: e.tokenIds }] });
    }),
  ];
  return {
    stop() {
      for (const f of off) f();
    },
  };
}
