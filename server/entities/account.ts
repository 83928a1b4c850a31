// Loaded accounts (server/domain/accounts/read.ts) → Mastodon Account and
// CredentialAccount entities. Pure: the counts and roles come with the views.
import { acctOf, type AccountView, type CredentialAccountView } from "../domain/accounts";
import { isHttpUrl } from "../domain/content";
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

function dateOnly(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function serializeAccount(origin: string, view: AccountView): AccountEntity {
  const { account: a, counts: c, role } = view;
  const avatar = a.avatarUrl ? mediaUrl(origin, a.avatarUrl) : `${origin}/avatars/original/missing.png`;
  const header = a.headerUrl ? mediaUrl(origin, a.headerUrl) : `${origin}/headers/original/missing.png`;
  // a remote account's images are served from our origin; the thumbnail is a still (first frame)
  const remote = (kind: "avatars" | "headers", v: string | null) => (a.domain && isHttpUrl(v) ? (variant: "original" | "small") => proxiedMediaUrl(origin, kind, a.id, variant) : null);
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
    // as Mastodon: present only on an account that moved
    ...(view.moved ? { moved: serializeAccount(origin, view.moved) } : {}),
    roles: role && role !== "resident" ? [{ id: role === "admin" ? "3" : "2", name: role === "admin" ? "Admin" : "Moderator", color: "" }] : [],
  };
}

export function serializeAccounts(origin: string, views: AccountView[]): AccountEntity[] {
  return views.map((v) => serializeAccount(origin, v));
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

export function serializeCredentialAccount(origin: string, credential: CredentialAccountView): CredentialAccountEntity {
  const { view, user } = credential;
  const account = view.account;
  const entity = serializeAccount(origin, view);
  const roleNames = { resident: "", moderator: "Moderator", admin: "Admin" } as const;
  return {
    ...entity,
    source: {
      privacy: "public",
      sensitive: false,
      language: user.locale,
      note: account.noteSource,
      fields: account.fields.map((f) => ({ name: f.name, value: stripTags(f.value), verified_at: f.verified_at })),
      follow_requests_count: credential.followRequestsCount,
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
