// A block cuts every tie between two accounts: follows and requests both ways
// go, and neither sees the other's posts.
import { and, eq } from "drizzle-orm";
import { blocks } from "../../db/schema";
import { Forbidden } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { journaled, writeAndPublish } from "../event-journal";
import { unfollow } from "../follows/follows";
import { finishPage, pageQuery, type PageParams } from "../pagination";

export type Block = typeof blocks.$inferSelect;

export async function block(ctx: DomainContext, accountId: string, targetId: string, uri: string | null = null): Promise<Block> {
  if (accountId === targetId) throw new Forbidden("You cannot block yourself");
  const { value: row, publish } = await journaled(ctx, async (tx, record) => {
    const [row] = await tx
      .insert(blocks)
      .values({ id: newId(), accountId, targetAccountId: targetId, uri })
      .onConflictDoNothing()
      .returning();
    if (row) await record("block.created", { blockId: row.id, accountId, targetAccountId: targetId });
    return row;
  });
  await unfollow(ctx, accountId, targetId);
  await unfollow(ctx, targetId, accountId);
  // the Block goes out after the Undo(Follow)s, as it always did
  publish();
  if (!row) {
    const [existing] = await ctx.db
      .select()
      .from(blocks)
      .where(and(eq(blocks.accountId, accountId), eq(blocks.targetAccountId, targetId)));
    return existing;
  }
  return row;
}

export async function unblock(ctx: DomainContext, accountId: string, targetId: string): Promise<void> {
  await writeAndPublish(ctx, async (tx, record) => {
    const [row] = await tx
      .delete(blocks)
      .where(and(eq(blocks.accountId, accountId), eq(blocks.targetAccountId, targetId)))
      .returning();
    if (row) await record("block.removed", { blockId: row.id, uri: row.uri, accountId, targetAccountId: targetId });
  });
}

export async function listBlocks(ctx: DomainContext, accountId: string, page: PageParams): Promise<Block[]> {
  const q = pageQuery(blocks.id, page);
  const rows = await ctx.db
    .select()
    .from(blocks)
    .where(and(eq(blocks.accountId, accountId), q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}
