// What the group outbox files share: the local group an event is about, and
// sending as it, signed with the group's own keys, to one inbox per member
// server (remoteMemberInboxes is deduplicated by shared inbox; Fedify groups
// what is left by inbox again).
import type { Context, InboxContext } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import { findLocalGroup, remoteMemberInboxes, type LoadedGroup, type MemberInboxes } from "../../server/domain/groups";
import type { Services } from "../../server/services";
import { withProof, type JsonObject } from "../integrity";
import { groupAnnounceJson, groupUrls } from "../to-activitypub/group";
import type { OutboxContext } from "./context";
import { recipientOf } from "./recipients";

/** The local group with this id (null for a remote group's, or none). */
export function localGroupOf(o: OutboxContext, groupId: string | null | undefined): Promise<LoadedGroup | null> {
  return groupId ? findLocalGroup(o.services.domain, groupId) : Promise.resolve(null);
}

/**
 * The group's private keys under the ids its actor document publishes (the
 * RSA key as #main-key, the Ed25519 key as #ed25519-key, to-activitypub/group.ts).
 */
export async function groupSigningKeys(o: OutboxContext, groupAccountId: string, actorUri: URL): Promise<{ keyId: URL; privateKey: CryptoKey }[]> {
  const pairs = await o.federation.keys.getKeyPairs(groupAccountId);
  return pairs.map((p) => ({
    keyId: new URL(p.privateKey.algorithm.name === "Ed25519" ? "#ed25519-key" : "#main-key", actorUri),
    privateKey: p.privateKey,
  }));
}

/** Enqueues `activity` from the group to `targets` (default: every server its remote members are on). */
export async function sendAsGroup(o: OutboxContext, ctx: Context<Services>, loaded: LoadedGroup, activity: Activity, targets?: MemberInboxes[], orderingKey?: string): Promise<number> {
  const to = targets ?? (await remoteMemberInboxes(o.services.domain, loaded.account.id));
  const recipients = to.filter((t) => !t.uri.startsWith(`${o.origin}/`)).map(recipientOf);
  if (recipients.length === 0) return 0;
  const keys = await groupSigningKeys(o, loaded.account.id, groupUrls(o.origin, loaded).actor);
  await ctx.sendActivity(keys, recipients, activity, {
    preferSharedInbox: true,
    excludeBaseUris: [new URL(o.origin)],
    ...(orderingKey ? { orderingKey } : {}),
  });
  return recipients.length;
}

/** How Fedify makes the context whose forwardActivity sends a payload unchanged (not in its typed surface). */
type InboxContextFactory = (recipient: string | null, activity: unknown, activityId: string, activityType: string) => InboxContext<Services>;

/**
 * The group's Announce of an activity its author signed, sent as JSON exactly
 * as built (integrity.ts explains why): signed with the group's Ed25519 key,
 * then queued through Fedify's forwarding path, which keeps the payload as it
 * is and adds the group's HTTP signature, with the same queue, retries and
 * delivery guard as every other send. To every server the group's remote members are on.
 */
export async function sendSignedAsGroup(o: OutboxContext, ctx: Context<Services>, loaded: LoadedGroup, signed: JsonObject, orderingKey?: string): Promise<number> {
  const to = await remoteMemberInboxes(o.services.domain, loaded.account.id);
  const recipients = to.filter((t) => !t.uri.startsWith(`${o.origin}/`)).map(recipientOf);
  if (recipients.length === 0) return 0;
  const keys = await groupSigningKeys(o, loaded.account.id, groupUrls(o.origin, loaded).actor);
  const ed25519 = keys.find((k) => k.privateKey.algorithm.name === "Ed25519");
  let announce = groupAnnounceJson(o.origin, loaded, signed);
  if (ed25519) announce = await withProof(announce, ed25519.privateKey, ed25519.keyId);
  const toInboxContext = (ctx as unknown as { toInboxContext?: InboxContextFactory }).toInboxContext;
  if (typeof toInboxContext !== "function") throw new Error("Fedify offers no way to send a payload unchanged (toInboxContext)");
  const forwarding = toInboxContext.call(ctx, null, announce, announce.id as string, "https://www.w3.org/ns/activitystreams#Announce");
  await forwarding.forwardActivity(keys, recipients, {
    preferSharedInbox: true,
    excludeBaseUris: [new URL(o.origin)],
    skipIfUnsigned: false,
    ...(orderingKey ? { orderingKey } : {}),
  });
  return recipients.length;
}
