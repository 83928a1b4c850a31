// What every outbox file works with: the services, a Fedify context outside
// any request, and `send`, which enqueues an activity for remote recipients.
import type { Context } from "@fedify/fedify";
import type { Activity, Recipient } from "@fedify/vocab";
import type { Services } from "../../server/services";
import { localUrls } from "../../server/urls";
import type { KeyStore } from "../keys";
import type { Author } from "../to-activitypub/addressing";
import { recipientOf, type RemoteInboxes } from "./recipients";

/** What the outbox needs of the federation (federation/index.ts provides it). */
export interface OutboxFederation {
  /** a Fedify context outside any request */
  context(): Context<Services>;
  keys: KeyStore;
}

export interface OutboxContext {
  services: Services;
  federation: OutboxFederation;
  /** our origin: never a delivery target */
  origin: string;
  /** a resident as the author of what we send */
  author(ctx: Context<Services>, username: string): Author;
  /** a hashtag's page (the href of a Note's Hashtag) */
  tagUrl(name: string): string;
  /**
   * Enqueues `activity` from the resident `username` for the remote
   * recipients (deduplicated; Fedify groups them by shared inbox). Our own
   * origin is never a target.
   */
  send(ctx: Context<Services>, username: string, targets: RemoteInboxes[], activity: Activity, orderingKey?: string): Promise<void>;
}

export function outboxContext(services: Services, federation: OutboxFederation): OutboxContext {
  const log = services.logger.child({ module: "federation-outbox" });
  const origin = services.config.origin;
  const urls = localUrls(origin);
  return {
    services,
    federation,
    origin,
    author: (ctx, username) => ({ uri: ctx.getActorUri(username), followersUri: ctx.getFollowersUri(username) }),
    tagUrl: (name) => urls.tagPage(name),
    async send(ctx, username, targets, activity, orderingKey) {
      const seen = new Set<string>();
      const recipients: Recipient[] = [];
      for (const t of targets) {
        if (seen.has(t.uri)) continue;
        seen.add(t.uri);
        recipients.push(recipientOf(t));
      }
      if (recipients.length === 0) return;
      await ctx.sendActivity({ identifier: username }, recipients, activity, {
        preferSharedInbox: true,
        excludeBaseUris: [new URL(origin)],
        ...(orderingKey ? { orderingKey } : {}),
      });
      log.debug({ activity: activity.id?.href, recipients: recipients.length }, "activity queued");
    },
  };
}
