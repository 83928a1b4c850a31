// A remote server deleting its actor: the cached posts go, then the account
// (deleteRemoteAccount, at the end).
// A resident deletes their account, with a grace period (PARVIS_ACCOUNT_DELETION_GRACE_DAYS,
// 30 by default): the request deactivates the account at once (hidden like a
// suspended one, every token revoked, no login), and a durable job purges it
// when the grace ends. Until then, logging in with the password offers to
// cancel (POST /api/parvis/account/delete/cancel). The purge empties the
// account: posts, relationships, media and login go; the row stays, emptied
// and suspended, so the name can never be taken again by someone else (other
// servers remember it). Followers' servers are told (account.deleted).
import { and, eq, isNotNull, isNull, lte, or } from "drizzle-orm";
import {
  accessTokens,
  accounts,
  blocks,
  bookmarks,
  dataImports,
  favourites,
  followRequests,
  follows,
  mediaAttachments,
  mutes,
  notifications,
  scheduledStatuses,
  statuses,
  users,
} from "../../db/schema";
import type { DbOrTx } from "../../db/open";
import { Conflict, DomainError, Invalid, NotFound } from "../../errors";
import { verifyPassword } from "../accounts/passwords";
import type { DomainContext } from "../context";
import { writeAndPublish, type Recorder } from "../event-journal";
import { remoteFollowerInboxes } from "../follows/remote";
import { removeMediaFiles } from "../media/attachments";
import { removeAccountExports } from "../export/exports";
import { removeStatusRow } from "../statuses/local";

/** A correct login for an account waiting to be deleted: the client offers to cancel (403). */
export class DeletionPending extends DomainError {
  override readonly status = 403;
  constructor(dueAt: Date) {
    super("Your account is scheduled for deletion; you may cancel it", { account: "ERR_DELETION_PENDING", deletion_due_at: [{ error: dueAt.toISOString() }] });
  }
}

export interface DeletionRequest {
  /** null when the account was purged at once (no grace configured) */
  dueAt: Date | null;
}

/**
 * The resident asks for deletion (their password confirms). With a grace
 * period the account is deactivated until `dueAt`; without one it is purged now.
 */
export async function requestAccountDeletion(ctx: DomainContext, userId: string, password: string, now = new Date()): Promise<DeletionRequest> {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new NotFound();
  if (!(await verifyPassword(user.passwordHash, password))) throw new Invalid("Password is incorrect", { password: "ERR_INVALID" });
  const grace = ctx.config.dataRights.deletionGraceMs;
  if (grace === 0) {
    const { accountId, files } = await writeAndPublish(ctx, (tx, record) => purgeAccount({ ...ctx, db: tx }, userId, record));
    await removeAccountFiles(ctx, accountId, files);
    return { dueAt: null };
  }
  const dueAt = new Date(now.getTime() + grace);
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ deletionRequestedAt: now, deletionDueAt: dueAt }).where(eq(users.id, userId));
    // hidden like a suspended account; a suspension by moderators (already set) is left as it is,
    // and the cancellation lifts only the one set here (same timestamp)
    await tx.update(accounts).set({ suspendedAt: now, updatedAt: now }).where(and(eq(accounts.id, user.accountId), isNull(accounts.suspendedAt)));
    await tx.update(accessTokens).set({ revokedAt: now }).where(and(eq(accessTokens.userId, userId), isNull(accessTokens.revokedAt)));
  });
  ctx.events.emit("tokens.revoked", { userId, tokenIds: null });
  ctx.events.emit("account.updated", { accountId: user.accountId, local: true });
  return { dueAt };
}

/** The resident changed their mind during the grace (the caller checked their password). */
export async function cancelAccountDeletion(ctx: DomainContext, userId: string): Promise<void> {
  const accountId = await ctx.db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    if (!user) throw new NotFound();
    if (!user.deletionRequestedAt) throw new Conflict("This account is not scheduled for deletion");
    await tx.update(users).set({ deletionRequestedAt: null, deletionDueAt: null }).where(eq(users.id, userId));
    await tx
      .update(accounts)
      .set({ suspendedAt: null, updatedAt: new Date() })
      .where(and(eq(accounts.id, user.accountId), eq(accounts.suspendedAt, user.deletionRequestedAt)));
    return user.accountId;
  });
  ctx.events.emit("account.updated", { accountId, local: true });
}

/**
 * Purges the accounts whose grace has ended (the durable job). Each is
 * claimed in its own transaction, so a crash mid-way leaves it due for the
 * next run, and two workers never purge the same one.
 */
export async function purgeDueDeletions(ctx: DomainContext, now = new Date(), limit = 20): Promise<string[]> {
  const purged: string[] = [];
  for (let i = 0; i < limit; i++) {
    const files: (string | null)[] = [];
    const accountId = await writeAndPublish(ctx, async (tx, record) => {
      const [due] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(isNotNull(users.deletionDueAt), lte(users.deletionDueAt, now)))
        .orderBy(users.deletionDueAt)
        .limit(1)
        .for("update", { skipLocked: true });
      if (!due) return null;
      const result = await purgeAccount({ ...ctx, db: tx }, due.id, record);
      files.push(...result.files);
      return result.accountId;
    });
    if (!accountId) break;
    await removeAccountFiles(ctx, accountId, files);
    purged.push(accountId);
  }
  return purged;
}

/**
 * Purges a resident now, without grace: a suspension whose grace period ended
 * (server/domain/moderation/purge.ts).
 */
export async function purgeLocalAccount(ctx: DomainContext, userId: string): Promise<void> {
  const { accountId, files } = await writeAndPublish(ctx, (tx, record) => purgeAccount({ ...ctx, db: tx }, userId, record));
  await removeAccountFiles(ctx, accountId, files);
}

/** After the purge committed: nothing of theirs stays served at /media (attachments, avatar, header), no archive stays on disk. */
async function removeAccountFiles(ctx: DomainContext, accountId: string, files: (string | null)[]): Promise<void> {
  await removeMediaFiles(ctx, files);
  await removeAccountExports(ctx, accountId);
}

/** Empties an account inside the caller's transaction; `account.deleted` is journaled with it. Files are the caller's. */
async function purgeAccount(ctx: DomainContext & { db: DbOrTx }, userId: string, record: Recorder): Promise<{ accountId: string; files: (string | null)[] }> {
  const tx = ctx.db;
  const [user] = await tx.select().from(users).where(eq(users.id, userId));
  if (!user) throw new NotFound();
  const [account] = await tx.select().from(accounts).where(eq(accounts.id, user.accountId));
  if (!account || account.domain !== null) throw new NotFound();
  const id = account.id;
  // computed before the follows go: they are who must hear of the deletion
  const inboxes = (await remoteFollowerInboxes(ctx, id)).map((r) => r.sharedInboxUrl ?? r.inboxUrl).filter((u): u is string => Boolean(u));
  await tx.delete(statuses).where(eq(statuses.accountId, id));
  await tx.delete(scheduledStatuses).where(eq(scheduledStatuses.accountId, id));
  await tx.delete(favourites).where(eq(favourites.accountId, id));
  await tx.delete(bookmarks).where(eq(bookmarks.accountId, id));
  await tx.delete(follows).where(or(eq(follows.accountId, id), eq(follows.targetAccountId, id)));
  await tx.delete(followRequests).where(or(eq(followRequests.accountId, id), eq(followRequests.targetAccountId, id)));
  await tx.delete(blocks).where(or(eq(blocks.accountId, id), eq(blocks.targetAccountId, id)));
  await tx.delete(mutes).where(or(eq(mutes.accountId, id), eq(mutes.targetAccountId, id)));
  await tx.delete(notifications).where(or(eq(notifications.accountId, id), eq(notifications.fromAccountId, id)));
  await tx.delete(dataImports).where(eq(dataImports.accountId, id));
  const media = await tx
    .delete(mediaAttachments)
    .where(eq(mediaAttachments.accountId, id))
    .returning({ fileName: mediaAttachments.fileName, previewFileName: mediaAttachments.previewFileName });
  // the login and every token go with the user row
  await tx.delete(users).where(eq(users.id, userId));
  await tx
    .update(accounts)
    .set({ displayName: "", note: "", noteSource: "", fields: [], avatarUrl: null, headerUrl: null, locked: false, alsoKnownAs: [], suspendedAt: account.suspendedAt ?? new Date(), updatedAt: new Date() })
    .where(eq(accounts.id, id));
  const files = [...media.flatMap((m) => [m.fileName, m.previewFileName]), account.avatarUrl, account.headerUrl];
  await record("tokens.revoked", { userId, tokenIds: null }, { durable: false });
  await record("account.deleted", { accountId: id, uri: account.uri, local: true, followerInboxes: [...new Set(inboxes)] });
  return { accountId: id, files };
}

/** The remote server deleted the account: its posts go, then the account. */
export async function deleteRemoteAccount(ctx: DomainContext, accountId: string): Promise<void> {
  const [account] = await ctx.db.select().from(accounts).where(eq(accounts.id, accountId));
  if (!account || account.domain === null) return;
  // one event per post so that timelines open in browsers drop them
  const posts = await ctx.db.select().from(statuses).where(eq(statuses.accountId, accountId));
  for (const post of posts) await removeStatusRow(ctx, post);
  await ctx.db.delete(accounts).where(eq(accounts.id, accountId));
  ctx.events.emit("account.deleted", { accountId, uri: account.uri, local: false, followerInboxes: [] });
}
