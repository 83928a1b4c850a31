// A block cuts every tie between two accounts: follows and requests both ways
// go, and neither sees the other's posts.
import { and, eq } from "drizzle-orm";
import { blocks } from "../db/schema";
import { Forbidden } from "../errors";
import { newId } from "../ids";
import type { DomainContext } from "./context";
import { unfollow } from "./follows";
import { finishPage, pageQuery, type PageParams } from "./pagination";

export type Block = typeof blocks.$inferSelect;

export async function block(ctx: DomainContext, accountId: string, targetId: string, uri: string | null = null): Promise<Block> {
  if (accountId === targetId) throw new Forbidden("You cannot block yourself");
  const [row] = await ctx.db
    .insert(blocks)
    .values({ id: newId(), accountId, targetAccountId: targetId, uri })
    .onConflictDoNothing()
    .returning();
  await unfollow(ctx, accountId, targetId);
  await unfollow(ctx, targetId, accountId);
  if (!row) {
    const [existing] = await ctx.db
      .select()
      .from(blocks)
      .where(and(eq(blocks.accountId, accountId), eq(blocks.targetAccountId, targetId)));
    return existing;
  }
  ctx.events.emit("block.created", { blockId: row.id, accountId, targetAccountId: targetId });
  return row;
}

export async function unblock(ctx: DomainContext, accountId: string, targetId: string): Promise<void> {
  const [row] = await ctx.db
    .delete(blocks)
    .where(and(eq(blocks.accountId, accountId), eq(blocks.targetAccountId, targetId)))
    .returning();
  if (row) ctx.events.emit("block.removed", { blockId: row.id, uri: row.uri, accountId, targetAccountId: targetId });
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
