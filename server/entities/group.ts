// Loaded groups → the Parvis Group entity (docs/api.md "Groups"): the group's own
// fields, its Mastodon account view (group: true) and the viewer's place in it.
// Pure: the account views come loaded by the domain (loadAccountViews).
import type { AccountView } from "../domain/accounts";
import type { Ban, LoadedGroup, MemberRow, Membership, Standing } from "../domain/groups";
import { mayAdminister, mayModerate, mayPost } from "../domain/groups";
import { serializeAccount, serializeAccounts, type AccountEntity } from "./account";

export interface GroupRelationshipEntity {
  /** "active", "pending" (a join request) or null */
  state: "active" | "pending" | null;
  role: "admin" | "moderator" | "member" | null;
  banned: boolean;
  /** the charter version the viewer accepted, and when (null if never) */
  charter_version: number | null;
  charter_accepted_at: string | null;
  can_post: boolean;
  can_moderate: boolean;
  can_administer: boolean;
}

export interface GroupEntity {
  id: string;
  slug: string;
  acct: string;
  name: string;
  /** HTML (from the plain text typed) */
  description: string;
  /** the plain text typed, for editing */
  description_source: string;
  kind: string;
  charter: string;
  charter_version: number;
  area: string | null;
  visibility: "public" | "members";
  membership: "open" | "approval";
  posting: "members" | "moderators";
  members_count: number;
  local: boolean;
  url: string;
  created_at: string;
  account: AccountEntity;
  /** the viewer's place in the group (null for a visitor) */
  relationship: GroupRelationshipEntity | null;
}

export function groupRelationship(loaded: LoadedGroup, standing: Standing): GroupRelationshipEntity {
  const m = standing.membership;
  return {
    state: m?.state ?? null,
    role: m?.state === "active" ? m.role : null,
    banned: standing.banned,
    charter_version: m?.charterVersion ?? null,
    charter_accepted_at: m?.charterAcceptedAt?.toISOString() ?? null,
    can_post: mayPost(loaded.group, standing),
    can_moderate: mayModerate(standing),
    can_administer: mayAdminister(standing),
  };
}

export function serializeGroup(origin: string, loaded: LoadedGroup, view: AccountView, standing: Standing | null): GroupEntity {
  const [entity] = serializeGroups(origin, [loaded], [view], standing ? new Map([[loaded.group.accountId, standing]]) : null);
  return entity;
}

/** `views[i]` is the account view of `rows[i]`'s group */
export function serializeGroups(origin: string, rows: LoadedGroup[], views: AccountView[], standings: Map<string, Standing> | null): GroupEntity[] {
  const accounts = serializeAccounts(origin, views);
  return rows.map(({ group, account }, i) => {
    const standing = standings?.get(group.accountId);
    return {
      id: account.id,
      slug: account.username,
      acct: accounts[i].acct,
      name: account.displayName,
      description: account.note,
      description_source: account.noteSource,
      kind: group.kind,
      charter: group.charter,
      charter_version: group.charterVersion,
      area: group.area,
      visibility: group.visibility,
      membership: group.membership,
      posting: group.posting,
      members_count: accounts[i].followers_count,
      local: account.domain === null,
      url: accounts[i].url,
      created_at: group.createdAt.toISOString(),
      account: accounts[i],
      relationship: standing ? groupRelationship({ group, account }, standing) : null,
    };
  });
}

export interface MemberEntity {
  id: string;
  role: string;
  state: string;
  joined_at: string | null;
  requested_at: string;
  /** shown to the group's moderators only */
  charter_version?: number | null;
  charter_accepted_at?: string | null;
  account: AccountEntity;
}

/** `views[i]` is the account view of `rows[i]`'s member */
export function serializeMembers(origin: string, rows: MemberRow[], views: AccountView[], forModerators: boolean): MemberEntity[] {
  const accounts = serializeAccounts(origin, views);
  return rows.map(({ membership }, i) => memberEntity(membership, accounts[i], forModerators));
}

function memberEntity(m: Membership, account: AccountEntity, forModerators: boolean): MemberEntity {
  return {
    id: m.id,
    role: m.role,
    state: m.state,
    joined_at: m.joinedAt?.toISOString() ?? null,
    requested_at: m.createdAt.toISOString(),
    ...(forModerators ? { charter_version: m.charterVersion, charter_accepted_at: m.charterAcceptedAt?.toISOString() ?? null } : {}),
    account,
  };
}

export function serializeMember(origin: string, m: Membership, view: AccountView, forModerators: boolean): MemberEntity {
  return memberEntity(m, serializeAccount(origin, view), forModerators);
}

/** `views[i]` is the account view of `rows[i]`'s banned account */
export function serializeBans(origin: string, rows: { ban: Ban }[], views: AccountView[]) {
  const accounts = serializeAccounts(origin, views);
  return rows.map(({ ban }, i) => ({ id: ban.id, reason: ban.reason, created_at: ban.createdAt.toISOString(), account: accounts[i] }));
}

