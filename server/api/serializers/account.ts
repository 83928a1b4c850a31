// Rows → Mastodon Account entities, in batches (one query for all counts).
import { inArray, sql } from "drizzle-orm";
import { follows, followRequests, statuses, users } from "../../db/schema";
import type { Account, User } from "../../domain/accounts";
import { acctOf } from "../../domain/accounts";
import type { Services } from "../../services";
import { mediaUrl } from "./media";

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

async function countsFor(services: Services, ids: string[]): Promise<Map<string, Counts>> {
  const map = new Map<string, Counts>(ids.map((id) => [id, { followers: 0, following: 0, statuses: 0 }]));
  if (ids.length === 0) return map;
  const db = services.db;
  const [followers, following, posts] = await Promise.all([
    db
      .select({ id: follows.targetAccountId, n: sql<number>`count(*)::int` })
      .from(follows)
      .where(inArray(follows.targetAccountId, ids))
      .groupBy(follows.targetAccountId),
    db
      .select({ id: follows.accountId, n: sql<number>`count(*)::int` })
      .from(follows)
      .where(inArray(follows.accountId, ids))
      .groupBy(follows.accountId),
    db
      .select({ id: statuses.accountId, n: sql<number>`count(*)::int` })
      .from(statuses)
      .where(inArray(statuses.accountId, ids))
      .groupBy(statuses.accountId),
  ]);
  for (const r of followers) map.get(r.id)!.followers = r.n;
  for (const r of following) map.get(r.id)!.following = r.n;
  for (const r of posts) map.get(r.id)!.statuses = r.n;
  return map;
}

function dateOnly(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function toEntity(services: Services, a: Account, c: Counts, roles: Map<string, string>): AccountEntity {
  const avatar = a.avatarUrl ? mediaUrl(services, a.avatarUrl) : `${services.config.origin}/avatars/original/missing.png`;
  const header = a.headerUrl ? mediaUrl(services, a.headerUrl) : `${services.config.origin}/headers/original/missing.png`;
  const role = roles.get(a.id);
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
    url: a.url ?? a.uri,
    uri: a.uri,
    avatar,
    avatar_static: avatar,
    header,
    header_static: header,
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

export async function serializeAccounts(services: Services, rows: Account[]): Promise<AccountEntity[]> {
  const ids = [...new Set(rows.map((r) => r.id))];
  const [counts, roleRows] = await Promise.all([
    countsFor(services, ids),
    ids.length
      ? services.db.select({ accountId: users.accountId, role: users.role }).from(users).where(inArray(users.accountId, ids))
      : Promise.resolve([]),
  ]);
  const roles = new Map(roleRows.map((r) => [r.accountId, r.role]));
  return rows.map((a) => toEntity(services, a, counts.get(a.id)!, roles));
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
