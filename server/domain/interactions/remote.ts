// Favourites and reblogs as federation meets them: found by the id of their
// Like, or by who shared what (an incoming Undo names one or the other).
import { and, eq, or } from "drizzle-orm";
import { favourites, statuses } from "../../db/schema";
import type { DomainContext } from "../context";

/** A favourite by its Like id, or by who liked what. */
export async function findFavourite(ctx: DomainContext, accountId: string, match: { uri?: string; statusId?: string }) {
  const conditions = [];
  if (match.uri) conditions.push(eq(favourites.uri, match.uri));
  if (match.statusId) conditions.push(eq(favourites.statusId, match.statusId));
  if (conditions.length === 0) return undefined;
  const [row] = await ctx.db
    .select()
    .from(favourites)
    .where(and(eq(favourites.accountId, accountId), or(...conditions)))
    .limit(1);
  return row;
}

/** A reblog by its author and the reblogged status. */
export async function findReblog(ctx: DomainContext, accountId: string, reblogOfId: string) {
  const [row] = await ctx.db
    .select()
    .from(statuses)
    .where(and(eq(statuses.accountId, accountId), eq(statuses.reblogOfId, reblogOfId)))
    .limit(1);
  return row;
}
