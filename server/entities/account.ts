// Rows → Mastodon Account entities, in batches (one query for all counts).
import { eq, getTableColumns, sql } from "drizzle-orm";
import { accountStats, accounts, followRequests, statuses, users } from "../db/schema";
import type { Account, User } from "../domain/accounts";
import { acctOf } from "../domain/accounts";
import { isHttpUrl } from "../domain/content";
import type { DbOrTx } from "../db/open";
import { prepared } from "../db/prepared";
import type { Services } from "../services";
import { mediaUrl, proxiedMediaUrl } from "./media";

export interface AccountEntity {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  locked: boolean;
  bot: boolean;
  discoverable: boolean;
  group: boolean;
  created_at: string;
  note: string;
  url: string;
  uri: string;
  avatar: string;
  avatar_static: string;
  header: string;
  header_static: string;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  last_status_at: string | null;
  emojis: never[];
  fields: { name: string; value: string; verified_at: string | null }[];
  noindex: boolean;
  moved?: AccountEntity | null;
  suspended?: boolean;
  roles: { id: string; name: string; color: string }[];
}

interface Counts {
  followers: number;
  following: number;
  statuses: number;
}

/**
 * Followers, following and statuses counts, and the local role, of every account in
 * one query (one round trip instead of four: queries do not overlap on PGlite).
 */
async function countsFor(services: Services, ids: string[]): Promise<{ counts: Map<string, Counts>; roles: Map<string, string> }> {
  const counts = new Map<string, Counts>(ids.map((id) => [id, { followers: 0, following: 0, statuses: 0 }]));
  const roles = new Map<string, string>();
  if (ids.length === 0) return { counts, roles };
  const rows = await countsQuery(services.db).execute({ ids });
  for (const r of rows) {
    const c = counts.get(String(r.id));
    if (!c) continue;
    c.followers = Number(r.followers);
    c.following = Number(r.following);
    c.statuses = Number(r.statuses);
    if (r.role) roles.set(String(r.id), r.role);
  }
  return { counts, roles };
}

const countsQuery = (db: DbOrTx) =>
  prepared(db, "ser_account_counts", (d) =>
    d
      .select({
        id: sql<string>`v.id::text`,
        followers: sql<number>`coalesce(${accountStats.followersCount}, 0)`,
        following: sql<number>`coalesce(${accountStats.followingCount}, 0)`,
        statuses: sql<number>`coalesce(${accountStats.statusesCount}, 0)`,
        role: users.role,
      })
      .from(sql`unnest(${sql.placeholder("ids")}::bigint[]) as v(id)`)
      .leftJoin(accountStats, sql`${accountStats.accountId} = v.id`)
      .leftJoin(users, sql`${users.accountId} = v.id`)
      .prepare("ser_account_counts"),
  );

const authorsWithCountsQuery = (db: DbOrTx) =>
  prepared(db, "ser_authors_with_counts", (d) =>
    d
      .select({
        ...getTableColumns(accounts),
        followersCount: accountStats.followersCount,
        followingCount: accountStats.followingCount,
        statusesCount: accountStats.statusesCount,
        role: users.role,
      })
      .from(accounts)
      .leftJoin(accountStats, eq(accountStats.accountId, accounts.id))
      .leftJoin(users, eq(users.accountId, accounts.id))
      .where(sql`${accounts.id} in (select s.account_id from ${statuses} s where s.id = any(${sql.placeholder("ids")}::bigint[]))`)
      .prepare("ser_authors_with_counts"),
  );

function dateOnly(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function toEntity(services: Services, a: Account, c: Counts, role: string | null | undefined): AccountEntity {
  const avatar = a.avatarUrl ? mediaUrl(services, a.avatarUrl) : `${services.config.origin}/avatars/original/missing.png`;
  const header = a.headerUrl ? mediaUrl(services, a.headerUrl) : `${services.config.origin}/headers/original/missing.png`;
  // a remote account's images are served from our origin; the thumbnail is a still (first frame)
  const remote = (kind: "avatars" | "headers", v: string | null) => (a.domain && isHttpUrl(v) ? (variant: "original" | "small") => proxiedMediaUrl(services, kind, a.id, variant) : null);
  const proxiedAvatar = remote("avatars", a.avatarUrl);
  const proxiedHeader = remote("headers", a.headerUrl);
  return {
    id: a.id,
    username: a.username,
    acct: acctOf(a),
    display_name: a.displayName,
    locked: a.locked,
    bot: a.bot,
    discoverable: a.discoverable,
    group: a.actorType === "Group",
    created_at: `${dateOnly(a.createdAt)}T00:00:00.000Z`,
    note: a.note,
    url: isHttpUrl(a.url) ? a.url : a.uri,
    uri: a.uri,
    avatar: proxiedAvatar?.("original") ?? avatar,
    avatar_static: proxiedAvatar?.("small") ?? avatar,
    header: proxiedHeader?.("original") ?? header,
    header_static: proxiedHeader?.("small") ?? header,
    // a remote server's own figures when it told us more than we know of
    followers_count: Math.max(c.followers, a.remoteFollowersCount ?? 0),
    following_count: Math.max(c.following, a.remoteFollowingCount ?? 0),
    statuses_count: Math.max(c.statuses, a.remoteStatusesCount ?? 0),
    last_status_at: a.lastStatusAt ? dateOnly(a.lastStatusAt) : null,
    emojis: [],
    fields: a.fields.map((f) => ({ name: f.name, value: f.value, verified_at: f.verified_at })),
    noindex: false,
    roles: role && role !== "resident" ? [{ id: role === "admin" ? "3" : "2", name: role === "admin" ? "Admin" : "Moderator", color: "" }] : [],
  };
}

/**
 * The authors of these statuses as entities, by account id: rows and counts read
 * in one query, which needs only the statuses' ids — so that it can run beside
 * the query that reads the originals of reblogs, not after it.
 */
export async function serializeAuthorsOf(services: Services, statusIds: string[]): Promise<Map<string, AccountEntity>> {
  const entities = new Map<string, AccountEntity>();
  if (statusIds.length === 0) return entities;
  const rows = await authorsWithCountsQuery(services.db).execute({ ids: [...new Set(statusIds)] });
  for (const { followersCount, followingCount, statusesCount, role, ...account } of rows) {
    // the counters row is made with the account (a trigger): absent only mid-deletion
    const counts = { followers: Number(followersCount), following: Number(followingCount), statuses: Number(statusesCount) };
    entities.set(account.id, toEntity(services, account, counts, role));
  }
  return entities;
}

export async function serializeAccounts(services: Services, rows: Account[]): Promise<AccountEntity[]> {
  const { counts, roles } = await countsFor(services, [...new Set(rows.map((r) => r.id))]);
  const none: Counts = { followers: 0, following: 0, statuses: 0 };
  return rows.map((a) => toEntity(services, a, counts.get(a.id) ?? none, roles.get(a.id)));
}

export async function serializeAccount(services: Services, row: Account): Promise<AccountEntity> {
  const [entity] = await serializeAccounts(services, [row]);
  return entity;
}

export interface CredentialAccountEntity extends AccountEntity {
  source: {
    privacy: string;
    sensitive: boolean;
    language: string;
    note: string;
    fields: { name: string; value: string; verified_at: string | null }[];
    follow_requests_count: number;
  };
  role: { id: string; name: string; permissions: string; color: string; highlighted: boolean };
  parvis: { role: string; locale: string; email: string | null };
}

export async function serializeCredentialAccount(services: Services, account: Account, user: User): Promise<CredentialAccountEntity> {
  const entity = await serializeAccount(services, account);
  const [req] = await services.db
    .select({ n: sql<number>`count(*)::int` })
    .from(followRequests)
    .where(sql`${followRequests.targetAccountId} = ${account.id}`);
  const roleNames = { resident: "", moderator: "Moderator", admin: "Admin" } as const;
  return {
    ...entity,
    source: {
      privacy: "public",
      sensitive: false,
      language: user.locale,
      note: account.noteSource,
      fields: account.fields.map((f) => ({ name: f.name, value: stripTags(f.value), verified_at: f.verified_at })),
      follow_requests_count: req?.n ?? 0,
    },
    role: {
      id: user.role === "admin" ? "3" : user.role === "moderator" ? "2" : "-99",
      name: roleNames[user.role],
      // Mastodon permission bits: administrator = 1; moderator gets the report/user management bits
      permissions: user.role === "admin" ? "1" : user.role === "moderator" ? "1308" : "65536",
      color: "",
      highlighted: user.role !== "resident",
    },
    parvis: { role: user.role, locale: user.locale, email: user.email },
  };
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}
