// Create of a post into one of our groups (FEP-1b12): the post names the group
// in to/cc (its actor, followers or members collection), in `audience` (Lemmy),
// or mentions it (a Mastodon user's "@slug@our.domain" is addressed to it), or
// replies to a post in the group. The group-posts concept checks the author
// may post there (member, not banned, moderator in an announcement channel)
// and stores it with its group, or refuses with nothing stored; the group then
// announces it (outbox/group-status-created.ts). Called by create.ts.
// In a members-only group, the Create (or Update) is kept as its author's
// server sent it when the author's integrity proof verifies: the group embeds
// it in its Announce, since no other server may fetch the post (ADR 0024).
import { Mention, type Create, type Update } from "@fedify/vocab";
import { findLocalGroup, findLocalGroupBySlug } from "../../server/domain/groups";
import { localGroupOfPost } from "../../server/domain/group-posts";
import type { PostObject } from "../from-activitypub/note";
import { signedPayloadOf, type JsonObject } from "../integrity";
import type { InboxHandler } from "./types";

const GROUP_URL = /^\/groups\/([A-Za-z0-9_]{1,30})(?:\/(?:followers|members))?\/?$/;

/** The slugs of our groups among these addresses. */
function groupSlugs(origin: string, urls: (URL | null | undefined)[]): string[] {
  const slugs = new Set<string>();
  for (const url of urls) {
    if (!url || url.origin !== origin) continue;
    const m = url.pathname.match(GROUP_URL);
    if (m) slugs.add(m[1].toLowerCase());
  }
  return [...slugs];
}

/** The local group a post goes into, or null when it is not posted into one of ours. */
export async function groupOfPost(ctx: Parameters<InboxHandler<Create>>[0], activity: Create, object: PostObject, inReplyToUri: string | null): Promise<string | null> {
  const origin = ctx.data.config.origin;
  const addressed: (URL | null)[] = [...activity.toIds, ...activity.ccIds, ...object.toIds, ...object.ccIds, object.audienceId, activity.audienceId];
  for await (const tag of object.getTags({ suppressError: true, documentLoader: async (url) => Promise.reject(new Error(`not fetched: ${url}`)) })) {
    if (tag instanceof Mention) addressed.push(tag.href);
  }
  const ids: string[] = [];
  for (const slug of groupSlugs(origin, addressed)) {
    const group = await findLocalGroupBySlug(ctx.data.domain, slug);
    if (group) ids.push(group.account.id);
  }
  return localGroupOfPost(ctx.data.domain, ids, inReplyToUri);
}

/**
 * The activity as received when it posts into (or edits a post of) one of our
 * members-only groups and carries its author's valid integrity proof; null
 * otherwise (a public group's posts are fetched from their origin, and an
 * unsigned post is announced by id, as before).
 */
export async function signedGroupPostActivity(ctx: Parameters<InboxHandler<Create>>[0], activity: Create | Update, groupId: string): Promise<JsonObject | null> {
  const loaded = await findLocalGroup(ctx.data.domain, groupId);
  if (loaded?.group.visibility !== "members") return null;
  const signed = await signedPayloadOf(ctx, activity);
  if (!signed) ctx.data.logger.info({ activity: activity.id?.href }, "inbox: a post into a members-only group without its author's valid proof; it will be announced by id");
  return signed;
}
