// Blocks as federation meets them: found by the ActivityPub id of their Block.
import { eq } from "drizzle-orm";
import { blocks } from "../../db/schema";
import type { DomainContext } from "../context";

export async function findBlockByUri(ctx: DomainContext, uri: string) {
  const [row] = await ctx.db.select().from(blocks).where(eq(blocks.uri, uri)).limit(1);
  return row;
}
