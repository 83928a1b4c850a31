// Groups: creating and changing one, and the directory. A group is an account
// (actor_type 'Group') with a groups row (docs/adr/0020-groups-are-accounts.md).
import { and, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import { accountStats, accounts, groupMemberships, groups, users, type GroupKind } from "../../db/schema";
import { Forbidden, Invalid } from "../../errors";
import { newId } from "../../ids";
import { isBlank } from "../../unicode";
import { localUrls } from "../../urls";
import type { DbOrTx } from "../../db/open";
import type { DomainContext } from "../context";
import { finishPage, pageQuery, type PageParams } from "../pagination";
import { renderPlainText } from "../content/text";
import { stripHtml } from "../content/sanitize";
import { isUniqueViolation, RESERVED_USERNAMES, USERNAME_PATTERN, type Account } from "../accounts/local";
import { getSettings } from "../instance/settings";
import { getGroup, mayAdminister, standingIn, type LoadedGroup } from "./rules";
import { writeAndPublish } from "../event-journal";

export const GROUP_KINDS = ["neighbourhood", "vigilance", "association", "topic"] as const;
export const MAX_NAME = 100;
export const MAX_DESCRIPTION = 2000;
export const MAX_CHARTER = 20_000;
export const MAX_AREA = 200;

/** Where a local group lives: its ActivityPub id and its page (the group actor is served there by federation). */
export function groupUri(origin: string, slug: string): string {
  return `${origin}/groups/${slug}`;
}

export interface GroupInput {
  name?: string;
  kind?: GroupKind;
  description?: string;
  charter?: string;
  area?: string | null;
  visibility?: "public" | "members";
  membership?: "open" | "approval";
  posting?: "members" | "moderators";
  /** stored file names (storeImageFile) of a new avatar and header: a group admin's change only */
  avatarUrl?: string;
  headerUrl?: string;
}

export interface CreateGroupInput extends GroupInput {
  slug: string;
  name: string;
  kind: GroupKind;
}

function checkName(name: string): string {
  const trimmed = stripHtml(name).trim();
  if (isBlank(trimmed)) throw new Invalid("Validation failed: Name can't be blank");
  if ([...trimmed].length > MAX_NAME) throw new Invalid(`Validation failed: Name is too long (maximum is ${MAX_NAME} characters)`);
  return trimmed;
}

function checkLength(value: string, max: number, what: string): string {
  if ([...value].length > max) throw new Invalid(`Validation failed: ${what} is too long (maximum is ${max} characters)`);
  return value;
}

/** A vigilance group is joined by accepting its charter: it must have one. */
function checkCharter(kind: GroupKind, charter: string): void {
  if (kind === "vigilance" && isBlank(charter)) throw new Invalid("Validation failed: A vigilance group needs a charter");
}

/** Sets a group's member count on its account (the Mastodon view's followers_count), in the same transaction. */
export async function recountMembers(tx: DbOrTx, groupId: string): Promise<void> {
  await tx.execute(sql`update ${accountStats} set followers_count = (
      select count(*) from ${groupMemberships} gm where gm.group_id = ${groupId} and gm.state = 'active')
    where ${accountStats.accountId} = ${groupId}`);
}

async function mayCreateGroups(ctx: DomainContext, creator: Account): Promise<boolean> {
  const { groupCreation } = await getSettings(ctx);
  if (groupCreation === "everyone") return true;
  const [user] = await ctx.db.select({ role: users.role }).from(users).where(eq(users.accountId, creator.id));
  return user?.role === "admin";
}

export async function createGroup(ctx: DomainContext, creator: Account, input: CreateGroupInput): Promise<LoadedGroup> {
  if (creator.domain !== null) throw new Forbidden();
  if (!(await mayCreateGroups(ctx, creator))) throw new Forbidden("Only the instance's admins may create groups");
  const slug = input.slug;
  if (!USERNAME_PATTERN.test(slug)) throw new Invalid("Validation failed: Slug must be 1 to 30 letters, digits or underscores");
  if (RESERVED_USERNAMES.has(slug.toLowerCase())) throw new Invalid("Validation failed: Slug is reserved");
  const name = checkName(input.name);
  const description = checkLength(input.description ?? "", MAX_DESCRIPTION, "Description");
  const charter = checkLength(input.charter ?? "", MAX_CHARTER, "Charter");
  const area = input.area ? checkLength(input.area.trim(), MAX_AREA, "Area") || null : null;
  checkCharter(input.kind, charter);
  const membership = input.membership ?? "open";
  const uri = groupUri(ctx.config.origin, slug);
  const id = newId();
  const now = new Date();
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(accounts).values({
        id,
        username: slug,
        domain: null,
        displayName: name,
        note: renderPlainText(description, localUrls(ctx.config.origin).tagPage),
        noteSource: description,
        actorType: "Group",
        // Mastodon apps show "request to follow" for a locked account: approval groups are
        locked: membership === "approval",
        uri,
        url: uri,
        // a group's inbox is the shared inbox (federation/to-activitypub/group.ts says why)
        inboxUrl: `${ctx.config.origin}/inbox`,
        sharedInboxUrl: `${ctx.config.origin}/inbox`,
        outboxUrl: `${uri}/outbox`,
        followersUrl: `${uri}/followers`,
      });
      await tx.insert(groups).values({
        accountId: id,
        kind: input.kind,
        charter,
        area,
        visibility: input.visibility ?? "public",
        membership,
        posting: input.posting ?? "members",
        createdById: creator.id,
      });
      // the creator is its first admin, and wrote (so accepts) its charter
      await tx.insert(groupMemberships).values({
        id: newId(),
        groupId: id,
        accountId: creator.id,
        role: "admin",
        state: "active",
        joinedAt: now,
        charterAcceptedAt: charter ? now : null,
        charterVersion: charter ? 1 : null,
      });
      await recountMembers(tx, id);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new Invalid("Validation failed: Slug is already taken");
    throw e;
  }
  return getGroup(ctx, id);
}

/** Whether this account may change the group (its admins, the instance's staff); Forbidden otherwise. */
export async function checkMayChangeGroup(ctx: DomainContext, actorId: string, groupId: string): Promise<LoadedGroup> {
  const loaded = await getGroup(ctx, groupId);
  if (loaded.account.domain !== null) throw new Forbidden("A remote group is changed on its own server");
  if (!mayAdminister(await standingIn(ctx, groupId, actorId))) throw new Forbidden("Only the group's admins may change it");
  return loaded;
}

export async function updateGroup(ctx: DomainContext, actorId: string, groupId: string, input: GroupInput): Promise<LoadedGroup> {
  const { group } = await checkMayChangeGroup(ctx, actorId, groupId);
  const accountSet: Partial<typeof accounts.$inferInsert> = {};
  const groupSet: Partial<typeof groups.$inferInsert> = {};
  if (input.name !== undefined) accountSet.displayName = checkName(input.name);
  if (input.description !== undefined) {
    accountSet.noteSource = checkLength(input.description, MAX_DESCRIPTION, "Description");
    accountSet.note = renderPlainText(input.description, localUrls(ctx.config.origin).tagPage);
  }
  if (input.charter !== undefined && input.charter !== group.charter) {
    groupSet.charter = checkLength(input.charter, MAX_CHARTER, "Charter");
    // acceptances name the version they accepted: a new text is a new version
    groupSet.charterVersion = group.charterVersion + 1;
  }
  if (input.area !== undefined) groupSet.area = input.area ? checkLength(input.area.trim(), MAX_AREA, "Area") || null : null;
  if (input.kind !== undefined) groupSet.kind = input.kind;
  if (input.visibility !== undefined) groupSet.visibility = input.visibility;
  if (input.posting !== undefined) groupSet.posting = input.posting;
  if (input.membership !== undefined) {
    groupSet.membership = input.membership;
    accountSet.locked = input.membership === "approval";
  }
  if (input.avatarUrl !== undefined) accountSet.avatarUrl = input.avatarUrl;
  if (input.headerUrl !== undefined) accountSet.headerUrl = input.headerUrl;
  checkCharter(groupSet.kind ?? group.kind, groupSet.charter ?? group.charter);
  const now = new Date();
  await writeAndPublish(ctx, async (tx, record) => {
    if (Object.keys(accountSet).length) await tx.update(accounts).set({ ...accountSet, updatedAt: now }).where(eq(accounts.id, groupId));
    if (Object.keys(groupSet).length) await tx.update(groups).set({ ...groupSet, updatedAt: now }).where(eq(groups.accountId, groupId));
    // its remote members' servers hear of it (federation: Update(Group))
    if (Object.keys(accountSet).length || Object.keys(groupSet).length) await record("group.updated", { groupId });
  });
  return getGroup(ctx, groupId);
}

export interface DirectoryQuery {
  q?: string;
  kind?: GroupKind;
  /** only the groups this account belongs to or asked to join ("Mes groupes") */
  memberId?: string;
}

/** LIKE pattern characters are literal in a search. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The directory: every group (the newest first), by words of its name, slug or description, and kind. */
export async function groupDirectory(ctx: DomainContext, query: DirectoryQuery, page: PageParams): Promise<LoadedGroup[]> {
  const conditions: (SQL | undefined)[] = [sql`${accounts.suspendedAt} is null`];
  const q = query.q?.trim();
  if (q) {
    const pattern = likePattern(q);
    conditions.push(or(ilike(accounts.displayName, pattern), ilike(accounts.username, pattern), ilike(accounts.noteSource, pattern)));
  }
  if (query.kind) conditions.push(eq(groups.kind, query.kind));
  if (query.memberId) {
    conditions.push(
      inArray(
        groups.accountId,
        ctx.db.select({ id: groupMemberships.groupId }).from(groupMemberships).where(eq(groupMemberships.accountId, query.memberId)),
      ),
    );
  }
  const pq = pageQuery(groups.accountId, page);
  const rows = await ctx.db
    .select({ group: groups, account: accounts })
    .from(groups)
    .innerJoin(accounts, eq(accounts.id, groups.accountId))
    .where(and(...conditions, pq.where))
    .orderBy(pq.orderBy)
    .limit(page.limit);
  return finishPage(rows, pq);
}

/** The groups (with their accounts) among these account ids: the Mastodon view of a group account needs them. */
export async function groupsByIds(ctx: DomainContext, ids: string[]): Promise<Map<string, LoadedGroup>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db
    .select({ group: groups, account: accounts })
    .from(groups)
    .innerJoin(accounts, eq(accounts.id, groups.accountId))
    .where(inArray(groups.accountId, ids))
    .orderBy(desc(groups.accountId));
  return new Map(rows.map((r) => [r.group.accountId, r]));
}
