// Rows → Mastodon Status entities, in batches: accounts, reblogged originals,
// mentions, tags, media, counts and the viewer's own flags in a handful of queries.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { accounts, apps, bookmarks, favourites, mediaAttachments, mentions, mutes, statusTags, statuses, tags } from "../../db/schema";
import type { Account } from "../../domain/accounts";
import { acctOf } from "../../domain/accounts";
import { htmlToText } from "../../domain/sanitize";
import type { Status } from "../../domain/statuses";
import type { Services } from "../../services";
import { localUrls } from "../../urls";
import { serializeAccounts, type AccountEntity } from "./account";
import { serializeMedia, type MediaEntity } from "./media";

export interface StatusEntity {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  edited_at: string | null;
  account: AccountEntity;
  content: string;
  visibility: string;
  sensitive: boolean;
  spoiler_text: string;
  media_attachments: MediaEntity[];
  application: { name: string; website: string | null } | null;
  mentions: { id: string; username: string; url: string; acct: string }[];
  tags: { name: string; url: string }[];
  emojis: never[];
  reblogs_count: number;
  favourites_count: number;
  replies_count: number;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: StatusEntity | null;
  poll: null;
  card: null;
  language: string | null;
  text: string | null;
  favourited?: boolean;
  reblogged?: boolean;
  muted?: boolean;
  bookmarked?: boolean;
  pinned?: boolean;
  filtered?: never[];
}

export interface SerializeOptions {
  /** include the source text (delete-and-redraft answer) */
  withSource?: boolean;
}

export async function serializeStatuses(
  services: Services,
  rows: Status[],
  viewerId: string | null,
  options: SerializeOptions = {},
): Promise<StatusEntity[]> {
  if (rows.length === 0) return [];
  const db = services.db;
  const reblogIds = [...new Set(rows.map((r) => r.reblogOfId).filter((id): id is string => Boolean(id)))];
  const originals = reblogIds.length ? await db.select().from(statuses).where(inArray(statuses.id, reblogIds)) : [];
  const all = [...rows, ...originals];
  const ids = [...new Set(all.map((s) => s.id))];
  const accountIds = [...new Set(all.map((s) => s.accountId))];
  const appIds = [...new Set(all.map((s) => s.applicationId).filter((id): id is string => Boolean(id)))];

  const [accountRows, mentionRows, tagRows, mediaRows, favCounts, reblogCounts, replyCounts, appRows, viewerFlags] = await Promise.all([
    db.select().from(accounts).where(inArray(accounts.id, accountIds)),
    db
      .select({ statusId: mentions.statusId, account: accounts })
      .from(mentions)
      .innerJoin(accounts, eq(accounts.id, mentions.accountId))
      .where(inArray(mentions.statusId, ids)),
    db
      .select({ statusId: statusTags.statusId, name: tags.name })
      .from(statusTags)
      .innerJoin(tags, eq(tags.id, statusTags.tagId))
      .where(inArray(statusTags.statusId, ids)),
    db.select().from(mediaAttachments).where(inArray(mediaAttachments.statusId, ids)).orderBy(asc(mediaAttachments.position)),
    db
      .select({ id: favourites.statusId, n: sql<number>`count(*)::int` })
      .from(favourites)
      .where(inArray(favourites.statusId, ids))
      .groupBy(favourites.statusId),
    db
      .select({ id: statuses.reblogOfId, n: sql<number>`count(*)::int` })
      .from(statuses)
      .where(inArray(statuses.reblogOfId, ids))
      .groupBy(statuses.reblogOfId),
    db
      .select({ id: statuses.inReplyToId, n: sql<number>`count(*)::int` })
      .from(statuses)
      .where(inArray(statuses.inReplyToId, ids))
      .groupBy(statuses.inReplyToId),
    appIds.length ? db.select({ id: apps.id, name: apps.name, website: apps.website }).from(apps).where(inArray(apps.id, appIds)) : Promise.resolve([]),
    viewerId ? viewerState(services, viewerId, ids, accountIds) : Promise.resolve(null),
  ]);

  const accountEntities = new Map<string, AccountEntity>();
  const serializedAccounts = await serializeAccounts(services, accountRows);
  accountRows.forEach((a, i) => accountEntities.set(a.id, serializedAccounts[i]));
  const count = (list: { id: string | null; n: number }[]) => new Map(list.map((r) => [r.id as string, r.n]));
  const favs = count(favCounts);
  const reblogs = count(reblogCounts);
  const replies = count(replyCounts);
  const appsById = new Map(appRows.map((a) => [a.id, a]));
  const urls = localUrls(services.config.origin);

  const build = (s: Status, reblog: StatusEntity | null): StatusEntity => {
    const app = s.applicationId ? appsById.get(s.applicationId) : undefined;
    const entity: StatusEntity = {
      id: s.id,
      uri: s.uri,
      url: s.url ?? s.uri,
      created_at: s.createdAt.toISOString(),
      edited_at: s.editedAt ? s.editedAt.toISOString() : null,
      account: accountEntities.get(s.accountId)!,
      content: s.content,
      visibility: s.visibility,
      sensitive: s.sensitive,
      spoiler_text: s.spoilerText,
      media_attachments: mediaRows.filter((m) => m.statusId === s.id).map((m) => serializeMedia(services, m)),
      application: app ? { name: app.name, website: app.website } : null,
      mentions: mentionRows
        .filter((m) => m.statusId === s.id)
        .map((m) => ({ id: m.account.id, username: m.account.username, url: m.account.url ?? m.account.uri, acct: acctOf(m.account as Account) })),
      tags: tagRows.filter((t) => t.statusId === s.id).map((t) => ({ name: t.name, url: urls.tagPage(t.name) })),
      emojis: [],
      reblogs_count: reblogs.get(s.id) ?? 0,
      favourites_count: favs.get(s.id) ?? 0,
      replies_count: replies.get(s.id) ?? 0,
      in_reply_to_id: s.inReplyToId,
      in_reply_to_account_id: s.inReplyToAccountId,
      reblog,
      poll: null,
      card: null,
      language: s.language,
      text: options.withSource ? (s.text ?? htmlToText(s.content)) : null,
      filtered: [],
    };
    if (viewerFlags) {
      entity.favourited = viewerFlags.favourited.has(s.id);
      entity.reblogged = viewerFlags.reblogged.has(s.id);
      entity.bookmarked = viewerFlags.bookmarked.has(s.id);
      entity.muted = viewerFlags.mutedAccounts.has(s.accountId);
      entity.pinned = s.pinned && s.accountId === viewerId;
    }
    return entity;
  };

  const originalEntities = new Map(originals.map((o) => [o.id, build(o, null)]));
  return rows.map((s) => {
    if (!s.reblogOfId) return build(s, null);
    const inner = originalEntities.get(s.reblogOfId) ?? null;
    const outer = build(s, inner);
    if (inner && viewerFlags) {
      // a reblog's flags mirror those of what it shares, as in Mastodon
      outer.favourited = inner.favourited;
      outer.reblogged = inner.reblogged;
      outer.bookmarked = inner.bookmarked;
    }
    return outer;
  });
}

async function viewerState(services: Services, viewerId: string, ids: string[], accountIds: string[]) {
  const db = services.db;
  const [favRows, reblogRows, bookmarkRows, muteRows] = await Promise.all([
    db.select({ id: favourites.statusId }).from(favourites).where(and(eq(favourites.accountId, viewerId), inArray(favourites.statusId, ids))),
    db.select({ id: statuses.reblogOfId }).from(statuses).where(and(eq(statuses.accountId, viewerId), inArray(statuses.reblogOfId, ids))),
    db.select({ id: bookmarks.statusId }).from(bookmarks).where(and(eq(bookmarks.accountId, viewerId), inArray(bookmarks.statusId, ids))),
    db.select({ id: mutes.targetAccountId }).from(mutes).where(and(eq(mutes.accountId, viewerId), inArray(mutes.targetAccountId, accountIds))),
  ]);
  return {
    favourited: new Set(favRows.map((r) => r.id)),
    reblogged: new Set(reblogRows.map((r) => r.id as string)),
    bookmarked: new Set(bookmarkRows.map((r) => r.id)),
    mutedAccounts: new Set(muteRows.map((r) => r.id)),
  };
}

export async function serializeStatus(services: Services, row: Status, viewerId: string | null, options: SerializeOptions = {}): Promise<StatusEntity> {
  const [entity] = await serializeStatuses(services, [row], viewerId, options);
  return entity;
}
