// Reading positions that apps save and read back (Mastodon's markers).
import { and, eq, inArray, sql } from "drizzle-orm";
import { markers } from "../../db/schema";
import type { DomainContext } from "../context";
import { isId } from "../../ids";

export type Marker = typeof markers.$inferSelect;
export type MarkerTimeline = Marker["timeline"];
export const MARKER_TIMELINES: readonly MarkerTimeline[] = ["home", "notifications"];

export async function getMarkers(ctx: DomainContext, accountId: string, timelines: MarkerTimeline[]): Promise<Marker[]> {
  if (timelines.length === 0) return [];
  return ctx.db
    .select()
    .from(markers)
    .where(and(eq(markers.accountId, accountId), inArray(markers.timeline, timelines)));
}

/** Saves positions; each save of a timeline raises its version, as Mastodon. */
export async function saveMarkers(ctx: DomainContext, accountId: string, positions: Partial<Record<MarkerTimeline, string>>): Promise<Marker[]> {
  const entries = Object.entries(positions).filter((e): e is [MarkerTimeline, string] => typeof e[1] === "string");
  for (const [timeline, lastReadId] of entries) {
    await ctx.db
      .insert(markers)
      .values({ accountId, timeline, lastReadId })
      .onConflictDoUpdate({
        target: [markers.accountId, markers.timeline],
        set: { lastReadId, version: sql`${markers.version} + 1`, updatedAt: new Date() },
      });
  }
  return getMarkers(ctx, accountId, entries.map(([t]) => t));
}

/** The last notification the resident has read (their notifications marker), or null. */
export async function notificationsReadUpTo(ctx: DomainContext, accountId: string): Promise<string | null> {
  const [marker] = await getMarkers(ctx, accountId, ["notifications"]);
  // positions are ids (the API checks them); anything else counts as no marker
  return marker && isId(marker.lastReadId) ? marker.lastReadId : null;
}
