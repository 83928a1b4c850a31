// Rows → Mastodon Status entities, in batches: accounts, reblogged originals,
// mentions, tags, media, counts and the viewer's own flags in a handful of queries.
import { asc, eq, inArray, sql } from "drizzle-orm";
import { accounts, apps, bookmarks, favourites, mediaAttachments, mentions, mutes, statusTags, statuses, tags } from "../../db/schema";
import type { Account } from "../../domain/accounts";
import { acctOf } from "../../domain/accounts";
import { htmlToText } from "../../domain/sanitize";
import { rowsOf } from "../../domain/visibility";
import type { Status } from "../../domain/statuses";
import type { Services } from "../../services";
import { localUrls } from "../../urls";
import { accountStats, serializeAccounts, type AccountEntity } from "./account";
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

  const [accountRows, accountCounts, mentionRows, tagRows, mediaRows, stats, appRows] = await Promise.all([
    db.select().from(accounts).where(inArray(accounts.id, accountIds)),
    accountStats(services, accountIds),
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
    statusStats(services, all, viewerId),
    appIds.length ? db.select({ id: apps.id, name: apps.name, website: apps.website }).from(apps).where(inArray(apps.id, appIds)) : Promise.resolve([]),
  ]);

  const accountEntities = new Map<string, AccountEntity>();
  const serializedAccounts = await serializeAccounts(services, accountRows, accountCounts);
  accountRows.forEach((a, i) => accountEntities.set(a.id, serializedAccounts[i]));
  const viewerFlags = viewerId ? stats : null;
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
      reblogs_count: stats.get(s.id)?.reblogs ?? 0,
      favourites_count: stats.get(s.id)?.favourites ?? 0,
      replies_count: stats.get(s.id)?.replies ?? 0,
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
      const own = viewerFlags.get(s.id);
      entity.favourited = own?.favourited ?? false;
      entity.reblogged = own?.reblogged ?? false;
      entity.bookmarked = own?.bookmarked ?? false;
      entity.muted = own?.muted ?? false;
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

interface StatusStats {
  favourites: number;
  reblogs: number;
  replies: number;
  /** the viewer's own flags (false without a viewer) */
  favourited: boolean;
  reblogged: boolean;
  bookmarked: boolean;
  /** the viewer mutes the status's author */
  muted: boolean;
}

/**
 * Counts and the viewer's flags for every status in one query (one round trip
 * instead of seven: it matters most on PGlite, where queries do not overlap).
 */
async function statusStats(services: Services, list: Status[], viewerId: string | null): Promise<Map<string, StatusStats>> {
  const seen = new Map(list.map((s) => [s.id, s.accountId]));
  // ids come from the database: decimal digits only, safe in an array literal
  const idArray = `{${[...seen.keys()].join(",")}}`;
  const accountArray = `{${[...seen.values()].join(",")}}`;
  const flags = viewerId
    ? sql`exists (select 1 from ${favourites} f where f.account_id = ${viewerId} and f.status_id = v.id) as favourited,
        exists (select 1 from ${statuses} r where r.account_id = ${viewerId} and r.reblog_of_id = v.id) as reblogged,
        exists (select 1 from ${bookmarks} b where b.account_id = ${viewerId} and b.status_id = v.id) as bookmarked,
        exists (select 1 from ${mutes} m where m.account_id = ${viewerId} and m.target_account_id = v.account_id) as muted`
    : sql`false as favourited, false as reblogged, false as bookmarked, false as muted`;
  const result = await services.db.execute(sql`select v.id::text as id,
      (select count(*) from ${favourites} f where f.status_id = v.id)::int as favourites,
      (select count(*) from ${statuses} r where r.reblog_of_id = v.id)::int as reblogs,
      (select count(*) from ${statuses} r where r.in_reply_to_id = v.id)::int as replies,
      ${flags}
    from unnest(${idArray}::bigint[], ${accountArray}::bigint[]) as v(id, account_id)`);
  const rows = rowsOf<{ id: string } & StatusStats>(result);
  return new Map(rows.map((r) => [String(r.id), { ...r, favourites: Number(r.favourites), reblogs: Number(r.reblogs), replies: Number(r.replies) }]));
}

export async function serializeStatus(services: Services, row: Status, viewerId: string | null, options: SerializeOptions = {}): Promise<StatusEntity> {
  const [entity] = await serializeStatuses(services, [row], viewerId, options);
  return entity;
}
