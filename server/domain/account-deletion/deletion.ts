// A resident deletes their account: their posts, relationships and login go;
// the account row stays, emptied and suspended, so the name can never be taken
// again by someone else (other servers remember it). Followers' servers are told.
// A remote server deleting its actor: the cached posts go, then the account.
import { eq, or } from "drizzle-orm";
import { accounts, blocks, favourites, followRequests, follows, mediaAttachments, mutes, notifications, statuses, users } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import { verifyPassword } from "../accounts/passwords";
import type { DomainContext } from "../context";
import { remoteFollowerInboxes } from "../follows/remote";
import { removeMediaFiles } from "../media/attachments";
import { removeStatusRow } from "../statuses/local";

export async function deleteLocalAccount(ctx: DomainContext, userId: string, password: string): Promise<void> {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new NotFound();
  if (!(await verifyPassword(user.passwordHash, password))) throw new Invalid("Password is incorrect", { password: "ERR_INVALID" });
  await purgeLocalAccount(ctx, userId);
}

/**
 * Deletes a resident's posts, relationships and login, keeping the emptied,
 * suspended account row (the resident's own deletion, and a suspension whose
 * grace period ended: server/domain/moderation/purge.ts).
 */
export async function purgeLocalAccount(ctx: DomainContext, userId: string): Promise<void> {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new NotFound();
  const [account] = await ctx.db.select().from(accounts).where(eq(accounts.id, user.accountId));
  if (!account || account.domain !== null) throw new NotFound();
  // computed before the follows go: they are who must hear of the deletion
  const inboxes = (await remoteFollowerInboxes(ctx, account.id)).map((r) => r.sharedInboxUrl ?? r.inboxUrl).filter((u): u is string => Boolean(u));
  const files = await ctx.db.transaction(async (tx) => {
    const id = account.id;
    // the login goes first: it claims the deletion (a second process finds nothing and stops)
    const claimed = await tx.delete(users).where(eq(users.id, userId)).returning({ id: users.id });
    if (claimed.length === 0) throw new NotFound();
    await tx.delete(statuses).where(eq(statuses.accountId, id));
    await tx.delete(favourites).where(eq(favourites.accountId, id));
    await tx.delete(follows).where(or(eq(follows.accountId, id), eq(follows.targetAccountId, id)));
    await tx.delete(followRequests).where(or(eq(followRequests.accountId, id), eq(followRequests.targetAccountId, id)));
    await tx.delete(blocks).where(or(eq(blocks.accountId, id), eq(blocks.targetAccountId, id)));
    await tx.delete(mutes).where(or(eq(mutes.accountId, id), eq(mutes.targetAccountId, id)));
    await tx.delete(notifications).where(or(eq(notifications.accountId, id), eq(notifications.fromAccountId, id)));
    const media = await tx.delete(mediaAttachments).where(eq(mediaAttachments.accountId, id)).returning({ fileName: mediaAttachments.fileName, previewFileName: mediaAttachments.previewFileName });
    await tx
      .update(accounts)
      .set({ displayName: "", note: "", noteSource: "", fields: [], avatarUrl: null, headerUrl: null, locked: false, suspendedAt: new Date(), updatedAt: new Date() })
      .where(eq(accounts.id, id));
    return media.flatMap((m) => [m.fileName, m.previewFileName]);
  });
  // nothing of theirs stays served at /media: attachments, avatar, header
  await removeMediaFiles(ctx, [...files, account.avatarUrl, account.headerUrl]);
  ctx.events.emit("tokens.revoked", { userId, tokenIds: null });
  ctx.events.emit("account.deleted", { accountId: account.id, uri: account.uri, local: true, followerInboxes: [...new Set(inboxes)] });
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
