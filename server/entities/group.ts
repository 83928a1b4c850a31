// Rows → the Parvis Group entity (docs/api.md "Groups"): the group's own fields,
// its Mastodon account view (group: true) and the viewer's place in it.
import type { Ban, LoadedGroup, MemberRow, Membership, Standing } from "../domain/groups";
import { mayAdminister, mayModerate, mayPost } from "../domain/groups";
import type { Services } from "../services";
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

export async function serializeGroup(services: Services, loaded: LoadedGroup, standing: Standing | null): Promise<GroupEntity> {
  const [entity] = await serializeGroups(services, [loaded], standing ? new Map([[loaded.group.accountId, standing]]) : null);
  return entity;
}

export async function serializeGroups(services: Services, rows: LoadedGroup[], standings: Map<string, Standing> | null): Promise<GroupEntity[]> {
  const accounts = await serializeAccounts(services, rows.map((r) => r.account));
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

export async function serializeMembers(services: Services, rows: MemberRow[], forModerators: boolean): Promise<MemberEntity[]> {
  const accounts = await serializeAccounts(services, rows.map((r) => r.account));
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

export async function serializeMember(services: Services, m: Membership, account: Parameters<typeof serializeAccount>[1], forModerators: boolean) {
  return memberEntity(m, await serializeAccount(services, account), forModerators);
}

export async function serializeBans(services: Services, rows: { ban: Ban; account: Parameters<typeof serializeAccount>[1] }[]) {
  const accounts = await serializeAccounts(services, rows.map((r) => r.account));
  return rows.map(({ ban }, i) => ({ id: ban.id, reason: ban.reason, created_at: ban.createdAt.toISOString(), account: accounts[i] }));
}

