// Writes that local and remote statuses share, so that a post written here and
// one received from another server are stored the same way: their hashtags,
// and the first version of their edit history.
import { eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/open";
import { statusEdits, statusTags, statuses, tags } from "../../db/schema";
import { newId } from "../../ids";

/**
 * Files a status under these hashtags (names already in their stored form):
 * unknown tags are created, links that exist are kept. With `replace`, the
 * status's previous tags are dropped first (an edit).
 */
export async function tagStatus(db: DbOrTx, statusId: string, names: string[], options: { replace?: boolean } = {}): Promise<void> {
  if (options.replace) await db.delete(statusTags).where(eq(statusTags.statusId, statusId));
  if (names.length === 0) return;
  await db
    .insert(tags)
    .values(names.map((name) => ({ id: newId(), name })))
    .onConflictDoNothing();
  const rows = await db.select({ id: tags.id }).from(tags).where(inArray(tags.name, names));
  if (rows.length === 0) return;
  await db
    .insert(statusTags)
    .values(rows.map((r) => ({ statusId, tagId: r.id })))
    .onConflictDoNothing();
}

/**
 * Before a status's first edit is stored, its history starts with the
 * original version (as Mastodon shows it: the original, then each edit).
 * Does nothing once the history exists.
 */
export async function keepOriginalVersion(db: DbOrTx, status: typeof statuses.$inferSelect): Promise<void> {
  const [previous] = await db.select({ id: statusEdits.id }).from(statusEdits).where(eq(statusEdits.statusId, status.id)).limit(1);
  if (previous) return;
  await db.insert(statusEdits).values({
    id: newId(status.createdAt),
    statusId: status.id,
    content: status.content,
    spoilerText: status.spoilerText,
    sensitive: status.sensitive,
    createdAt: status.createdAt,
  });
}
